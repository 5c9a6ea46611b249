import Testing

@testable import CachewrapCore

/// Guards duration parsing against values cachewrap cannot use: every caller turns a duration
/// into an expiry, which trapped on overflow before numbers saturated and ranges were checked.
@Suite struct DurationTests {
    /// Found by the duration fuzzer (fuzz/corpus/duration/crash-70564a7a1b0fe28bb41a0f2c9dd3c4eb71893efd):
    /// 99,999,999,991,022,480 minutes fit in an Int64 of seconds but not in milliseconds, so
    /// `cachewrap --ttl 099999999991022480m CMD` (or that TTL in the config) crashed on storing.
    @Test func fuzzedHugeDurationIsRefusedAndCannotTrap() {
        #expect(Duration.seconds("099999999991022480m") == 5_999_999_999_461_348_800)
        #expect(Duration.milliseconds("099999999991022480m") == Int64.max, "saturates, never traps")
        #expect(throws: (any Error).self) { try UserNumbers.duration.parse("099999999991022480m", name: "--ttl") }
    }

    @Test(arguments: ["9999999999999999s", "9223372036854775807s", "106751991167d", "3651d"])
    func durationsPastTheRangeAreRefused(text: String) {
        #expect(throws: (any Error).self) { try UserNumbers.duration.parse(text, name: "--ttl") }
    }

    /// What the crash was: the expiry of any duration, however large, is computable.
    @Test func everyTTLMakesAnExpiry() {
        for ttl in [UserNumbers.duration.range.upperBound, Int64.max, Duration.seconds("099999999991022480m")!] {
            #expect(Clock.expiry(createdMs: Clock.nowMs(), ttlSeconds: ttl) > Clock.nowMs())
        }
    }
}
