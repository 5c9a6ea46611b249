import Glibc

/// Runs a tool until an attempt succeeds or retrying stops making sense (docs/architecture.md, Retries):
/// only transient failures are retried, with full-jitter backoff inside the budget, each retry
/// announced on stderr. An attempt the user has already seen, or one cut short by a signal, is
/// final.
struct AttemptLoop {
    /// Output held back while a retry or a stale answer could still replace it; beyond this the
    /// attempt streams live and becomes final.
    static let holdBackBytes = 1 << 20

    let policy: PolicySpec
    let retries: Int
    let backoff: Backoff
    /// An expired entry could answer if every attempt fails: hold output back even on the last one.
    let staleFallback: Bool
    /// Output that streams live by nature (downloads' progress) is never held back.
    let holdOutput: Bool
    let makeChild: (_ holdBack: Int) -> ChildProcess

    struct Result {
        var outcome: RunOutcome
        var verdict: FailureClass
        var retriesMade: Int
    }

    func run() throws(CachewrapError) -> Result {
        var random = SystemRandomNumberGenerator()
        let started = Clock.nowMs()
        var attempt = 0
        while true {
            let recoverable = holdOutput && (attempt < retries || staleFallback)
            let outcome = try makeChild(recoverable ? AttemptLoop.holdBackBytes : 0).run()
            let verdict = policy.classify(outcome)
            let result = Result(outcome: outcome, verdict: verdict, retriesMade: attempt)
            guard attempt < retries, outcome.interruptedBy == nil, case .transient(let hint) = verdict,
                  !outcome.shown || !holdOutput else { return result }
            guard let wait = backoff.delay(attempt: attempt, hintSeconds: hint, spentMs: Clock.nowMs() - started,
                                           using: &random) else { return result }
            attempt += 1
            Console.notice("\(policy.tool): \(policy.transientReason(outcome)) — retry \(attempt)/\(retries) in \(Duration.tenths(milliseconds: wait))")
            Clock.sleep(milliseconds: wait)
        }
    }
}
