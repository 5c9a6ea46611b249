import Testing

@testable import CachewrapCore

/// Guards duration parsing against values cachewrap cannot use: every caller turns a duration
/// into an expiry with `now + seconds * 1000`, which traps on overflow.
@Suite struct DurationTests {
    /// Found by the duration fuzzer (fuzz/corpus/duration/crash-70564a7a1b0fe28bb41a0f2c9dd3c4eb71893efd):
    /// 99,999,999,991,022,480 minutes fit in an Int64 of seconds but not in milliseconds, so
    /// `cachewrap --ttl 099999999991022480m CMD` (or that TTL in the config) crashed on storing.
    @Test func fuzzedHugeDurationIsRefused() {
        #expect(Duration.seconds("099999999991022480m") == nil)
        #expect(Duration.milliseconds("099999999991022480m") == nil)
    }

    @Test(arguments: ["9999999999999999s", "9223372036854775807s", "106751991167d", "36501d"])
    func durationsBeyondACenturyAreRefused(text: String) {
        #expect(Duration.seconds(text) == nil)
        #expect(Duration.milliseconds(text) == nil)
    }

    @Test func aCenturyIsTheLongestDuration() {
        #expect(Duration.seconds("36500d") == Duration.maxSeconds)
        #expect(Duration.milliseconds("36500d") == Duration.maxSeconds * 1000)
        #expect(Duration.milliseconds("\(Duration.maxSeconds * 1000)ms") == Duration.maxSeconds * 1000)
        #expect(Duration.milliseconds("\(Duration.maxSeconds * 1000 + 1)ms") == nil)
        #expect(Duration.milliseconds("9223372036854775807ms") == nil)
    }

    /// What the crash was: the wrap path's expiry for the longest TTL is computable.
    @Test func theLongestTTLMakesAnExpiry() {
        let (ms, overflow) = Duration.maxSeconds.multipliedReportingOverflow(by: 1000)
        #expect(!overflow && !Clock.nowMs().addingReportingOverflow(ms).overflow)
    }
}
