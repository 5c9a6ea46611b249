import Testing

@testable import CachewrapCore

/// Every user number's range at its edges (issue 11): the largest value accepted, one more
/// refused as out of range, a negative and junk refused as malformed; and the saturating
/// arithmetic where such numbers meet the clock.
@Suite struct UserNumbersTests {
    /// What `setting` makes of `text`: its value, or the error.
    static func read(_ setting: NumberSetting, _ text: String) -> Result<Int64, CachewrapError> {
        do { return .success(try setting.parse(text, name: "X")) } catch { return .failure(error) }
    }

    static func isOutOfRange(_ result: Result<Int64, CachewrapError>) -> Bool {
        if case .failure(.outOfRange) = result { return true }
        return false
    }

    struct Edge: Sendable, CustomTestStringConvertible {
        let setting: String
        let accepted: [(String, Int64)]
        let tooLarge: [String]
        let malformed: [String]
        var testDescription: String { setting }
    }

    static let settings: [String: NumberSetting] = [
        "duration": UserNumbers.duration, "retries": UserNumbers.retries, "retryTiming": UserNumbers.retryTiming,
        "remoteTimeout": UserNumbers.remoteTimeout, "entrySize": UserNumbers.entrySize,
        "stdinSize": UserNumbers.stdinSize, "storeSize": UserNumbers.storeSize,
    ]

    @Test(arguments: [
        Edge(setting: "duration", accepted: [("0", 0), ("3650d", 315_360_000), ("315360000s", 315_360_000), ("87600h", 315_360_000)],
             tooLarge: ["3651d", "315360001s", "9223372036854775807s", "106751991167d", "99999999999999999999d"],
             malformed: ["-1s", "-0s", "5x", "", "1.5h", "10", "ms", "+5s", "٣s", " 5s"]),
        Edge(setting: "retries", accepted: [("0", 0), ("10", 10), ("007", 7)],
             tooLarge: ["11", "99999999999999999999"], malformed: ["-1", "many", "", "1.5", "+3", "3 "]),
        Edge(setting: "retryTiming", accepted: [("0", 0), ("1h", 3_600_000), ("3600000ms", 3_600_000), ("250ms", 250)],
             tooLarge: ["3600001ms", "61m", "9223372036854775807ms"], malformed: ["-5ms", "ms", "5", "1.5s"]),
        Edge(setting: "remoteTimeout", accepted: [("1ms", 1), ("60s", 60_000), ("60000ms", 60_000)],
             tooLarge: ["0", "0ms", "60001ms", "2m"], malformed: ["-1ms", "50", "fast"]),
        Edge(setting: "entrySize", accepted: [("1", 1), ("1T", 1 << 40), ("1024G", 1 << 40), ("64MiB", 64 << 20)],
             tooLarge: ["0", "1099511627777", "1025G", "2T", "9999999999999T"], malformed: ["-1", "-1M", "1.5G", "lots", "M", ""]),
        Edge(setting: "stdinSize", accepted: [("0", 0), ("1G", 1 << 30), ("1073741824", 1 << 30)],
             tooLarge: ["1073741825", "1025M", "1T"], malformed: ["-1", "big"]),
        Edge(setting: "storeSize", accepted: [("0", 0), ("1T", 1 << 40), ("500MB", 524_288_000)],
             tooLarge: ["1099511627777", "2T"], malformed: ["-1", "1.5T", "lots"]),
    ])
    func edges(_ edge: Edge) throws {
        let setting = try #require(Self.settings[edge.setting])
        for (text, value) in edge.accepted {
            #expect(Self.read(setting, text) == .success(value), "\(edge.setting) \(text)")
        }
        for text in edge.tooLarge {
            #expect(Self.isOutOfRange(Self.read(setting, text)), "\(edge.setting) \(text): \(Self.read(setting, text))")
        }
        for text in edge.malformed {
            let result = Self.read(setting, text)
            #expect(!Self.isOutOfRange(result) && (try? result.get()) == nil, "\(edge.setting) '\(text)': \(result)")
        }
    }

    @Test func malformedValuesKeepTheirUsageErrors() {
        #expect(Self.read(UserNumbers.duration, "5x") == .failure(.badDuration("5x")))
        #expect(Self.read(UserNumbers.entrySize, "lots") == .failure(.badSize("lots")))
        #expect(Self.read(UserNumbers.retries, "-1") == .failure(.badNumber(option: "X", value: "-1")))
        for error in [CachewrapError.badDuration("5x"), .badSize("x"), .outOfRange(name: "--ttl", value: "1", low: "0", high: "1")] {
            #expect(error.exitCode == 64)
        }
    }

    @Test func outOfRangeNamesTheSettingAndItsLimits() throws {
        let error = try #require(Self.read(UserNumbers.duration, "106751991167d").failure)
        #expect(error.message == "X must be between 0 and 3650d, not 106751991167d")
        #expect(error.message(naming: "X") == error.message, "not named twice")
        #expect(CachewrapError.badDuration("5x").message(naming: "CACHEWRAP_TTL").hasPrefix("CACHEWRAP_TTL: bad duration '5x'"))
        #expect(UserNumbers.remoteTimeout.limits == ("1ms", "1m"))
        #expect(UserNumbers.entrySize.limits == ("1", "1T") && UserNumbers.stdinSize.limits == ("0", "1G"))
        #expect(UserNumbers.retryTiming.limits.high == "1h" && UserNumbers.retries.limits == ("0", "10"))
        #expect(UserNumbers.retries.format(10) == "10" && UserNumbers.retryTiming.format(1500) == "1500ms")
    }

    @Test func configIntegersAreCheckedToo() {
        #expect((try? UserNumbers.retries.check(10, name: "r")) == 10)
        #expect(throws: CachewrapError.outOfRange(name: "'retries' in [defaults]", value: "-1", low: "0", high: "10")) {
            try UserNumbers.retries.check(-1, name: "'retries' in [defaults]")
        }
    }

    /// The environment fails open: unset and empty are "not given", a bad value is nil (after a
    /// warning), a good one its value.
    @Test func environmentValues() {
        let env = ["GOOD": "2h", "EMPTY": "", "HUGE": "106751991167d", "JUNK": "soon"]
        let read = { (name: String) in UserNumbers.duration.fromEnvironment(name, otherwise: "x", lookup: { env[$0] }) }
        #expect(read("GOOD") == 7200)
        #expect(read("UNSET") == nil && read("EMPTY") == nil && read("HUGE") == nil && read("JUNK") == nil)
    }

    @Test func saturatingArithmeticNeverTraps() {
        #expect(Int64.max.addingSaturating(1) == .max && Int64.min.addingSaturating(-1) == .min)
        #expect(Int64(5).addingSaturating(-7) == -2)
        #expect(Int64.max.multipliedSaturating(by: 2) == .max && Int64.max.multipliedSaturating(by: -2) == .min)
        #expect(Int64.min.multipliedSaturating(by: -1) == .max && Int64(-3).multipliedSaturating(by: 4) == -12)
        #expect(Clock.expiry(createdMs: 1_000, ttlSeconds: 2) == 3_000)
        #expect(Clock.expiry(createdMs: .max - 5, ttlSeconds: 315_360_000) == .max)
        #expect(Clock.expiry(createdMs: 1_700_000_000_000, ttlSeconds: .max) == .max)
    }

    /// A base or hint no environment can give any more, as a caller of `Backoff` still could.
    @Test func backoffSaturatesInsteadOfWrapping() {
        var random = SystemRandomNumberGenerator()
        let huge = Backoff(baseMs: .max / 2, capMs: .max, budgetMs: .max)
        for attempt in [0, 1, 30, 31, 1000, -1] {
            let wait = huge.delay(attempt: attempt, hintSeconds: nil, spentMs: 0, using: &random)
            #expect(wait != nil && wait! >= 0, "attempt \(attempt)")
        }
        #expect(huge.delay(attempt: 0, hintSeconds: .max, spentMs: 0, using: &random) == .max)
        #expect(Backoff(budgetMs: 5_000).delay(attempt: 0, hintSeconds: .max, spentMs: 0, using: &random) == nil)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
