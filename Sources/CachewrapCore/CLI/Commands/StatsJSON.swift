/// The document `cachewrap stats --json` prints, a contract (docs/architecture.md, Command line):
/// fields are added, never renamed. Every counter by its name, for the totals and under `tools`
/// for each tool, with `hit_rate`, `entries`, `bytes`, `stored_bytes` (what those bytes take
/// in the store, fewer when packed) and `cost_saved_usd` (the micro-dollars
/// as dollars); `outbox_pending`; `days`, one object per day of the report (`StatsHistory`);
/// `since_ms`, the start of the first hour counted, with `--since`; and for a tool whose
/// service limits requests per hour, `hourly_limit`: its last hour against that limit.
struct StatsJSON {
    let numbers: StatsReport.Numbers
    let outboxPending: Int

    var document: JSONValue {
        var doc = Self.counters(numbers.total, entries: numbers.entries, bytes: numbers.bytes, stored: numbers.storedBytes)
        let shares = numbers.history.limitShares(numbers.tools)
        var tools: [String: JSONValue] = [:]
        for tool in numbers.tools {
            let size = numbers.sizes[tool] ?? (0, 0, 0)
            var toolDoc = Self.counters(numbers.perTool[tool] ?? CounterSet(), entries: size.entries, bytes: size.bytes,
                                        stored: size.stored)
            if let share = shares.first(where: { $0.tool == tool }) {
                toolDoc["hourly_limit"] = .object([
                    "name": .string(share.limit.name), "requests": .int(share.limit.requests),
                    "calls_saved_last_hour": .int(share.callsSaved),
                    "revalidated_last_hour": .int(share.revalidated), "share": Self.rounded(share.share),
                ])
            }
            tools[tool] = .object(toolDoc)
        }
        doc["tools"] = .object(tools)
        doc["outbox_pending"] = .int(Int64(outboxPending))
        doc["days"] = .array(numbers.history.days.map(Self.day))
        if let from = numbers.history.fromHour { doc["since_ms"] = .int(from * Store.hourMs) }
        return .object(doc)
    }

    static func counters(_ set: CounterSet, entries: Int64, bytes: Int64, stored: Int64) -> [String: JSONValue] {
        var doc: [String: JSONValue] = [:]
        for counter in Counter.allCases { doc[counter.rawValue] = .int(set[counter]) }
        doc["hit_rate"] = rounded(set.hitRate)
        doc["cost_saved_usd"] = dollars(set[.costSavedMicros])
        doc["entries"] = .int(entries)
        doc["bytes"] = .int(bytes)
        doc["stored_bytes"] = .int(stored)
        return doc
    }

    /// One day: what a chart of savings over time needs.
    static func day(_ day: StatsHistory.Day) -> JSONValue {
        let c = day.counters
        return .object([
            "date": .string(day.date), "hits": .int(c[.hits]), "misses": .int(c[.misses]),
            "calls_saved": .int(c[.callsSaved]), "time_saved_ms": .int(c[.timeSavedMs]),
            "cost_saved_usd": dollars(c[.costSavedMicros]), "tokens_saved": .int(c[.tokensSaved]),
        ])
    }

    /// Micro-dollars as dollars: 150000 is 0.15.
    static func dollars(_ micros: Int64) -> JSONValue { .number(Double(micros) / 1_000_000) }

    /// A ratio to four decimals (0.6667), as `hit_rate` always was.
    static func rounded(_ ratio: Double) -> JSONValue { .number((ratio * 10_000).rounded() / 10_000) }
}
