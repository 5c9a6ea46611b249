import Testing

@testable import CachewrapCore

/// The rules of `stats --advice` (`TTLAdvice`): what counts as evidence, how much is enough,
/// and which step of the ladder each direction lands on.
@Suite struct TTLAdviceTests {
    /// A refresh of an entry with `ttl` seconds, `age` seconds after it was made.
    static func refresh(ttl: Int64, age: Int64, identical: Bool, hits: Int64 = 0, at: Int64 = 0) -> RefreshRecord {
        RefreshRecord(atMs: at, ttlSeconds: ttl, identical: identical, hits: hits, ageMs: age * 1000)
    }

    /// `n` identical re-runs just after a `ttl` expired.
    static func identical(_ n: Int, ttl: Int64) -> [RefreshRecord] {
        (0..<n).map { _ in refresh(ttl: ttl, age: ttl + 1, identical: true) }
    }

    /// One row of the verdict table: the records (newest first) and what they lead to.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let records: [RefreshRecord]
        let verdict: TTLAdvice.Verdict
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "none", records: [], verdict: .tooFew),
        Case(name: "4 identical are too few", records: identical(4, ttl: 60), verdict: .tooFew),
        Case(name: "5 identical at 60s: the first step at least 4x, 5m", records: identical(5, ttl: 60), verdict: .longer(300)),
        Case(name: "1s goes to 10s", records: identical(5, ttl: 1), verdict: .longer(10)),
        Case(name: "10m goes to 1h", records: identical(6, ttl: 600), verdict: .longer(3600)),
        Case(name: "1d goes to 7d, the top", records: identical(5, ttl: 86_400), verdict: .longer(604_800)),
        Case(name: "2d: no step is 4x, so it fits", records: identical(5, ttl: 172_800), verdict: .fits),
        Case(name: "7d: nothing longer", records: identical(5, ttl: 604_800), verdict: .fits),
        Case(name: "1 change in 10 still counts as nearly all identical",
             records: identical(9, ttl: 60) + [refresh(ttl: 60, age: 900, identical: false)], verdict: .longer(300)),
        Case(name: "1 change in 9 does not",
             records: identical(8, ttl: 60) + [refresh(ttl: 60, age: 900, identical: false)], verdict: .fits),
        Case(name: "a change once seen at 2m caps the longer TTL below 4x (1m, not 5m)",
             records: identical(12, ttl: 30) + [refresh(ttl: 60, age: 120, identical: false)], verdict: .longer(60)),
        Case(name: "a change seen at 40s leaves nothing between 30s and it",
             records: identical(12, ttl: 30) + [refresh(ttl: 60, age: 40, identical: false)], verdict: .fits),
        Case(name: "changes after hits, half of them: 60s halves to 30s",
             records: (0..<3).map { _ in refresh(ttl: 60, age: 61, identical: false, hits: 2) } + identical(3, ttl: 60),
             verdict: .shorter(30)),
        Case(name: "10m goes down to 5m", records: (0..<5).map { _ in refresh(ttl: 600, age: 30, identical: false, hits: 1) },
             verdict: .shorter(300)),
        Case(name: "1h goes down to 30m", records: (0..<5).map { _ in refresh(ttl: 3600, age: 3700, identical: false, hits: 1) },
             verdict: .shorter(1800)),
        Case(name: "15s goes to the floor, 10s", records: (0..<5).map { _ in refresh(ttl: 15, age: 16, identical: false, hits: 1) },
             verdict: .shorter(10)),
        Case(name: "10s is the floor already", records: (0..<5).map { _ in refresh(ttl: 10, age: 11, identical: false, hits: 1) },
             verdict: .fits),
        Case(name: "changes nobody was served say nothing about shorter",
             records: (0..<6).map { _ in refresh(ttl: 60, age: 61, identical: false, hits: 0) }, verdict: .fits),
        Case(name: "2 changed after hits in 5 are not half",
             records: (0..<2).map { _ in refresh(ttl: 60, age: 61, identical: false, hits: 1) } + identical(3, ttl: 60),
             verdict: .fits),
        Case(name: "only the current TTL's records count: 5 at 60s before 4 at 5m are too few",
             records: identical(4, ttl: 300) + identical(5, ttl: 60), verdict: .tooFew),
    ]

    @Test(arguments: cases)
    func verdicts(_ c: Case) {
        #expect(TTLAdvice.verdict(TTLAdvice.Evidence(c.records)) == c.verdict)
    }

    @Test func evidenceCountsAtTheNewestRecordsTTL() {
        let records = [
            Self.refresh(ttl: 300, age: 301, identical: true),
            Self.refresh(ttl: 300, age: 100, identical: false, hits: 3),
            Self.refresh(ttl: 300, age: 400, identical: false),
            Self.refresh(ttl: 60, age: 45, identical: false, hits: 1),
        ]
        let e = TTLAdvice.Evidence(records)
        #expect(e.ttlSeconds == 300 && e.refreshes == 3 && e.identical == 1 && e.changed == 2)
        #expect(e.afterExpiry == 2, "the refresh at 100s came before the 300s expiry")
        #expect(e.changedAfterHits == 1, "only the change that replaced a replayed answer")
        #expect(e.soonestChangeMs == 45_000, "the soonest change is any TTL's")
    }

    /// Every step is a duration the config reads back as itself, and none is past its limit.
    @Test func theLadderIsWhatTheConfigTakes() throws {
        #expect(TTLAdvice.ladder == TTLAdvice.ladder.sorted())
        for step in TTLAdvice.ladder {
            #expect(try UserNumbers.duration.parse(Duration.exact(seconds: step), name: "ttl") == step)
        }
        #expect(TTLAdvice.ladder.map { Duration.exact(seconds: $0) } == ["10s", "30s", "1m", "5m", "15m", "30m", "1h", "6h", "1d", "7d"])
    }
}
