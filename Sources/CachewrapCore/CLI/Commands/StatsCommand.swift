/// `cachewrap stats [--json] [--tool T] [--since DUR]`: what the cache saved, in total and per
/// tool, over its whole life or over the last DUR (whole hours: `StatsHistory`). `--json` is a
/// contract (docs/architecture.md, Command line; scripts and tests parse it): fields are added,
/// never renamed. The default is `StatsReport`, a report for people.
enum StatsCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "stats", flags: ["--json", "--advice"], valued: ["--tool", "--since"])
        let since = try parsed.values["--since"].map { text throws(CachewrapError) in
            try UserNumbers.statsWindow.parse(text, name: "stats --since")
        }
        let store = try openStoreForReading()
        let tool = parsed.values["--tool"]
        // `--advice`: TTLs worth changing instead of the counters (StatsAdvice.swift).
        if parsed.has("--advice") {
            let advice = StatsAdvice(try store.refreshes(tool: tool), config: .current)
            Console.output(parsed.has("--json") ? StatsAdviceReport.json(advice).canonicalText + "\n" : StatsAdviceReport.render(advice))
            return 0
        }
        let history = try StatsHistory(store, tool: tool, sinceSeconds: since, nowMs: Clock.nowMs())
        var numbers = try gather(store, tool: tool, window: since == nil ? nil : history.window)
        numbers.history = history
        if parsed.has("--json") {
            let pending = Outbox(cacheDirectory: store.location.directory).pendingCount()
            Console.output(StatsJSON(numbers: numbers, outboxPending: pending).document.canonicalText + "\n")
            return 0
        }
        numbers.topOperations = try store.topOperations(tool: tool)
        numbers.remote = remote(numbers.total, directory: store.location.directory)
        Console.output(StatsReport(numbers: numbers, style: .forStdout()).render())
        return 0
    }

    /// The counters (lifetime, or the `--since` window's) and sizes of every tool (or only
    /// `tool`), and their totals. A tool appears when it has counters or entries; the totals
    /// are sums over the tools shown, so they agree.
    static func gather(_ store: Store, tool: String?,
                       window: [String: CounterSet]? = nil) throws(CachewrapError) -> StatsReport.Numbers {
        var perTool = if let window { window } else { try store.counters() }
        let sizes = try store.sizeByTool()
        if let tool { perTool = perTool.filter { $0.key == tool } }
        var total = CounterSet()
        for (_, set) in perTool { total.add(set) }
        let tools = Set(perTool.keys).union(sizes.keys.filter { tool == nil || $0 == tool })
        let totalSize = tools.reduce((entries: Int64(0), bytes: Int64(0), stored: Int64(0))) { acc, tool in
            let s = sizes[tool] ?? (0, 0, 0)
            return (acc.entries + s.entries, acc.bytes + s.bytes, acc.stored + s.stored)
        }
        return StatsReport.Numbers(total: total, perTool: perTool, sizes: sizes, tools: tools.sorted(),
                                   entries: totalSize.entries, bytes: totalSize.bytes, storedBytes: totalSize.stored,
                                   topOperations: [])
    }

    /// The team cache's rows of the report, when a remote is configured now or has left a trace
    /// here (counters, pending writes); nil otherwise, so a purely local user sees no remote rows.
    static func remote(_ total: CounterSet, directory: String) -> StatsReport.Remote? {
        let setting: String?
        do throws(RemoteConfigError) {
            setting = try RemoteSettings.fromEnvironment().map { "\($0.url) (mode \($0.mode.rawValue), namespace \($0.namespace))" }
        } catch {
            setting = error.message + " (not used)"
        }
        let pending = Outbox(cacheDirectory: directory).pendingCount()
        let counted = [Counter.remoteHits, .remoteMisses, .remoteStale, .remoteErrors, .remoteCorrupt].contains { total[$0] != 0 }
        guard setting != nil || counted || pending > 0 else { return nil }
        return StatsReport.Remote(setting: setting, pending: pending, breaker: CircuitBreaker(directory: directory).state())
    }
}
