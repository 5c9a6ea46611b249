/// The store's management side: listing, removal, size limits. Used by `ls`, `show`, `rm`,
/// `clear` and `gc`, never by the hit path.
extension Store {
    static let entryColumns = """
        cid, tool, operation, display, scope, created_ms, expires_ms, exit_code, duration_ms,
        hits, last_used_ms, stdout_bytes, stderr_bytes, scope_item, cost_micros, tokens
        """

    private func readInfo(_ s: SQLiteDatabase.Statement) -> EntryInfo {
        var info = EntryInfo(cid: s.text(0), tool: s.text(1), operation: s.text(2), display: s.text(3),
                             scope: Scope(area: s.text(4), item: s.text(13).isEmpty ? nil : s.text(13)), createdMs: s.int(5), expiresMs: s.int(6),
                             exitCode: Int32(truncatingIfNeeded: s.int(7)), durationMs: s.int(8),
                             stdoutBytes: s.int(11), stderrBytes: s.int(12))
        info.hits = s.int(9)
        info.lastUsedMs = s.int(10)
        info.costMicros = s.int(14)
        info.tokens = s.int(15)
        return info
    }

    /// Entries, newest first, optionally of one tool.
    public func list(tool: String? = nil) throws(CachewrapError) -> [EntryInfo] {
        try wrap { () throws(SQLiteDatabase.Failure) in
            let stmt = try db.prepare("""
                SELECT \(Store.entryColumns) FROM entries WHERE ?1 IS NULL OR tool = ?1 ORDER BY created_ms DESC
                """)
            try stmt.bind(tool.map { .text($0) })
            var out: [EntryInfo] = []
            while try stmt.step() { out.append(readInfo(stmt)) }
            return out
        }
    }

    /// The one entry whose CID starts with `prefix`; an error when none or several match.
    public func entry(prefix: String) throws(CachewrapError) -> EntryInfo {
        let matches = try wrap { () throws(SQLiteDatabase.Failure) in
            // A range scan on the primary key instead of LIKE, which would treat _ and % as wildcards.
            let stmt = try db.prepare("SELECT \(Store.entryColumns) FROM entries WHERE cid >= ? AND cid < ? LIMIT 2")
            try stmt.bind(.text(prefix), .text(prefix + "\u{10FFFF}"))
            var out: [EntryInfo] = []
            while try stmt.step() { out.append(readInfo(stmt)) }
            return out
        }
        guard !prefix.isEmpty, let first = matches.first else { throw .noEntry(prefix) }
        guard matches.count == 1 else { throw .ambiguousPrefix(prefix, matches.count) }
        return first
    }

    /// The recorded output frames of one entry, large ones read from their file (for `show`,
    /// not the hit path).
    /// Damaged output is an error, never shown as if it were the tool's.
    public func frames(cid: String) throws(CachewrapError) -> [UInt8] {
        switch try lookup(cid) {
        case .missing: return []
        case .damaged(let damage): throw .damagedEntry(cid, damage.message)
        case .found(let cached):
            guard let blob = cached.blob else { return cached.frames }
            guard let frames = FileIO.readFile(blob.path, limit: Int.max) else { throw .damagedEntry(cid, AnswerCheck.Damage.missingBlob.message) }
            guard Int64(frames.count) == blob.size, AnswerCheck.content(frames) == blob.check else {
                throw .damagedEntry(cid, AnswerCheck.Damage.digestMismatch("its output file").message)
            }
            return frames
        }
    }

    /// Removes entries by CID; returns how many went.
    @discardableResult
    public func remove(cids: [String]) throws(CachewrapError) -> Int {
        try deleting("DELETE FROM entries WHERE cid = ? RETURNING cid, output_id", cids.map { [.text($0)] })
    }

    /// Removes a tool's entries, or one operation's (`rm --tool gh --op "pr list"`).
    @discardableResult
    public func remove(tool: String, operation: String? = nil) throws(CachewrapError) -> Int {
        try deleting("DELETE FROM entries WHERE tool = ? AND (?2 IS NULL OR operation = ?2) RETURNING cid, output_id",
                     [[.text(tool), operation.map { .text($0) }]])
    }

    /// Removes what a mutation of `scope` may have changed (see `Scope`): an item's answers and
    /// its area's own, or, for the whole area, every answer in it.
    @discardableResult
    public func remove(changedBy scope: Scope) throws(CachewrapError) -> Int {
        guard let item = scope.item else {
            return try deleting("DELETE FROM entries WHERE scope = ? RETURNING cid, output_id", [[.text(scope.area)]])
        }
        return try deleting("DELETE FROM entries WHERE scope = ? AND scope_item IN ('', ?) RETURNING cid, output_id",
                            [[.text(scope.area), .text(item)]])
    }

    /// Removes entries that expired before `cutoffMs`.
    @discardableResult
    public func removeExpired(before cutoffMs: Int64 = Clock.nowMs()) throws(CachewrapError) -> Int {
        try deleting("DELETE FROM entries WHERE expires_ms <= ? RETURNING cid, output_id", [[.int(cutoffMs)]])
    }

    /// Drops every entry and output (counters stay: they are history, not cache).
    public func clear() throws(CachewrapError) {
        _ = try deleting("DELETE FROM entries RETURNING cid, output_id", [[]])
        try wrap { () throws(SQLiteDatabase.Failure) in try db.execute("VACUUM") }
    }

    /// How many entries there are and how many bytes their distinct outputs take (packed ones
    /// as stored, the size `gc --max-size` counts).
    public func size() throws(CachewrapError) -> (entries: Int64, bytes: Int64) {
        try wrap { () throws(SQLiteDatabase.Failure) in
            (try db.scalar("SELECT COUNT(*) FROM entries"),
             try db.scalar("SELECT COALESCE(SUM(COALESCE(stored_size, size)), 0) FROM outputs"))
        }
    }

    /// Past this many removals, orphaned outputs are found by one pass over all outputs rather
    /// than remembered one by one, so memory stays bounded.
    static let orphanCheckLimit = 10_000

    /// Runs a `DELETE ... RETURNING cid, output_id` per row of values. Each removed entry's hot
    /// file goes inside the transaction, before the commit: were the process to die in between,
    /// a hot file must never outlive its entry (it would answer after an invalidation). Only the
    /// outputs of removed entries can be orphaned: checking those alone keeps a mutation's
    /// invalidation from reading every output of a large store (half a second at 1,000,000).
    private func deleting(_ sql: String, _ rows: [[SQLiteValue?]]) throws(CachewrapError) -> Int {
        try wrap { () throws(SQLiteDatabase.Failure) in
            try db.transaction { () throws(SQLiteDatabase.Failure) in
                let stmt = try db.prepare(sql)
                var removed = 0
                var outputs: Set<Int64> = []
                for row in rows {
                    try stmt.bind(values: row)
                    while try stmt.step() {
                        HotFile.remove(cache: location.directory, cid: stmt.text(0))
                        removed += 1
                        if removed <= Self.orphanCheckLimit { outputs.insert(stmt.int(1)) }
                    }
                }
                if removed > Self.orphanCheckLimit {
                    try dropOrphanOutputs()
                } else {
                    for id in outputs { try dropOutputIfOrphan(id) }
                }
                return removed
            }
        }
    }
}

extension Store {
    /// Entries and output bytes per tool, for `stats` (an output shared by two tools counts for
    /// both): the bytes the outputs stand for, and the bytes they are stored in (packed ones
    /// smaller, see `PackedFrames`; the rest as many as they stand for). What packing saved is
    /// summed over the packed outputs alone: `outputs_packed` first (CROSS JOIN keeps SQLite to
    /// that order), then `entries_by_output`. Any join that starts from the entries costs a
    /// lookup per entry: `stats` took 2.6 s instead of 0.8 at 1,000,000 entries.
    public func sizeByTool() throws(CachewrapError) -> [String: (entries: Int64, bytes: Int64, stored: Int64)] {
        try wrap { () throws(SQLiteDatabase.Failure) in
            let stmt = try db.prepare("""
                SELECT e.tool, COUNT(*), COALESCE(SUM(e.stdout_bytes + e.stderr_bytes), 0)
                FROM entries e GROUP BY e.tool
                """)
            var out: [String: (entries: Int64, bytes: Int64, stored: Int64)] = [:]
            while try stmt.step() { out[stmt.text(0)] = (stmt.int(1), stmt.int(2), stmt.int(2)) }
            let saved = try db.prepare("""
                SELECT e.tool, SUM(e.stdout_bytes + e.stderr_bytes - o.stored_size)
                FROM outputs o INDEXED BY outputs_packed CROSS JOIN entries e ON e.output_id = o.id
                WHERE o.stored_size IS NOT NULL GROUP BY e.tool
                """)
            while try saved.step() { out[saved.text(0)]?.stored -= saved.int(1) }
            return out
        }
    }
}
