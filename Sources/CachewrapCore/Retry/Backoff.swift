/// Full-jitter exponential backoff (docs/architecture.md, Retries): the wait before retry n (0-based) is
/// random in [0, min(cap, base·2^n)], all retries together stay inside `budget`, and a server's
/// own hint wins when it fits the budget. Jitter keeps a fleet of agents from retrying in step.
public struct Backoff: Sendable, Equatable {
    public var baseMs: Int64 = 1000
    public var capMs: Int64 = 30_000
    public var budgetMs: Int64 = 120_000

    public init(baseMs: Int64 = 1000, capMs: Int64 = 30_000, budgetMs: Int64 = 120_000) {
        self.baseMs = baseMs
        self.capMs = capMs
        self.budgetMs = budgetMs
    }

    /// Milliseconds to wait before retry `attempt` (0 = the first retry), or nil when the wait
    /// would pass the budget (`spentMs` already used). A hint is honoured exactly, or not at all.
    public func delay<R: RandomNumberGenerator>(attempt: Int, hintSeconds: Int64?, spentMs: Int64,
                                                using random: inout R) -> Int64? {
        let left = budgetMs - spentMs
        if let hint = hintSeconds {
            let wanted = hint.multipliedSaturating(by: 1000)
            return wanted <= left ? wanted : nil
        }
        // Saturating: a shift would drop the high bits of a large base and wrap negative.
        let ceiling = min(capMs, baseMs.multipliedSaturating(by: 1 << Int64(min(max(attempt, 0), 30))))
        let wait = ceiling > 0 ? Int64.random(in: 0...ceiling, using: &random) : 0
        return wait <= left ? wait : (left > 0 ? left : nil)
    }

    /// The policy from the environment: CACHEWRAP_RETRY_BASE, CACHEWRAP_RETRY_CAP and
    /// CACHEWRAP_RETRY_BUDGET take durations (`500ms`, `2s`, at most 1h); a bad value is warned
    /// about and the default kept.
    public static func fromEnvironment() -> Backoff {
        let defaults = Backoff()
        return Backoff(baseMs: EnvironmentNumbers.retryBase ?? defaults.baseMs, capMs: EnvironmentNumbers.retryCap ?? defaults.capMs,
                       budgetMs: EnvironmentNumbers.retryBudget ?? defaults.budgetMs)
    }
}
