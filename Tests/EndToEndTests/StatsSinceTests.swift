import Foundation
import Testing

@testable import CachewrapCore

/// `cachewrap stats --since DUR` through the built binary: the window is read from the hourly
/// counters, so counts made long ago (through the store's own API, at a stated time: nothing
/// waits for a clock) are outside `--since 1h` and inside `--since 7d`; `days` names each day
/// of the window; a bad duration is a usage error.
@Suite struct StatsSinceTests {
    static let hour: Int64 = 3_600_000, day: Int64 = 86_400_000

    /// A sandbox whose gh made one miss and two hits just now, through the binary, and whose
    /// store holds older counts: 3 hours, 2 days and 8 days ago.
    static func sandbox() throws -> (TestSandbox, now: Int64) {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "echo \"gh says $*\"")
        for _ in 0..<3 { #expect(try cachewrap(["gh", "pr", "list"], env: env(sb)).status == 0) }
        #expect(sb.counter("gh") == 1)
        let now = Clock.nowMs()
        let store = try Store(location: CacheLocation(directory: sb.cacheDir))
        try store.count(tool: "gh", [.hits: 10, .callsSaved: 10, .misses: 1], atMs: now - 3 * hour)
        try store.count(tool: "gh", [.hits: 100, .callsSaved: 100, .timeSavedMs: 5000], atMs: now - 2 * day)
        try store.count(tool: "hf", [.hits: 1000, .callsSaved: 1000], atMs: now - 8 * day)
        return (sb, now)
    }

    /// Dates as the binary names them: TZ is UTC in its environment.
    static func env(_ sb: TestSandbox) -> [String: String] { sb.baseEnv().merging(["TZ": "UTC"]) { $1 } }

    static func date(_ ms: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    static func stats(_ args: [String], _ sb: TestSandbox) throws -> [String: Any] {
        let result = try cachewrap(["stats", "--json"] + args, env: env(sb))
        #expect(result.status == 0, "\(result.stderrText)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any], "\(result.stdoutText)")
    }

    static func days(_ doc: [String: Any]) -> [(date: String, saved: Int)] {
        ((doc["days"] as? [[String: Any]]) ?? []).map { ($0["date"] as? String ?? "?", $0["calls_saved"] as? Int ?? -1) }
    }

    @Test func theLastHourCountsOnlyItsWindow() throws {
        let (sb, now) = try Self.sandbox()
        let doc = try Self.stats(["--since", "1h"], sb)
        #expect(doc["hits"] as? Int == 2 && doc["misses"] as? Int == 1 && doc["calls_made"] as? Int == 1, "\(doc)")
        let gh = try #require((doc["tools"] as? [String: Any])?["gh"] as? [String: Any])
        #expect(gh["calls_saved"] as? Int == 2 && gh["entries"] as? Int == 1, "the store's size is now's: \(gh)")
        #expect(try #require(doc["since_ms"] as? Int) <= Int(now - Self.hour) && (doc["since_ms"] as? Int ?? 0) % Int(Self.hour) == 0)
        let days = Self.days(doc)
        #expect(days.map(\.date).last == Self.date(now) && days.map(\.saved).reduce(0, +) == 2, "\(days)")
        #expect(days.count <= 2, "one hour reaches at most into yesterday: \(days)")
    }

    @Test func aWeekIncludesTheOlderCounts() throws {
        let (sb, now) = try Self.sandbox()
        let week = try Self.stats(["--since", "7d"], sb)
        #expect(week["hits"] as? Int == 112 && week["misses"] as? Int == 2 && week["time_saved_ms"] as? Int ?? 0 >= 5000, "\(week)")
        #expect((week["tools"] as? [String: Any])?["hf"] == nil, "hf's count of 8 days ago is outside the week")
        let days = Self.days(week)
        #expect(days.count == 8, "seven days back from this hour, this day included: \(days)")
        #expect(days.first?.date == Self.date(now - 7 * Self.day) && days.last?.date == Self.date(now))
        #expect(days.first { $0.date == Self.date(now - 2 * Self.day) }?.saved == 100, "\(days)")
        #expect(days.first { $0.date == Self.date(now) }?.saved ?? 0 >= 2, "today: the binary's hits, perhaps the 3h-old ones too")
        #expect(days.map(\.saved).reduce(0, +) == 112)

        let lifetime = try Self.stats([], sb)
        #expect(lifetime["hits"] as? Int == 1112 && lifetime["since_ms"] == nil, "\(lifetime)")
        #expect(Self.days(lifetime).count == 7 && Self.days(lifetime).map(\.saved).reduce(0, +) == 112,
                "without --since: the last 7 days, hf's 8-day-old count not among them")

        let text = try cachewrap(["stats", "--since", "7d"], env: Self.env(sb)).stdoutText
        #expect(text.contains("  \(Self.date(now - 2 * Self.day))  ▇▇▇▇▇▇▇▇▇▇     100     5.0s"), "\(text)")
        #expect(text.contains("(--since 7d, in whole hours)") && text.contains("gh              ≥ 112 requests"), "\(text)")
    }

    @Test(arguments: ["5x", "0", "91d", "-1h", ""])
    func aBadDurationIsAUsageError(_ value: String) throws {
        let sb = try TestSandbox()
        let result = try cachewrap(["stats", "--since", value], env: sb.baseEnv())
        #expect(result.status == 64 && result.stdout.isEmpty, "\(value): \(result.stderrText)")
        #expect(result.stderrText.hasPrefix("cachewrap: "), "\(result.stderrText)")
    }
}
