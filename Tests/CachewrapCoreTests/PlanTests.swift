@testable import CachewrapCore
import Testing

/// Guards what cachewrap's options mean for one call, written in one place (`Plan`): which
/// steps run (lookup, recording, only replaying), which TTL and retries apply, and when an
/// expired answer may stand in for a failed run.
@Suite struct PlanTests {
    static func decision(_ ttl: TTLClass = .live) -> Decision {
        var d = Decision(.cacheable(ttl), "test", operation: "pr list")
        d.ttlSeconds = ttl.seconds
        d.retries = 3
        d.staleSeconds = 120
        return d
    }

    static func options(_ edit: (inout WrapOptions) -> Void = { _ in }) -> WrapOptions {
        var options = WrapOptions()
        edit(&options)
        return options
    }

    @Test func aPlainCallLooksUpRecordsAndTakesThePolicysNumbers() {
        let plan = Plan(options: Self.options(), decision: Self.decision(), background: false)
        #expect(plan.looksUp && plan.records && !plan.offline && !plan.background)
        #expect(plan.ttlSeconds == 60 && plan.requestedTTL == nil && plan.retries == 3 && plan.staleWhileRevalidate == 120)
        #expect(plan.staleIfErrorSeconds == Plan.defaultStaleIfErrorSeconds)
    }

    @Test func refreshRunsAndRecordsWithoutLookingUp() {
        let plan = Plan(options: Self.options { $0.refresh = true }, decision: Self.decision(), background: false)
        #expect(!plan.looksUp && plan.records)
    }

    @Test func noCacheNeitherLooksUpNorRecords() {
        let plan = Plan(options: Self.options { $0.noCache = true }, decision: Self.decision(), background: false)
        #expect(!plan.looksUp && !plan.records)
    }

    @Test func offlineOnlyReplays() {
        let plan = Plan(options: Self.options { $0.offline = true }, decision: Self.decision(), background: false)
        #expect(plan.offline && plan.looksUp)
    }

    @Test func optionsWinOverThePolicy() {
        let plan = Plan(options: Self.options {
            $0.ttlSeconds = 7200
            $0.retries = 0
            $0.staleSeconds = 5
            $0.staleIfErrorSeconds = 60
        }, decision: Self.decision(), background: false)
        #expect(plan.ttlSeconds == 7200 && plan.requestedTTL == 7200 && plan.retries == 0)
        #expect(plan.staleWhileRevalidate == 5 && plan.staleIfErrorSeconds == 60)
    }

    /// A prompt's answer is never a stand-in for a failed run: the question may have been new.
    @Test func anExpiredAnswerStandsInOnlyWithinItsWindow() {
        let expired = CachedResult(createdMs: 0, expiresMs: 1_000_000, exitCode: 0, durationMs: 1, frames: [])
        let plan = Plan(options: Self.options { $0.staleIfErrorSeconds = 60 }, decision: Self.decision(), background: false)
        #expect(plan.mayStandIn(expired, nowMs: 1_000_000 + 60_000))
        #expect(!plan.mayStandIn(expired, nowMs: 1_000_000 + 60_001))
        let prompt = Plan(options: Self.options(), decision: Self.decision(.prompt), background: false)
        #expect(prompt.staleIfErrorSeconds == 0 && !prompt.mayStandIn(expired, nowMs: 1_000_001))
    }
}
