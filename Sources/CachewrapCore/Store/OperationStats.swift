/// Hits per operation (`gh api`, `hf models info`…), for the "top operations" part of `stats`:
/// the counters table only knows tools, while entries know their operation and their hits.
/// Entries are the source, so hits of entries already removed or evicted no longer count:
/// this is what the cache holds now, not all history.
public struct OperationStat: Equatable, Sendable {
    /// The tool and the operation as entries record them: `gh` and `pr list`, shown together.
    public var tool: String
    public var operation: String
    /// Cache entries of this operation (one per distinct key: arguments, context...).
    public var entries: Int64
    /// Replays served from those entries.
    public var hits: Int64
    /// Time those replays saved: each hit of an entry saved one original run of it.
    public var savedMs: Int64
    /// Output bytes of the entries (stdout plus stderr, before sharing identical outputs).
    public var bytes: Int64

    public init(tool: String, operation: String, entries: Int64, hits: Int64, savedMs: Int64, bytes: Int64) {
        self.tool = tool
        self.operation = operation
        self.entries = entries
        self.hits = hits
        self.savedMs = savedMs
        self.bytes = bytes
    }
}

extension Store {
    /// The `limit` operations with the most hits (only those with at least one), optionally of
    /// one tool; ties go to the operation with more entries, then by name, so the order is stable.
    /// Uses the (tool, operation) index, so it stays cheap on a large store.
    public func topOperations(tool: String? = nil, limit: Int = 5) throws(CachewrapError) -> [OperationStat] {
        try wrap { () throws(SQLiteDatabase.Failure) in
            let stmt = try db.prepare("""
                SELECT tool, operation, COUNT(*), SUM(hits), SUM(hits * duration_ms),
                       SUM(stdout_bytes + stderr_bytes)
                FROM entries WHERE ?1 IS NULL OR tool = ?1
                GROUP BY tool, operation HAVING SUM(hits) > 0
                ORDER BY SUM(hits) DESC, COUNT(*) DESC, tool, operation LIMIT ?2
                """)
            try stmt.bind(tool.map { .text($0) }, .int(Int64(limit)))
            var out: [OperationStat] = []
            while try stmt.step() {
                out.append(OperationStat(tool: stmt.text(0), operation: stmt.text(1), entries: stmt.int(2),
                                         hits: stmt.int(3), savedMs: stmt.int(4), bytes: stmt.int(5)))
            }
            return out
        }
    }
}
