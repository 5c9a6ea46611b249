import Testing

@testable import CachewrapCore

/// Guards the parts of the stats report about savings in the user's units and over time
/// (CLI/Commands/StatsReport+Savings.swift, StatsHistory.swift, TerminalStyle.swift): the
/// hourly limit's share, requests, dollars and tokens per tool, and the days with their bars.
@Suite struct StatsReportTests {
    static let plain = TerminalStyle(colour: false, unicode: true)

    static func numbers(_ perTool: [String: CounterSet], history: StatsHistory = StatsHistory()) -> StatsReport.Numbers {
        var total = CounterSet()
        for set in perTool.values { total.add(set) }
        return StatsReport.Numbers(total: total, perTool: perTool, sizes: [:], tools: perTool.keys.sorted(), entries: 0,
                                   bytes: 0, topOperations: [], history: history)
    }

    static func render(_ numbers: StatsReport.Numbers, style: TerminalStyle = plain) -> [String] {
        StatsReport(numbers: numbers, style: style).render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func ghLastHourAgainstItsRESTLimit() {
        var history = StatsHistory()
        history.lastHourFrom = 491_000
        history.lastHour = ["gh": CounterSet(values: [.callsSaved: 120])]
        let lines = Self.render(Self.numbers(["gh": CounterSet(values: [.hits: 300, .callsSaved: 300])], history: history))
        let since = LocalDay.time(seconds: 491_000 * 3600)
        #expect(lines.contains("  gh: 120 calls saved in the last hour (since \(since)) = 2.4% of the 5,000/h REST limit"),
                "\(lines.joined(separator: "\n"))")
        #expect(lines.contains("  gh              ≥ 300 requests"), "all time: at least one request per call saved")

        // A 304 is a request GitHub does not count: it joins the share, said apart.
        history.lastHour = ["gh": CounterSet(values: [.callsSaved: 120, .revalidated: 30])]
        let renewed = Self.render(Self.numbers(["gh": CounterSet(values: [.hits: 300, .callsSaved: 300, .revalidated: 30])],
                                               history: history))
        #expect(renewed.contains("  gh: 120 calls saved + 30 revalidated (free 304s) in the last hour (since \(since)) = 3.0% of the 5,000/h REST limit"),
                "\(renewed.joined(separator: "\n"))")
        #expect(renewed.contains { $0.hasPrefix("  revalidated   30 (") })

        history.lastHour = [:]
        let quiet = Self.render(Self.numbers(["gh": CounterSet(values: [.callsSaved: 3])], history: history))
        #expect(!quiet.contains { $0.contains("REST limit") }, "nothing saved in the last hour: no line")
        #expect(StatsHistory.LimitShare(tool: "gh", limit: HourlyLimit(requests: 5000, name: "REST"), callsSaved: 1,
                                        revalidated: 0, share: 0.0002).share == 1.0 / 5000)
        #expect(TextColumns.share(0.0002) == "<0.1%" && TextColumns.share(0) == "0.0%" && TextColumns.share(0.5) == "50.0%")
    }

    /// The store line says what packed outputs stand for, and only when packing saved bytes.
    @Test func theStoreLineShowsWhatPackedBytesStandFor() {
        var numbers = Self.numbers(["gh": CounterSet(values: [.hits: 1])])
        numbers.entries = 12
        numbers.bytes = 9_800_000
        numbers.storedBytes = 1_200_000
        let packed = Self.render(numbers).first { $0.hasPrefix("  store") } ?? ""
        #expect(packed.contains("12 entries, \(ByteSize.format(1_200_000)) (stands for \(ByteSize.format(9_800_000)))"), "\(packed)")
        numbers.storedBytes = numbers.bytes
        let plain = Self.render(numbers).first { $0.hasPrefix("  store") } ?? ""
        #expect(plain.contains("12 entries, \(ByteSize.format(9_800_000)) (") && !plain.contains("stands for"), "\(plain)")
    }

    @Test func dollarsTokensAndRuns() {
        let lines = Self.render(Self.numbers([
            "claude": CounterSet(values: [.callsSaved: 3, .costSavedMicros: 150_000, .tokensSaved: 360]),
            "gemini": CounterSet(values: [.callsSaved: 2, .tokensSaved: 34]),
            "make": CounterSet(values: [.callsSaved: 4]),
        ]))
        #expect(lines.contains("  cost saved    $0.15, 394 tokens"), "\(lines.joined(separator: "\n"))")
        #expect(lines.contains("  claude          ≥ 3 requests, $0.15, 360 tokens"))
        #expect(lines.contains("  gemini          ≥ 2 requests, 34 tokens"))
        #expect(lines.contains("  make            4 runs"), "a command without a built-in policy only ran")
        let ascii = Self.render(Self.numbers(["claude": CounterSet(values: [.callsSaved: 1])]),
                                style: TerminalStyle(colour: false, unicode: false))
        #expect(ascii.contains("  claude          >= 1 request"))
        #expect(!Self.render(Self.numbers(["gh": CounterSet(values: [.hits: 1])])).contains { $0.hasPrefix("  cost saved") })
    }

    @Test func moneyAndThousands() {
        #expect(TextColumns.dollars(micros: 150_000) == "$0.15" && TextColumns.dollars(micros: 0) == "$0.00")
        #expect(TextColumns.dollars(micros: 4_999) == "<$0.01" && TextColumns.dollars(micros: 5_000) == "$0.01")
        #expect(TextColumns.dollars(micros: 1_234_500_000) == "$1,234.50" && TextColumns.dollars(micros: 1_000_000) == "$1.00")
        #expect(TextColumns.grouped(5000) == "5,000" && TextColumns.grouped(100) == "100" && TextColumns.grouped(1_234_567) == "1,234,567")
        #expect(TextColumns.grouped(-12_000) == "-12,000" && TextColumns.grouped(0) == "0")
    }

    @Test func dayBarsScaleToTheBusiestDay() {
        #expect(Self.plain.dayBar(120, busiest: 120) == "▇▇▇▇▇▇▇▇▇▇")
        #expect(Self.plain.dayBar(60, busiest: 120) == "▇▇▇▇▇▁▁▁▁▁")
        #expect(Self.plain.dayBar(1, busiest: 1000) == "▇▁▁▁▁▁▁▁▁▁", "any saving shows")
        #expect(Self.plain.dayBar(0, busiest: 0) == "▁▁▁▁▁▁▁▁▁▁")
        #expect(TerminalStyle(colour: false, unicode: false).dayBar(30, busiest: 120) == "###.......")
        #expect(TerminalStyle(colour: true, unicode: true).dayBar(60, busiest: 120) == "\u{1B}[32m▇▇▇▇▇\u{1B}[0m\u{1B}[2m▁▁▁▁▁\u{1B}[0m")
    }

    @Test func oneRowPerDay() {
        var history = StatsHistory()
        history.days = [
            StatsHistory.Day(date: "2026-11-30", counters: CounterSet()),
            StatsHistory.Day(date: "2026-12-01", counters: CounterSet(values: [.callsSaved: 4, .timeSavedMs: 2500,
                                                                              .costSavedMicros: 200_000])),
            StatsHistory.Day(date: "2026-12-02", counters: CounterSet(values: [.callsSaved: 2, .timeSavedMs: 300])),
        ]
        let lines = Self.render(Self.numbers(["claude": CounterSet(values: [.callsSaved: 6])], history: history))
        let start = lines.firstIndex(of: "calls saved per day, the last 3 days") ?? lines.count
        #expect(Array(lines.dropFirst(start + 1).prefix(3)) == [
            "  2026-11-30  ▁▁▁▁▁▁▁▁▁▁       0",
            "  2026-12-01  ▇▇▇▇▇▇▇▇▇▇       4     2.5s  $0.20",
            "  2026-12-02  ▇▇▇▇▇▁▁▁▁▁       2    300ms",
        ], "\(lines.joined(separator: "\n"))")
    }

    /// The window and the days come from the hourly rows: with `--since`, only the hours that
    /// overlap it; without, the last seven local days.
    @Test func historyFromTheStore() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        let now = HourlyCountersTests.now, hour = Store.hourMs
        try store.count(tool: "gh", [.callsSaved: 1], atMs: now)
        try store.count(tool: "gh", [.callsSaved: 2], atMs: now - hour)
        try store.count(tool: "gh", [.callsSaved: 4], atMs: now - 3 * hour)
        try store.count(tool: "gh", [.callsSaved: 8], atMs: now - 3 * 86_400_000)
        try store.count(tool: "hf", [.callsSaved: 16], atMs: now - 30 * 86_400_000)

        let hourWindow = try StatsHistory(store, tool: nil, sinceSeconds: 3600, nowMs: now)
        #expect(hourWindow.window["gh"]?[.callsSaved] == 3 && hourWindow.window["hf"] == nil)
        #expect(hourWindow.fromHour == Store.hour(ofMs: now - hour) && hourWindow.lastHour["gh"]?[.callsSaved] == 3)
        #expect(hourWindow.days.map(\.date) == [LocalDay.date(seconds: (now - hour) / 1000), LocalDay.date(seconds: now / 1000)]
            .reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } })

        let week = try StatsHistory(store, tool: nil, sinceSeconds: nil, nowMs: now)
        #expect(week.fromHour == nil && week.window.isEmpty && week.days.count == 7)
        #expect(week.days.last?.date == LocalDay.date(seconds: now / 1000))
        #expect(week.days.reduce(0) { $0 + $1.counters[.callsSaved] } == 15, "the last 7 days: not the hf count of 30 days ago")
        #expect(week.days.first { $0.date == LocalDay.date(seconds: now / 1000 - 3 * 86_400) }?.counters[.callsSaved] == 8)

        let month = try StatsHistory(store, tool: "hf", sinceSeconds: 31 * 86_400, nowMs: now)
        #expect(month.window.keys.sorted() == ["hf"] && month.days.count >= 31 && month.days.count <= 33)
    }
}
