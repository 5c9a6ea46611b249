/// The parts of the stats report that speak in the user's units and over time: what the saved
/// calls stand for (requests, dollars, tokens, a share of a service's hourly limit), one row per
/// day with a bar of calls saved, and the `--since` window in the heading.
extension StatsReport {
    /// ` since 2026-12-01 09:00 (--since 1h, in whole hours)` after the heading; empty without `--since`.
    func window() -> String {
        guard let from = numbers.history.fromHour, let seconds = numbers.history.sinceSeconds else { return "" }
        let start = from * 3600
        return style.paint(" since \(LocalDay.date(seconds: start)) \(LocalDay.time(seconds: start))"
            + " (--since \(Duration.exact(seconds: seconds)), in whole hours)", .faint)
    }

    /// The summary's row of money and tokens saved, when replayed answers had a price or tokens.
    func costRow() -> [(String, String)] {
        let t = numbers.total
        let parts = amounts(t)
        return parts.isEmpty ? [] : [("cost saved", style.paint(parts.joined(separator: ", "), .good))]
    }

    /// `$0.15` and `360 tokens`, for those that are not 0.
    private func amounts(_ set: CounterSet) -> [String] {
        (set[.costSavedMicros] > 0 ? [TextColumns.dollars(micros: set[.costSavedMicros])] : [])
            + (set[.tokensSaved] > 0 ? [plural(set[.tokensSaved], "token")] : [])
    }

    /// Per tool with calls saved: at least that many requests (every call of a built-in tool
    /// talks to its service at least once; a command of the config or `--` only ran), what
    /// they cost, then each service's hourly limit that the last hour's saved calls count against.
    func savings() -> [String] {
        let atLeast = style.unicode ? "≥ " : ">= "
        let rows = numbers.tools.compactMap { tool -> String? in
            let set = numbers.perTool[tool] ?? CounterSet()
            guard set[.callsSaved] > 0 else { return nil }
            let calls = set[.callsSaved]
            let saved = Policies.builtIn(tool) == nil ? plural(calls, "run") : atLeast + plural(calls, "request")
            return "  " + TextColumns.pad(tool, 16) + style.paint(([saved] + amounts(set)).joined(separator: ", "), .good)
        }
        let limits = numbers.history.limitShares(numbers.tools).filter { $0.callsSaved + $0.revalidated > 0 }.map { "  " + limitLine($0) }
        guard !rows.isEmpty || !limits.isEmpty else { return [] }
        return [style.paint("what the saved calls stand for", .heading)] + rows + limits
    }

    /// `gh: 120 calls saved in the last hour (since 09:00) = 2.4% of the 5,000/h REST limit`, with
    /// `+ 30 revalidated (free 304s)` after the calls when expired answers were renewed.
    func limitLine(_ share: StatsHistory.LimitShare) -> String {
        let since = LocalDay.time(seconds: numbers.history.lastHourFrom * 3600)
        let free = share.revalidated > 0 ? " + \(share.revalidated) revalidated (free 304s)" : ""
        return "\(share.tool): \(plural(share.callsSaved, "call")) saved\(free) in the last hour (since \(since)) = "
            + style.paint(TextColumns.share(share.share), .good)
            + " of the \(TextColumns.grouped(share.limit.requests))/h \(share.limit.name) limit"
    }

    /// One row per day of the window (the last seven without `--since`): the date, a bar of the
    /// calls saved scaled to the busiest day, the count, then the time and money saved.
    func days() -> [String] {
        let days = numbers.history.days
        guard !days.isEmpty else { return [] }
        let busiest = days.map { $0.counters[.callsSaved] }.max() ?? 0
        let heading = "calls saved per day" + (numbers.history.fromHour == nil ? ", the last \(days.count) days" : "")
        return [style.paint(heading, .heading)] + days.map { day in
            let c = day.counters
            var line = "  " + day.date + "  " + style.dayBar(c[.callsSaved], busiest: busiest)
                + TextColumns.pad("\(c[.callsSaved])", 8, right: true)
            if c[.timeSavedMs] > 0 || c[.costSavedMicros] > 0 {
                line += TextColumns.pad(c[.timeSavedMs] > 0 ? TextColumns.duration(ms: c[.timeSavedMs]) : "", 9, right: true)
            }
            if c[.costSavedMicros] > 0 { line += "  " + TextColumns.dollars(micros: c[.costSavedMicros]) }
            return line
        }
    }
}
