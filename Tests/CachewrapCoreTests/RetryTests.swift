import Testing

@testable import CachewrapCore

/// Guards the retry decisions (docs/architecture.md, Retries): how an attempt is classified from exit code
/// and patterns on both streams, the server's retry hint, and full-jitter backoff inside a budget.
@Suite struct RetryTests {
    static var spec: PolicySpec {
        var spec = PolicySpec(tool: "t", rules: [])
        spec.transient = [OutputCheck(.stderr, "(HTTP 502)"), OutputCheck(.either, "429 Too Many Requests")]
        spec.quota = [OutputCheck(.either, "resets at")]
        spec.failureMarkers = [OutputCheck(.stderr, "Failed with error")]
        return spec
    }

    @Test func classification() {
        let spec = Self.spec
        #expect(spec.classify(finishedRun(0, stdout: "ok")) == .success)
        #expect(spec.classify(finishedRun(1, stderr: "gh: boom (HTTP 502)")) == .transient(retryAfter: nil))
        #expect(spec.classify(finishedRun(1, stderr: "gh: Not Found (HTTP 404)")) == .permanent)
        // Exit 0 with a failure marker is a failure; with a transient pattern on stdout, transient.
        #expect(spec.classify(finishedRun(0, stderr: "Failed with error 401")) == .permanent)
        #expect(spec.classify(finishedRun(0, stdout: "429 Too Many Requests", stderr: "Failed with error 429"))
                == .transient(retryAfter: nil))
        #expect(spec.classify(finishedRun(1, stderr: "429 Too Many Requests; limit resets at 10:00 UTC")) == .quota)
        #expect(spec.classify(finishedRun(1, stdout: "429 Too Many Requests. Retry after 7 seconds."))
                == .transient(retryAfter: 7))
    }

    @Test(arguments: [
        ("Retry after 1 seconds", Int64?.some(1)),
        ("RETRY-AFTER: 30", 30),
        ("please retry in 12s", 12),
        ("retry after soon", nil),
        ("nothing here", nil),
    ])
    func retryHints(text: String, seconds: Int64?) {
        #expect(RetryHint.seconds(in: Array(text.utf8)) == seconds)
    }

    @Test func fullJitterStaysUnderTheExponentialCeilingAndCap() {
        var random = SystemRandomNumberGenerator()
        let backoff = Backoff(baseMs: 1000, capMs: 30_000, budgetMs: 10_000_000)
        for attempt in 0..<8 {
            let ceiling = min(30_000, Int64(1000) << attempt)
            var seen: Set<Int64> = []
            for _ in 0..<200 {
                let wait = backoff.delay(attempt: attempt, hintSeconds: nil, spentMs: 0, using: &random)
                #expect(wait != nil && wait! >= 0 && wait! <= ceiling)
                seen.insert(wait ?? -1)
            }
            #expect(seen.count > 10, "jitter spreads the waits")
        }
    }

    @Test func budgetAndHints() {
        var random = SystemRandomNumberGenerator()
        let backoff = Backoff(baseMs: 1000, capMs: 30_000, budgetMs: 5_000)
        #expect(backoff.delay(attempt: 0, hintSeconds: 3, spentMs: 0, using: &random) == 3_000)
        #expect(backoff.delay(attempt: 0, hintSeconds: 6, spentMs: 0, using: &random) == nil, "a hint past the budget stops")
        #expect(backoff.delay(attempt: 9, hintSeconds: nil, spentMs: 5_000, using: &random) == nil, "no budget left")
        let clipped = backoff.delay(attempt: 9, hintSeconds: nil, spentMs: 4_900, using: &random)
        #expect(clipped != nil && clipped! <= 100)
    }

    @Test func millisecondDurations() {
        #expect(Duration.milliseconds("250ms") == 250)
        #expect(Duration.milliseconds("2s") == 2000)
        #expect(Duration.milliseconds("0") == 0)
        #expect(Duration.milliseconds("ms") == nil)
        #expect(Duration.milliseconds("-5ms") == nil)
    }
}
