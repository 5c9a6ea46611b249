/// The counters `stats` reports. Stored per tool; totals are sums, so they always agree.
public enum Counter: String, CaseIterable, Sendable {
    case hits, misses
    case callsMade = "calls_made"
    case callsSaved = "calls_saved"
    case timeSavedMs = "time_saved_ms"
    case retries
    case recoveredByRetry = "recovered_by_retry"
    case staleServed = "stale_served"
    case passthrough, expirations, evictions
    /// Stored answers that failed their checks (hot file, blob or row): dropped, never replayed.
    case damaged
    case remoteHits = "remote_hits"
    case remoteMisses = "remote_misses"
    case remoteErrors = "remote_errors"
    case remoteCorrupt = "remote_corrupt"
    /// Team cache answers refused because a mutation of their scope came after them.
    case remoteStale = "remote_stale"
    /// What the replayed LLM answers cost when they were made (micro-dollars) and the tokens
    /// they used: each replay saved that much again (`AnswerCost`).
    case costSavedMicros = "cost_saved_micros"
    case tokensSaved = "tokens_saved"
    /// Expired answers a server confirmed unchanged (HTTP 304), replayed and renewed.
    case revalidated
}

/// One tool's (or the total's) counters, plus the store's size for the totals.
public struct CounterSet: Sendable, Equatable {
    public var values: [Counter: Int64] = [:]

    public subscript(_ counter: Counter) -> Int64 {
        get { values[counter] ?? 0 }
        set { values[counter] = newValue }
    }

    /// Hits over lookups that could have hit; 0 before any lookup.
    public var hitRate: Double {
        let lookups = self[.hits] + self[.misses]
        return lookups == 0 ? 0 : Double(self[.hits]) / Double(lookups)
    }

    mutating func add(_ other: CounterSet) {
        for (k, v) in other.values { self[k] += v }
    }
}

extension Store {
    /// Adds to one tool's counters in one transaction, lifetime and in the hour of `atMs` (a
    /// test states an earlier time to make history without waiting for it).
    public func count(tool: String, _ increments: [Counter: Int64], atMs: Int64 = Clock.nowMs()) throws(CachewrapError) {
        try wrap { () throws(SQLiteDatabase.Failure) in
            try db.transaction { () throws(SQLiteDatabase.Failure) in try addCounters(tool: tool, increments, atMs: atMs) }
        }
    }

    /// The upserts behind `count`, for callers already inside a transaction: each counter's
    /// lifetime row and its row for the hour of `atMs` (`stats --since`, Store/HourlyCounters.swift).
    func addCounters(tool: String, _ increments: [Counter: Int64], atMs: Int64 = Clock.nowMs()) throws(SQLiteDatabase.Failure) {
        let lifetime = try db.prepare("""
            INSERT INTO counters(tool, name, value) VALUES(?, ?, ?)
            ON CONFLICT(tool, name) DO UPDATE SET value = value + excluded.value
            """)
        let hourly = try db.prepare("""
            INSERT INTO hourly(hour, tool, name, value) VALUES(?, ?, ?, ?)
            ON CONFLICT(hour, tool, name) DO UPDATE SET value = value + excluded.value
            """)
        let hour = Store.hour(ofMs: atMs)
        for (counter, amount) in increments where amount != 0 {
            try lifetime.bind(.text(tool), .text(counter.rawValue), .int(amount)).run()
            try hourly.bind(.int(hour), .text(tool), .text(counter.rawValue), .int(amount)).run()
        }
    }

    /// Every tool's counters, by tool name.
    public func counters() throws(CachewrapError) -> [String: CounterSet] {
        try wrap { () throws(SQLiteDatabase.Failure) in
            var result: [String: CounterSet] = [:]
            let stmt = try db.prepare("SELECT tool, name, value FROM counters")
            while try stmt.step() {
                guard let counter = Counter(rawValue: stmt.text(1)) else { continue }
                result[stmt.text(0), default: CounterSet()][counter] += stmt.int(2)
            }
            return result
        }
    }
}
