/// The words of `cachewrap stats --advice`: for people, a config fragment (every other line a
/// `#` comment, so the whole of it can be pasted) with one table per tool and the evidence
/// beside each line; with `--json`, an array with one object per suggestion (a contract: fields
/// are added, never renamed).
enum StatsAdviceReport {
    /// The rule, as the header says it (`TTLAdvice` is the code of record).
    static var rule: [String] {
        let ladder = TTLAdvice.ladder.map { Duration.exact(seconds: $0) }.joined(separator: " ")
        return [
            "# cachewrap stats --advice: TTLs from what re-runs found (the last \(Store.refreshWindowMs / 86_400_000) days).",
            "# An operation needs \(TTLAdvice.minimumRefreshes) refreshes at its current TTL: re-runs after expiry, and",
            "# refreshes before it (--refresh, --stale) that found a changed output.",
            "# At most 1 in 10 changed: longer, the first of \(ladder) at least",
            "# \(TTLAdvice.longerFactor)x the TTL, never past the soonest change seen.",
            "# At least half changed after the old answer was replayed: shorter, half the TTL down the",
            "# same steps, not below \(Duration.exact(seconds: TTLAdvice.floorSeconds)).",
            "# Paste a line under its table (add the table if the file has none); --ttl or",
            "# CACHEWRAP_TTL on a call still wins over it.",
        ]
    }

    static func render(_ advice: StatsAdvice) -> String {
        guard !advice.suggestions.isEmpty else { return nothing(advice) }
        var lines = rule
        let sections = Set(advice.suggestions.map(\.section)).sorted()
        for section in sections {
            lines += ["", section.header] + table(advice.suggestions.filter { $0.section == section })
        }
        if !advice.unsuggested.isEmpty { lines.append("") }
        lines += advice.unsuggested.map { "# no change for \($0.name): \($0.why)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One table's lines, comments aligned. `[defaults] ttl` is one line for every generic
    /// command: when several have advice it takes the shortest, so none keeps answers longer
    /// than its own re-runs allow, and each command's evidence goes above it.
    private static func table(_ suggestions: [StatsAdvice.Suggestion]) -> [String] {
        if suggestions.count > 1, suggestions[0].section == .defaults {
            let shortest = suggestions.min { $0.seconds < $1.seconds }!
            return suggestions.map { "# \(StatsAdvice.name(tool: $0.tool, operation: $0.operation)): \(why($0)) (\(Duration.exact(seconds: $0.seconds)))" }
                + [shortest.line + "    # the shortest of these: [defaults] ttl applies to every cachewrap -- CMD"]
        }
        let width = suggestions.map(\.line.count).max() ?? 0
        return suggestions.map { s in
            let who = s.section == .defaults ? StatsAdvice.name(tool: s.tool, operation: s.operation) + ": " : ""
            return TextColumns.pad(s.line, width) + "    # " + who + why(s)
        }
    }

    /// The evidence and the conclusion, e.g. "6 refreshes after expiry, 6 identical: the 1m TTL
    /// is shorter than it needs to be" (TTLs as a config line writes them).
    static func why(_ s: StatsAdvice.Suggestion) -> String {
        let e = s.evidence, ttl = Duration.exact(seconds: e.ttlSeconds)
        if s.seconds > e.ttlSeconds {
            let soonest = e.soonestChangeMs.map { "; the soonest change seen came after \(Duration.format(seconds: $0 / 1000))" } ?? ""
            return "\(counts(e)): the \(ttl) TTL is shorter than it needs to be" + soonest
        }
        return "\(counts(e)): the \(ttl) TTL outlives the output"
    }

    /// "6 refreshes after expiry, 6 identical" or "5 refreshes before expiry, 0 identical, 5
    /// changed after hits".
    static func counts(_ e: TTLAdvice.Evidence) -> String {
        let refreshes = e.refreshes == 1 ? "1 refresh" : "\(e.refreshes) refreshes"
        let when = e.afterExpiry == e.refreshes ? " after expiry"
            : e.afterExpiry == 0 ? " before expiry" : " (\(e.refreshes - e.afterExpiry) before expiry)"
        let changed = e.changedAfterHits > 0 ? ", \(e.changedAfterHits) changed after hits" : ""
        return refreshes + when + ", \(e.identical) identical" + changed
    }

    /// Why there is nothing to paste: TTLs that fit, lines that would not take effect, too few
    /// refreshes, or none at all.
    private static func nothing(_ advice: StatsAdvice) -> String {
        let needed = "an operation needs \(TTLAdvice.minimumRefreshes) at its current TTL (re-runs after expiry, "
            + "or refreshes that found a change)"
        let fewest = advice.closest.map { "the most any other has is \($0.refreshes) (\($0.name)): \(needed)" }
        var lines: [String]
        if !advice.unsuggested.isEmpty {
            lines = ["no TTL advice: nothing to change for the operations with enough refreshes."]
                + advice.unsuggested.map { "  \($0.name): \($0.why)" } + (fewest.map { ["  " + $0] } ?? [])
        } else if let closest = advice.closest {
            lines = ["no TTL advice yet: not enough refreshes; \(needed). The most so far: \(closest.name), \(closest.refreshes)."]
        } else {
            lines = ["no TTL advice yet: no entry has been re-run after it expired, nor refreshed to a changed output."]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `stats --advice --json`: one object per suggestion, by tool and operation.
    static func json(_ advice: StatsAdvice) -> JSONValue {
        .array(advice.suggestions.map { s in
            .object([
                "tool": .string(s.tool),
                "operation": .string(s.operation),
                "section": .string(s.section.header),
                "line": .string(s.line),
                "current_ttl_s": .int(s.evidence.ttlSeconds),
                "suggested_ttl_s": .int(s.seconds),
                "refreshes": .int(Int64(s.evidence.refreshes)),
                "after_expiry": .int(Int64(s.evidence.afterExpiry)),
                "identical": .int(Int64(s.evidence.identical)),
                "changed_after_hits": .int(Int64(s.evidence.changedAfterHits)),
            ])
        })
    }
}
