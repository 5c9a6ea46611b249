/// The terminal report of `cachewrap stats` (without `--json`): the totals a person asks about
/// first (hit rate, calls, time and money saved), then one row per tool with a hit-rate bar, what
/// the saved calls stand for and one row per day (StatsReport+Savings.swift), then the operations
/// that saved the most. All its wording is here; `StatsCommand` gathers the numbers.
struct StatsReport {
    /// Everything the report shows, gathered by `StatsCommand` from one store.
    struct Numbers {
        var total: CounterSet
        var perTool: [String: CounterSet]
        var sizes: [String: (entries: Int64, bytes: Int64, stored: Int64)]
        var tools: [String]
        var entries: Int64
        /// What the stored outputs stand for, and the bytes they take (smaller when packed).
        var bytes: Int64
        var storedBytes: Int64 = 0
        var topOperations: [OperationStat]
        /// The team cache's rows; nil hides them (no remote configured and nothing ever counted).
        var remote: Remote?
        /// The `--since` window, the days and the last hour.
        var history = StatsHistory()
    }

    /// What the team cache did on this machine, beyond the counters: where it is (or why its
    /// settings are unusable), the writes still queued, and the breaker's last word.
    struct Remote {
        /// `redis://host:port/db (mode rw)`, the settings' error, or nil when no remote is set now.
        var setting: String?
        var pending: Int
        var breaker: BreakerState
    }

    let numbers: Numbers
    let style: TerminalStyle

    /// The whole report, ending in a newline.
    func render() -> String {
        var lines = summary()
        lines.append("")
        if numbers.tools.isEmpty {
            lines.append("no cached calls yet: wrap a tool (cachewrap gh ...) or set it up with eval \"$(cachewrap init bash)\"")
        } else {
            lines += toolTable()
            lines.append("")
            for section in [savings(), days()] where !section.isEmpty { lines += section + [""] }
            lines += operations()
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Label and value pairs for the totals, labels in one column.
    private func summary() -> [String] {
        let t = numbers.total
        let rows: [(String, String)] = [
            ("hit rate", "\(style.bar(t.hitRate)) \(TextColumns.percent(t.hitRate))  "
                + style.paint("(\(plural(t[.hits], "hit")), \(plural(t[.misses], "miss", "misses")))", .faint)),
            ("calls", "\(t[.callsMade]) made, " + style.paint("\(t[.callsSaved]) saved", .good)),
            ("time saved", style.paint(TextColumns.duration(ms: t[.timeSavedMs]), .good)),
        ] + costRow() + [
            ("retries", "\(t[.retries]) (\(t[.recoveredByRetry]) recovered)"),
            ("stale served", "\(t[.staleServed])"),
        ] + (t[.revalidated] > 0 ? [("revalidated", "\(t[.revalidated]) (expired answers the server said were unchanged: HTTP 304)")] : []) + [
            ("passthrough", "\(t[.passthrough]) (not cacheable: ran as is)"),
            ("store", "\(plural(numbers.entries, "entry", "entries")), \(storeSize)"
                + " (\(t[.expirations]) expired, \(t[.evictions]) evicted, "
                + style.paint("\(t[.damaged]) damaged", t[.damaged] > 0 ? .warning : .faint) + ")"),
        ]
        return [style.paint("cachewrap stats", .heading) + window()]
            + (rows + remoteRows()).map { "  " + TextColumns.pad($0.0, 14) + $0.1 }
    }

    /// `1.2 MB`, or `1.2 MB (stands for 9.8 MB)` when packing made the stored bytes fewer.
    private var storeSize: String {
        guard numbers.storedBytes < numbers.bytes else { return ByteSize.format(numbers.bytes) }
        return "\(ByteSize.format(numbers.storedBytes)) (stands for \(ByteSize.format(numbers.bytes)))"
    }

    /// The team cache's counters, pending writes and last error (issue 7), so a person sees a
    /// dead server or a refused password here and not only in `--json` or `doctor`.
    private func remoteRows() -> [(String, String)] {
        guard let remote = numbers.remote else { return [] }
        let t = numbers.total
        var rows: [(String, String)] = [
            ("team cache", remote.setting ?? "not configured now"),
            ("remote", "\(plural(t[.remoteHits], "hit")), \(plural(t[.remoteMisses], "miss", "misses")), "
                + "\(t[.remoteStale]) stale, " + style.paint(plural(t[.remoteErrors], "error"), t[.remoteErrors] > 0 ? .warning : .faint) + ", "
                + style.paint("\(t[.remoteCorrupt]) corrupt", t[.remoteCorrupt] > 0 ? .bad : .faint)),
            ("outbox", "\(plural(Int64(remote.pending), "write")) pending"),
        ]
        if let error = remote.breaker.lastError {
            let now = Clock.nowMs()
            let state = remote.breaker.open && remote.breaker.openUntilMs > now
                ? "paused for \(Duration.format(seconds: (remote.breaker.openUntilMs - now + 999) / 1000)) after: "
                : "last error \(Duration.format(seconds: (now - remote.breaker.lastErrorMs) / 1000)) ago: "
            rows.append(("remote state", style.paint(state + error, .warning)))
        }
        return rows
    }

    /// Column widths of the tool table; the tool column fits `huggingface-cli`.
    private static let widths = (tool: 16, count: 7, rate: 17, time: 9, size: 11)

    /// One row per tool: hits, misses, the hit-rate bar, calls and time saved, entries, size.
    private func toolTable() -> [String] {
        let w = Self.widths
        let header = TextColumns.pad("tool", w.tool) + TextColumns.pad("hits", w.count, right: true)
            + TextColumns.pad("misses", w.count, right: true) + "  " + TextColumns.pad("hit rate", w.rate)
            + TextColumns.pad("saved", w.count, right: true) + TextColumns.pad("time", w.time, right: true)
            + TextColumns.pad("entries", w.count + 2, right: true) + TextColumns.pad("size", w.size, right: true)
        var lines = [style.paint(header, .heading)]
        for tool in numbers.tools {
            let set = numbers.perTool[tool] ?? CounterSet()
            let size = numbers.sizes[tool] ?? (0, 0, 0)
            // The bar is 8 characters; pad the percentage after it so the row stays aligned.
            let rate = style.bar(set.hitRate) + " " + TextColumns.pad(TextColumns.percent(set.hitRate), 6, right: true)
            lines.append(TextColumns.pad(tool, w.tool) + TextColumns.pad("\(set[.hits])", w.count, right: true)
                + TextColumns.pad("\(set[.misses])", w.count, right: true) + "  " + rate + "  "
                + TextColumns.pad("\(set[.callsSaved])", w.count, right: true)
                + TextColumns.pad(TextColumns.duration(ms: set[.timeSavedMs]), w.time, right: true)
                + TextColumns.pad("\(size.entries)", w.count + 2, right: true)
                + TextColumns.pad(ByteSize.format(size.bytes), w.size, right: true))
        }
        return lines
    }

    /// The operations with the most hits among the entries held now.
    private func operations() -> [String] {
        let heading = style.paint("top operations by hits", .heading)
        guard !numbers.topOperations.isEmpty else { return [heading, "  none yet: no entry has been replayed"] }
        let names = numbers.topOperations.map { "\($0.tool) \($0.operation)" }
        let width = min(40, (names.map(\.count).max() ?? 0) + 2)
        return [heading] + zip(names, numbers.topOperations).map { name, op in
            "  " + TextColumns.pad(name, width) + TextColumns.pad(plural(op.hits, "hit"), 10, right: true)
                + "  " + TextColumns.pad(plural(op.entries, "entry", "entries"), 11)
                + style.paint("saved " + TextColumns.duration(ms: op.savedMs), .good)
        }
    }

    /// "1 hit", "3 hits", "41,360 tokens": the report is read, so it speaks in words.
    func plural(_ n: Int64, _ one: String, _ many: String? = nil) -> String {
        TextColumns.grouped(n) + " " + (n == 1 ? one : many ?? one + "s")
    }
}
