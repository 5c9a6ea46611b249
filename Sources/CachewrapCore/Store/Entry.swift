import CSQLite
import Glibc

/// What the store knows about one cached invocation (without its output bytes).
public struct EntryInfo: Sendable, Equatable {
    public var cid: String
    public var tool: String
    /// The policy's name for what was run, e.g. "pr list", for `ls`, `rm --op` and stats.
    public var operation: String
    /// The command line for display, with secret values redacted.
    public var display: String
    /// What the answer depends on, so a mutation can drop what it may have changed.
    public var scope: Scope
    public var createdMs: Int64
    public var expiresMs: Int64
    public var exitCode: Int32
    public var durationMs: Int64
    public var hits: Int64 = 0
    public var lastUsedMs: Int64
    public var stdoutBytes: Int64
    public var stderrBytes: Int64
    /// What the answer cost to make, in micro-dollars, and its tokens (`AnswerCost`): each
    /// replay adds them to `cost_saved_micros` and `tokens_saved`. 0 where there is no price.
    public var costMicros: Int64 = 0
    public var tokens: Int64 = 0
    /// The server's ETag and Last-Modified for this answer, when it can be revalidated.
    public var validator: Validator?

    public init(cid: String, tool: String, operation: String, display: String, scope: Scope,
                createdMs: Int64, expiresMs: Int64, exitCode: Int32, durationMs: Int64,
                stdoutBytes: Int64, stderrBytes: Int64) {
        self.cid = cid; self.tool = tool; self.operation = operation; self.display = display
        self.scope = scope; self.createdMs = createdMs; self.expiresMs = expiresMs
        self.exitCode = exitCode; self.durationMs = durationMs; self.lastUsedMs = createdMs
        self.stdoutBytes = stdoutBytes; self.stderrBytes = stderrBytes
    }

    public var size: Int64 { stdoutBytes + stderrBytes }
}

/// An entry found by a lookup, with its recorded output frames.
public struct CachedResult: Sendable {
    public var createdMs: Int64
    public var expiresMs: Int64
    public var exitCode: Int32
    public var durationMs: Int64
    /// The output frames, when small enough to live in one row; empty when `blob` is set.
    public var frames: [UInt8]
    /// The file holding an output too large for a row, streamed on replay.
    var blob: BlobRef?
    /// `frames` packed (`PackedFrames`), when a tier had them so (a team cache value), so that
    /// storing them here does not pack them again.
    var packed: [UInt8]?
}

/// A large output's file and what it must be for its replay: the size and content check
/// taken when it was stored (see `AnswerCheck`).
struct BlobRef: Sendable, Equatable {
    /// The file's name: the hex SHA-256 of its frames, so identical outputs share one file.
    let name: String
    let path: String
    let size: Int64
    let check: UInt64

    init(cache: String, name: String, size: Int64, check: UInt64) {
        self.name = name
        self.path = cache + "/blobs/" + name
        self.size = size
        self.check = check
    }
}

/// An entry to store with its recording: the frames in memory, or the file they spilled to
/// while the tool ran; `counting` is added to the entry's tool's counters.
struct NewEntry {
    var info: EntryInfo
    var transcript: Transcript
    var spill: SpillFile?
    var counting: [Counter: Int64] = [:]
    /// The transcript's frames packed already (to share with the team cache); nil: packed here.
    var packed: PackedFrames?
}

/// What a lookup of one CID found in a tier (hot file or database row): nothing, an answer
/// that failed its checks (dropped and counted, never replayed), or an answer to replay.
enum StoredAnswer {
    case missing
    case damaged(AnswerCheck.Damage)
    case found(CachedResult)

    /// The answer, when there is one that passed its checks.
    var found: CachedResult? {
        if case .found(let result) = self { return result }
        return nil
    }
}

extension Store {
    /// The database's answer for `cid`, checked against the digests stored with it (the hit
    /// path reads the hot file instead; this serves `show` and `explain`). A blob's content is
    /// checked when it is read.
    func lookup(_ cid: String) throws(CachewrapError) -> StoredAnswer {
        try wrap { () throws(SQLiteDatabase.Failure) in
            let stmt = try db.prepare("""
                SELECT e.created_ms, e.expires_ms, e.exit_code, e.duration_ms, e.digest, o.frames, o.hash, o.size, o.check_value, o.codec
                FROM entries e JOIN outputs o ON o.id = e.output_id WHERE e.cid = ?
                """)
            guard try stmt.bind(.text(cid)).step() else { return .missing }
            var result = CachedResult(createdMs: stmt.int(0), expiresMs: stmt.int(1),
                                      exitCode: Int32(truncatingIfNeeded: stmt.int(2)),
                                      durationMs: stmt.int(3), frames: stmt.blob(5))
            let size = stmt.int(7), check = UInt64(bitPattern: stmt.int(8))
            let binding = AnswerCheck.binding(cid: cid, createdMs: result.createdMs, expiresMs: result.expiresMs,
                                              durationMs: result.durationMs, exitCode: result.exitCode,
                                              size: size, content: check)
            guard UInt64(bitPattern: stmt.int(4)) == binding else { return .damaged(.digestMismatch("the entry's row")) }
            switch (stmt.isNull(5), stmt.int(9)) {
            case (true, 0):
                result.blob = BlobRef(cache: location.directory, name: Hex.encode(stmt.blob(6)), size: size, check: check)
            case (false, 0):
                guard Int64(result.frames.count) == size else { return .damaged(.truncated("the stored output")) }
                guard AnswerCheck.content(result.frames) == check else { return .damaged(.digestMismatch("the stored output")) }
            case (false, 1):
                guard let frames = PackedFrames.unpack(result.frames, size: size, check: check) else {
                    return .damaged(.digestMismatch("the stored output"))
                }
                result.frames = frames
            default:
                return .damaged(.malformed("the stored output"))
            }
            return .found(result)
        }
    }

    /// Stores (or replaces) an entry atomically. Identical outputs share one row; an output that
    /// spilled to disk becomes its blob file by a rename, never read into memory.
    public func save(_ info: EntryInfo, transcript: Transcript, counting: [Counter: Int64] = [:]) throws(CachewrapError) {
        try save(info, transcript: transcript, spill: nil, counting: counting)
    }

    func save(_ info: EntryInfo, transcript: Transcript, spill: SpillFile?,
              counting: [Counter: Int64] = [:], packed: PackedFrames? = nil) throws(CachewrapError) {
        try save([NewEntry(info: info, transcript: transcript, spill: spill, counting: counting, packed: packed)])
    }

    /// Stores (or replaces) entries in one transaction, then writes their hot files: rows first,
    /// so a hot file never answers for a row that was not committed. A miss saves one;
    /// `bench-populate` saves thousands at a time, so a large benchmark store is made exactly
    /// as misses make it (rows, hot files, blob files), only faster.
    func save(_ batch: [NewEntry]) throws(CachewrapError) {
        let contents = batch.map { entry in
            (hash: entry.spill?.digest() ?? SHA256.hash(entry.transcript.bytes),
             check: entry.spill?.check() ?? AnswerCheck.content(entry.transcript.bytes),
             packed: entry.spill == nil ? entry.packed ?? PackedFrames(entry.transcript.bytes) : nil)
        }
        let (hits, folded) = HitLog.take(directory: location.directory)
        defer { folded() }
        try wrap { () throws(SQLiteDatabase.Failure) in
            try db.transaction { () throws(SQLiteDatabase.Failure) in
                try foldHits(hits)
                let statements = try InsertStatements(db)
                for (entry, content) in zip(batch, contents) {
                    try insert(entry.info, hash: content.hash, check: content.check, packed: content.packed,
                               spill: entry.spill, using: statements)
                    if !entry.counting.isEmpty { try addCounters(tool: entry.info.tool, entry.counting) }
                }
            }
        }
        for (entry, content) in zip(batch, contents) {
            let info = entry.info
            HotFile.write(cache: location.directory, cid: info.cid, createdMs: info.createdMs, expiresMs: info.expiresMs,
                          durationMs: info.durationMs, exitCode: info.exitCode, output: content.packed,
                          check: content.check, blob: entry.spill.map { BlobRef(cache: location.directory, name: Hex.encode(content.hash),
                                                          size: Int64($0.size), check: content.check) })
        }
    }

    /// The statements of `insert`, prepared once per transaction rather than once per entry.
    struct InsertStatements {
        let previous, output, find, entry: SQLiteDatabase.Statement

        init(_ db: SQLiteDatabase) throws(SQLiteDatabase.Failure) {
            previous = try db.prepare("SELECT \(ReplacedEntry.columns) FROM entries WHERE cid = ?")
            output = try db.prepare("""
                INSERT OR IGNORE INTO outputs(hash, size, check_value, frames, codec, stored_size) VALUES(?, ?, ?, ?, ?, ?)
                """)
            find = try db.prepare("SELECT id FROM outputs WHERE hash = ?")
            entry = try db.prepare("""
                INSERT OR REPLACE INTO entries(cid, tool, operation, display, scope, scope_item, created_ms,
                    expires_ms, exit_code, duration_ms, hits, last_used_ms, stdout_bytes, stderr_bytes, output_id, digest,
                    cost_micros, tokens, etag, last_modified)
                VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        }
    }

    /// Writes one entry and its output (`packed`, or the spill file's) inside the caller's
    /// transaction.
    func insert(_ info: EntryInfo, hash: [UInt8], check: UInt64, packed: PackedFrames?,
                spill: SpillFile?, using s: InsertStatements) throws(SQLiteDatabase.Failure) {
        let replaced = try s.previous.bind(.text(info.cid)).step() ? ReplacedEntry(s.previous) : nil
        let size = Int64(spill?.size ?? packed?.frames.count ?? 0)
        try s.output.bind(.blob(hash), .int(size), .int(Int64(digest: check)), packed.map { .blob($0.stored) },
                          .int(packed?.codec ?? 0), packed?.packed.map { .int(Int64($0.count)) }).run()
        if let spill, db.changes > 0 {
            try makeBlobDirectory()
            guard spill.persist(as: blobPath(hash)) else {
                throw SQLiteDatabase.Failure(code: SQLITE_IOERR, message: "cannot move the output into \(location.directory)/blobs")
            }
        }
        _ = try s.find.bind(.blob(hash)).step()
        let outputID = s.find.int(0)
        try s.entry.bind(.text(info.cid), .text(info.tool), .text(info.operation), .text(info.display),
                         .text(info.scope.area), .text(info.scope.item ?? ""), .int(info.createdMs), .int(info.expiresMs),
                         .int(Int64(info.exitCode)), .int(info.durationMs), .int(info.createdMs),
                         .int(info.stdoutBytes), .int(info.stderrBytes), .int(outputID),
                         .int(Int64(digest: AnswerCheck.binding(cid: info.cid, createdMs: info.createdMs,
                                                                expiresMs: info.expiresMs, durationMs: info.durationMs,
                                                                exitCode: info.exitCode, size: size, content: check))),
                         .int(info.costMicros), .int(info.tokens), info.validator?.etag.map { .text($0) },
                         info.validator?.lastModified.map { .text($0) }).run()
        guard let replaced else { return }
        try recordRefresh(of: replaced, by: info, outputID: outputID)
        if replaced.outputID != outputID { try dropOutputIfOrphan(replaced.outputID) }
    }

    /// Where a large output lives: `blobs/<hex of its hash>`, so identical outputs share a file.
    func blobPath(_ hash: [UInt8]) -> String { location.directory + "/blobs/" + Hex.encode(hash) }

    private func makeBlobDirectory() throws(SQLiteDatabase.Failure) {
        guard location.subdirectory("blobs") != nil else {
            throw SQLiteDatabase.Failure(code: SQLITE_IOERR, message: "cannot create \(location.directory)/blobs: \(errnoText(errno))")
        }
    }
}
