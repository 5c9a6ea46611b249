/// The rules of `cachewrap stats --advice`: pure functions from one operation's refresh
/// records (`RefreshRecord`, newest first) to a TTL worth suggesting, so each rule is a table
/// test and the report (StatsAdvice.swift) only words the result.
///
/// - Evidence: the records made at the operation's current TTL (the newest record's: after the
///   TTL changed, records of the old one no longer speak for the new one), at least
///   `minimumRefreshes` of them.
/// - Longer: at most one in ten of them found a changed output. The first `ladder` step at
///   least `longerFactor` times the TTL, but never past the soonest change any record saw (at
///   any TTL): an answer kept longer than that would have been replayed after it changed.
/// - Shorter: at least half of them found a changed output after the old answer had been
///   replayed (it had hits), so those replays may have shown what was no longer so. The ladder
///   step at or below half the TTL, never below `floorSeconds`.
/// - Otherwise the TTL fits what the re-runs found, and nothing is suggested.
enum TTLAdvice {
    /// Durations a person would pick; a suggestion is always one of them.
    static let ladder: [Int64] = [10, 30, 60, 300, 900, 1800, 3600, 21_600, 86_400, 604_800]
    static let minimumRefreshes = 5
    static let longerFactor: Int64 = 4
    /// Below this a cache saves little and costs a run nearly every time.
    static let floorSeconds: Int64 = 10

    /// What one operation's records show, counted at its current TTL.
    struct Evidence: Equatable {
        var ttlSeconds: Int64 = 0
        var refreshes = 0
        /// Re-runs after expiry; the rest are refreshes before it that found a change.
        var afterExpiry = 0
        var identical = 0
        /// Changed outputs that replaced an answer which had been replayed.
        var changedAfterHits = 0
        /// The youngest age at which any record found a change, whatever its TTL.
        var soonestChangeMs: Int64?

        var changed: Int { refreshes - identical }

        init(_ records: [RefreshRecord]) {
            soonestChangeMs = records.filter { !$0.identical }.map(\.ageMs).min()
            guard let current = records.first?.ttlSeconds else { return }
            ttlSeconds = current
            for record in records where record.ttlSeconds == current {
                refreshes += 1
                if record.afterExpiry { afterExpiry += 1 }
                if record.identical { identical += 1 } else if record.hits > 0 { changedAfterHits += 1 }
            }
        }
    }

    enum Verdict: Equatable {
        /// Fewer than `minimumRefreshes` at the current TTL: too early to say.
        case tooFew
        case longer(Int64)
        case shorter(Int64)
        /// Enough evidence, and the TTL fits it (or the ladder has no better step).
        case fits
    }

    static func verdict(_ evidence: Evidence) -> Verdict {
        guard evidence.refreshes >= minimumRefreshes else { return .tooFew }
        if evidence.changed * 10 <= evidence.refreshes, let seconds = longer(than: evidence) { return .longer(seconds) }
        if evidence.changedAfterHits * 2 >= evidence.refreshes, let seconds = shorter(than: evidence.ttlSeconds) {
            return .shorter(seconds)
        }
        return .fits
    }

    /// The first step at least `longerFactor` times the TTL, or the last one before the soonest
    /// change when that comes first; nil when neither is longer than the TTL, or the config
    /// would refuse it.
    static func longer(than evidence: Evidence) -> Int64? {
        let limit = min(UserNumbers.duration.range.upperBound, (evidence.soonestChangeMs ?? .max) / 1000)
        guard let wanted = ladder.first(where: { $0 >= evidence.ttlSeconds.multipliedSaturating(by: longerFactor) }),
              let step = wanted <= limit ? wanted : ladder.last(where: { $0 <= limit }),
              step > evidence.ttlSeconds else { return nil }
        return step
    }

    /// The step at or below half the TTL, at least `floorSeconds`; nil when that is no shorter.
    static func shorter(than ttlSeconds: Int64) -> Int64? {
        let step = max(floorSeconds, ladder.last(where: { $0 <= ttlSeconds / 2 }) ?? floorSeconds)
        return step < ttlSeconds ? step : nil
    }
}
