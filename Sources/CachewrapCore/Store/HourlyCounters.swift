/// The counters per hour (`hourly`), for `stats --since` and the report's days: every increment
/// of a lifetime counter goes to the row of its hour too (`addCounters`), and a replay to the
/// hour it happened in, not the hour its hit was folded (`foldHits`). An hour is a whole hour of
/// the epoch (ms / 3,600,000), so a window is whole hours: the current one counts as far as it
/// has gone. Only `retentionDays` are kept: older rows are deleted each time an entry is saved
/// or hits are folded, and by `gc`. The delete seeks the primary key's first row, which costs a
/// miss nothing measurable when there is nothing that old.
extension Store {
    static let hourMs: Int64 = 3_600_000
    /// `stats --since` reaches this far back and no further.
    public static let retentionDays: Int64 = 90

    /// The hour `ms` falls in (rounded down, before 1970 too).
    public static func hour(ofMs ms: Int64) -> Int64 {
        ms >= 0 ? ms / hourMs : -((-ms + hourMs - 1) / hourMs)
    }

    /// One tool's counters in one hour.
    public struct HourlyCount: Equatable, Sendable {
        public var hour: Int64
        public var tool: String
        public var counters: CounterSet
    }

    /// Every tool's counters (or only `tool`'s) in each hour from `fromHour` on, oldest first.
    public func hourlyCounts(fromHour: Int64, tool: String? = nil) throws(CachewrapError) -> [HourlyCount] {
        try wrap { () throws(SQLiteDatabase.Failure) in
            let stmt = try db.prepare("""
                SELECT hour, tool, name, value FROM hourly WHERE hour >= ?1 AND (?2 IS NULL OR tool = ?2)
                ORDER BY hour, tool
                """)
            try stmt.bind(.int(fromHour), tool.map { .text($0) })
            var out: [HourlyCount] = []
            while try stmt.step() {
                let hour = stmt.int(0), name = stmt.text(1)
                if out.last?.hour != hour || out.last?.tool != name {
                    out.append(HourlyCount(hour: hour, tool: name, counters: CounterSet()))
                }
                if let counter = Counter(rawValue: stmt.text(2)) { out[out.count - 1].counters[counter] += stmt.int(3) }
            }
            return out
        }
    }

    /// Deletes the hours that ended more than `retentionDays` before `nowMs` (for `gc`).
    public func pruneHourly(nowMs: Int64 = Clock.nowMs()) throws(CachewrapError) {
        try wrap { () throws(SQLiteDatabase.Failure) in try deleteOldHours(nowMs: nowMs) }
    }

    /// The delete behind `pruneHourly`, for callers inside a write transaction.
    func deleteOldHours(nowMs: Int64) throws(SQLiteDatabase.Failure) {
        let oldest = Store.hour(ofMs: nowMs - Store.retentionDays * 86_400_000)
        try db.prepare("DELETE FROM hourly WHERE hour < ?").bind(.int(oldest)).run()
    }
}
