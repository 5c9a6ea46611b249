/// How a replaced entry compared with the run that replaced it: one row of `refreshes`, the
/// evidence `stats --advice` weighs (`TTLAdvice`). Only replacements that say something about
/// the TTL are kept (`recorded`):
/// - a re-run after the old entry expired, identical or not: the evidence both ways;
/// - a refresh before expiry (`--refresh`, a stale-while-revalidate refresher, a call's own
///   shorter `--ttl`) only when the output changed: a change found inside the TTL is the
///   plainest sign that it is too long, while an identical early refresh only shows that the
///   answer held for less than the TTL, which says nothing about a longer one;
/// - never the replacement of an entry stored with TTL 0 (asked never to be served), nor one
///   that is not newer than the entry it replaces (a team-cache value older than the row).
/// An entry a mutation superseded, or a damaged one, is removed before the run, so what
/// replaces it is a new entry and no refresh: a mutation, not the TTL, explains that change.
public struct RefreshRecord: Sendable, Equatable {
    /// When the new run started.
    public var atMs: Int64
    /// The replaced entry's TTL, whole seconds.
    public var ttlSeconds: Int64
    /// The new output is byte for byte the old one (the same content-addressed output row).
    public var identical: Bool
    /// The replays the replaced entry served (logged hits are folded just before the insert).
    public var hits: Int64
    /// How old the replaced entry was when the new run started.
    public var ageMs: Int64

    public init(atMs: Int64, ttlSeconds: Int64, identical: Bool, hits: Int64, ageMs: Int64) {
        self.atMs = atMs; self.ttlSeconds = ttlSeconds; self.identical = identical; self.hits = hits; self.ageMs = ageMs
    }

    /// The run came after the old entry's expiry (else it was a refresh that found a change).
    public var afterExpiry: Bool { ageMs >= ttlSeconds.multipliedSaturating(by: 1000) }

    /// The row for `old` replaced by a run started at `createdMs`, or nil when the
    /// replacement says nothing about the TTL (see the type's comment).
    static func recorded(replacing old: ReplacedEntry, createdMs: Int64, identical: Bool) -> RefreshRecord? {
        let ttl = (old.expiresMs - old.createdMs) / 1000, age = createdMs - old.createdMs
        let record = RefreshRecord(atMs: createdMs, ttlSeconds: ttl, identical: identical, hits: old.hits, ageMs: age)
        guard ttl > 0, age > 0, record.afterExpiry || !identical else { return nil }
        return record
    }
}

/// The row an insert replaces, as `insert` (Entry.swift) reads it before writing.
struct ReplacedEntry {
    static let columns = "output_id, created_ms, expires_ms, hits"
    let outputID, createdMs, expiresMs, hits: Int64

    init(_ row: SQLiteDatabase.Statement) {
        outputID = row.int(0); createdMs = row.int(1); expiresMs = row.int(2); hits = row.int(3)
    }
}

/// One operation's records, newest first.
public struct OperationRefreshes: Sendable, Equatable {
    public var tool: String
    public var operation: String
    public var records: [RefreshRecord]
}

extension Store {
    /// How far back refreshes count, and how many an operation keeps: enough for the advice's
    /// thresholds many times over, and the table stays a few rows per operation ever refreshed.
    static let refreshWindowMs: Int64 = 90 * 86_400_000
    static let refreshesKept = 50

    /// Records `old`'s replacement by `info` (inside `insert`'s transaction) and prunes the
    /// operation to its newest `refreshesKept` rows within the window, through the
    /// (tool, operation, at_ms) index, so the table never grows with use.
    func recordRefresh(of old: ReplacedEntry, by info: EntryInfo, outputID: Int64) throws(SQLiteDatabase.Failure) {
        guard let record = RefreshRecord.recorded(replacing: old, createdMs: info.createdMs,
                                                  identical: old.outputID == outputID) else { return }
        try db.prepare("INSERT INTO refreshes(tool, operation, at_ms, ttl_s, identical, hits, age_ms) VALUES(?, ?, ?, ?, ?, ?, ?)")
            .bind(.text(info.tool), .text(info.operation), .int(record.atMs), .int(record.ttlSeconds),
                  .int(record.identical ? 1 : 0), .int(record.hits), .int(record.ageMs)).run()
        try db.prepare("""
            DELETE FROM refreshes WHERE tool = ?1 AND operation = ?2 AND (at_ms < ?3 OR rowid NOT IN (
                SELECT rowid FROM refreshes WHERE tool = ?1 AND operation = ?2 ORDER BY at_ms DESC, rowid DESC LIMIT ?4))
            """).bind(.text(info.tool), .text(info.operation), .int(record.atMs - Self.refreshWindowMs),
                      .int(Int64(Self.refreshesKept))).run()
    }

    /// Every operation's refreshes within the window before `nowMs`, optionally of one tool,
    /// ordered by tool and operation.
    public func refreshes(tool: String? = nil, nowMs: Int64 = Clock.nowMs()) throws(CachewrapError) -> [OperationRefreshes] {
        try wrap { () throws(SQLiteDatabase.Failure) in
            let stmt = try db.prepare("""
                SELECT tool, operation, at_ms, ttl_s, identical, hits, age_ms FROM refreshes
                WHERE (?1 IS NULL OR tool = ?1) AND at_ms >= ?2 ORDER BY tool, operation, at_ms DESC, rowid DESC
                """)
            try stmt.bind(tool.map { .text($0) }, .int(nowMs - Self.refreshWindowMs))
            var out: [OperationRefreshes] = []
            while try stmt.step() {
                let record = RefreshRecord(atMs: stmt.int(2), ttlSeconds: stmt.int(3), identical: stmt.int(4) != 0,
                                           hits: stmt.int(5), ageMs: stmt.int(6))
                let (tool, operation) = (stmt.text(0), stmt.text(1))
                if out.last?.tool == tool && out.last?.operation == operation {
                    out[out.count - 1].records.append(record)
                } else {
                    out.append(OperationRefreshes(tool: tool, operation: operation, records: [record]))
                }
            }
            return out
        }
    }
}
