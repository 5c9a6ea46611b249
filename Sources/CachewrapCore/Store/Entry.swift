/// What the store knows about one cached invocation (without its output bytes).
public struct EntryInfo: Sendable, Equatable {
    public var cid: String
    public var tool: String
    /// The policy's name for what was run, e.g. "pr list", for `ls`, `rm --op` and stats.
    public var operation: String
    /// The command line for display, with secret values redacted.
    public var display: String
    /// The repository or endpoint context, so a mutation can drop what it may have changed.
    public var context: String
    public var createdMs: Int64
    public var expiresMs: Int64
    public var exitCode: Int32
    public var durationMs: Int64
    public var hits: Int64 = 0
    public var lastUsedMs: Int64
    public var stdoutBytes: Int64
    public var stderrBytes: Int64

    public init(cid: String, tool: String, operation: String, display: String, context: String,
                createdMs: Int64, expiresMs: Int64, exitCode: Int32, durationMs: Int64,
                stdoutBytes: Int64, stderrBytes: Int64) {
        self.cid = cid; self.tool = tool; self.operation = operation; self.display = display
        self.context = context; self.createdMs = createdMs; self.expiresMs = expiresMs
        self.exitCode = exitCode; self.durationMs = durationMs; self.lastUsedMs = createdMs
        self.stdoutBytes = stdoutBytes; self.stderrBytes = stderrBytes
    }

    public var size: Int64 { stdoutBytes + stderrBytes }
    public func isFresh(at nowMs: Int64) -> Bool { nowMs < expiresMs }
}

/// An entry found by a lookup, with its recorded output frames.
public struct CachedResult: Sendable {
    public var createdMs: Int64
    public var expiresMs: Int64
    public var exitCode: Int32
    public var durationMs: Int64
    public var frames: [UInt8]
}

extension Store {
    /// The hit path's one indexed read: metadata and output together.
    public func lookup(_ cid: String) throws(CachewrapError) -> CachedResult? {
        try wrap { () throws(SQLiteDatabase.Failure) in
            let stmt = try db.prepare("""
                SELECT e.created_ms, e.expires_ms, e.exit_code, e.duration_ms, o.frames
                FROM entries e JOIN outputs o ON o.id = e.output_id WHERE e.cid = ?
                """)
            guard try stmt.bind(.text(cid)).step() else { return nil }
            return CachedResult(createdMs: stmt.int(0), expiresMs: stmt.int(1),
                                exitCode: Int32(truncatingIfNeeded: stmt.int(2)),
                                durationMs: stmt.int(3), frames: stmt.blob(4))
        }
    }

    /// Stores (or replaces) an entry atomically. Identical outputs share one row.
    public func save(_ info: EntryInfo, transcript: Transcript, counting: [Counter: Int64] = [:]) throws(CachewrapError) {
        let hash = SHA256.hash(transcript.bytes)
        try wrap { () throws(SQLiteDatabase.Failure) in
            try db.transaction { () throws(SQLiteDatabase.Failure) in
                let previous = try db.prepare("SELECT output_id FROM entries WHERE cid = ?")
                let replaced: Int64? = try previous.bind(.text(info.cid)).step() ? previous.int(0) : nil
                try db.prepare("INSERT OR IGNORE INTO outputs(hash, frames) VALUES(?, ?)")
                    .bind(.blob(hash), .blob(transcript.bytes)).run()
                let find = try db.prepare("SELECT id FROM outputs WHERE hash = ?")
                _ = try find.bind(.blob(hash)).step()
                let outputID = find.int(0)
                try db.prepare("""
                    INSERT OR REPLACE INTO entries(cid, tool, operation, display, context, created_ms,
                        expires_ms, exit_code, duration_ms, hits, last_used_ms, stdout_bytes, stderr_bytes, output_id)
                    VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
                    """).bind(.text(info.cid), .text(info.tool), .text(info.operation), .text(info.display),
                              .text(info.context), .int(info.createdMs), .int(info.expiresMs),
                              .int(Int64(info.exitCode)), .int(info.durationMs), .int(info.createdMs),
                              .int(info.stdoutBytes), .int(info.stderrBytes), .int(outputID)).run()
                if let replaced, replaced != outputID { try dropOutputIfOrphan(replaced) }
                try addCounters(tool: info.tool, counting)
            }
        }
    }

    /// Marks a replay: the entry's hit count and LRU time, and the tool's counters, in one write
    /// made after the output is already on its way to the user.
    public func recordHit(_ cid: String, tool: String, counting: [Counter: Int64]) throws(CachewrapError) {
        try wrap { () throws(SQLiteDatabase.Failure) in
            try db.transaction { () throws(SQLiteDatabase.Failure) in
                try db.prepare("UPDATE entries SET hits = hits + 1, last_used_ms = ? WHERE cid = ?")
                    .bind(.int(Clock.nowMs()), .text(cid)).run()
                try addCounters(tool: tool, counting)
            }
        }
    }

    /// Deletes every output no entry points at any more (after removals).
    func dropOrphanOutputs() throws(SQLiteDatabase.Failure) {
        try db.execute("DELETE FROM outputs WHERE NOT EXISTS (SELECT 1 FROM entries WHERE output_id = outputs.id)")
    }

    /// Deletes one output if nothing points at it: the cheap form for a single replaced entry.
    func dropOutputIfOrphan(_ id: Int64) throws(SQLiteDatabase.Failure) {
        try db.prepare("DELETE FROM outputs WHERE id = ? AND NOT EXISTS (SELECT 1 FROM entries WHERE output_id = ?)")
            .bind(.int(id), .int(id)).run()
    }
}
