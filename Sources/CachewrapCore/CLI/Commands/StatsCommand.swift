/// `cachewrap stats [--json] [--tool T]`: what the cache saved, in total and per tool.
enum StatsCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "stats", flags: ["--json"], valued: ["--tool"])
        let store = try openStoreForCommand()
        var perTool = try store.counters()
        let sizes = try store.sizeByTool()
        if let tool = parsed.values["--tool"] {
            perTool = perTool.filter { $0.key == tool }
        }
        var total = CounterSet()
        for (_, set) in perTool { total.add(set) }
        let tools = Set(perTool.keys).union(sizes.keys.filter { parsed.values["--tool"] == nil || $0 == parsed.values["--tool"] })
        let totalSize = tools.reduce((entries: Int64(0), bytes: Int64(0))) { acc, tool in
            let s = sizes[tool] ?? (0, 0)
            return (acc.entries + s.entries, acc.bytes + s.bytes)
        }
        if parsed.has("--json") {
            var doc = json(total, entries: totalSize.entries, bytes: totalSize.bytes)
            var toolDocs: [String: JSONValue] = [:]
            for tool in tools {
                let s = sizes[tool] ?? (0, 0)
                toolDocs[tool] = .object(json(perTool[tool] ?? CounterSet(), entries: s.entries, bytes: s.bytes))
            }
            doc["tools"] = .object(toolDocs)
            Console.output(JSONValue.object(doc).canonicalText + "\n")
            return 0
        }
        var lines = [
            "hits \(total[.hits])  misses \(total[.misses])  hit rate \(percent(total.hitRate))",
            "calls made \(total[.callsMade])  calls saved \(total[.callsSaved])  time saved \(Duration.format(seconds: total[.timeSavedMs] / 1000))",
            "retries \(total[.retries]) (recovered \(total[.recoveredByRetry]))  stale served \(total[.staleServed])  passthrough \(total[.passthrough])",
            "entries \(totalSize.entries)  size \(ByteSize.format(totalSize.bytes))  expirations \(total[.expirations])  evictions \(total[.evictions])",
        ]
        for tool in tools.sorted() {
            let set = perTool[tool] ?? CounterSet()
            lines.append("  \(tool): hits \(set[.hits])  misses \(set[.misses])  hit rate \(percent(set.hitRate))  entries \(sizes[tool]?.entries ?? 0)")
        }
        Console.output(lines.joined(separator: "\n") + "\n")
        return 0
    }

    static func json(_ set: CounterSet, entries: Int64, bytes: Int64) -> [String: JSONValue] {
        var doc: [String: JSONValue] = [:]
        for counter in Counter.allCases { doc[counter.rawValue] = .int(set[counter]) }
        doc["hit_rate"] = .number((set.hitRate * 10_000).rounded() / 10_000)
        doc["entries"] = .int(entries)
        doc["bytes"] = .int(bytes)
        return doc
    }

    static func percent(_ rate: Double) -> String {
        let tenths = Int((rate * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
