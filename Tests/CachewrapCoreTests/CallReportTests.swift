import Foundation
import Testing

@testable import CachewrapCore

/// The words and the JSON of a call's report (`CallReport`): one status line per outcome, as
/// the README shows them, and event-log lines that any JSON reader parses to the documented
/// fields (docs/event-log.md).
@Suite struct CallReportTests {
    static let cid = "bafkreib6he7w5pyidhmntg3miycmkiotnftijfupffmzxirrz34wn5tcly"

    static func report(_ outcome: CallReport.Outcome, _ fill: (inout CallReport) -> Void) -> CallReport {
        var report = CallReport(outcome: outcome, tool: "gh", operation: "pr list")
        fill(&report)
        return report
    }

    static let hit = report(.hit) {
        $0.cid = Self.cid; $0.ageMs = 42_300; $0.durationMs = 812; $0.savedMs = 812; $0.bytes = 1024; $0.exit = 0
    }

    @Test func everyOutcomeHasItsLine() {
        let lines: [(CallReport, String)] = [
            (Self.hit, "hit gh pr list (age 42s, saved 0.8s)"),
            (Self.report(.hit) { $0.ageMs = 7_200_000; $0.savedMs = 1500; $0.detail = "team cache" },
             "hit gh pr list (team cache, age 2h, saved 1.5s)"),
            (Self.report(.miss) { $0.durationMs = 812; $0.exit = 0; $0.detail = "stored" }, "miss gh pr list (ran 0.8s, stored)"),
            (Self.report(.miss) { $0.durationMs = 812; $0.exit = 1; $0.detail = "not stored: exit 1" },
             "miss gh pr list (ran 0.8s, not stored: exit 1)"),
            (Self.report(.stale) { $0.ageMs = 3 * 3_600_000; $0.durationMs = 900; $0.detail = "the run failed: replayed an expired answer" },
             "stale gh pr list (age 3h, the run failed: replayed an expired answer)"),
            (CallReport(outcome: .passthrough, tool: "gh", operation: "pr create", durationMs: 1234, exit: 0, detail: "mutating"),
             "passthrough gh pr create (mutating, ran 1.2s)"),
            (CallReport(outcome: .passthrough, tool: "gh", operation: "pr create", durationMs: 1234, exit: 1, detail: "mutating"),
             "passthrough gh pr create (mutating, ran 1.2s, exit 1)"),
            (CallReport(outcome: .passthrough, tool: "gh", operation: "auth login", detail: "interactive"),
             "passthrough gh auth login (interactive)"),
            (CallReport(outcome: .passthrough, tool: "mytool", operation: nil, detail: "no policy"), "passthrough mytool (no policy)"),
            (CallReport(outcome: .uncached, tool: "hf", operation: "download", durationMs: 12_140, exit: 0),
             "uncached hf download (ran 12.1s)"),
            (CallReport(outcome: .uncached, tool: "hf", operation: "download", durationMs: 130_000, exit: 2),
             "uncached hf download (ran 2m, exit 2)"),
            (Self.report(.offline) { $0.exit = 69; $0.detail = "nothing cached" }, "offline gh pr list (nothing cached)"),
            (CallReport(outcome: .miss, tool: "ls", operation: "ls", durationMs: 3, exit: 0, detail: "stored"), "miss ls (ran 3ms, stored)"),
        ]
        for (report, line) in lines { #expect(report.statusLine == line) }
    }

    @Test func timesReadAsAPersonWouldSayThem() {
        #expect([0, 7, 99, 100, 850, 12_149, 119_999, 120_000, 7_200_000].map(CallReport.time)
                == ["0ms", "7ms", "99ms", "0.1s", "0.8s", "12.1s", "119.9s", "2m", "2h"])
        #expect([0, 999, 42_900, 180_000].map(CallReport.age) == ["0s", "0s", "42s", "3m"])
    }

    @Test func timestampsAreRFC3339InUTCWithMilliseconds() {
        #expect(CallReport.timestamp(ms: 0) == "1970-01-01T00:00:00.000Z")
        #expect(CallReport.timestamp(ms: 1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(CallReport.timestamp(ms: 951_825_600_007) == "2000-02-29T12:00:00.007Z", "a leap day")
        #expect(CallReport.timestamp(ms: -1) == "1969-12-31T23:59:59.999Z")
    }

    /// Canonical JSON (sorted keys, no blanks), one line, every documented field present.
    @Test func aLogLineIsOneJSONObjectWithTheDocumentedFields() throws {
        let line = Self.hit.jsonLine(nowMs: 1_700_000_000_123)
        #expect(line == #"{"age_ms":42300,"bytes":1024,"cid":"\#(Self.cid)","duration_ms":812,"exit":0,"op":"pr list","#
                + #""outcome":"hit","saved_ms":812,"tool":"gh","ts":"2023-11-14T22:13:20.123Z","v":1}"# + "\n")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(Set(parsed.keys) == ["v", "ts", "tool", "op", "outcome", "cid", "age_ms", "duration_ms", "saved_ms", "bytes", "exit"])
    }

    @Test func whatIsUnknownIsNull() throws {
        let exec = CallReport(outcome: .passthrough, tool: "gh\"\n", operation: nil, detail: "no policy")
        let line = exec.jsonLine(nowMs: 0)
        #expect(line.filter { $0 == "\n" }.count == 1 && line.hasSuffix("}\n"), "a tool's odd name stays inside its string")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        for field in ["op", "cid", "age_ms", "duration_ms", "bytes", "exit"] {
            #expect(parsed[field] is NSNull, "\(field): \(line)")
        }
        #expect(parsed["saved_ms"] as? Int == 0 && parsed["tool"] as? String == "gh\"\n")
    }

    /// Appended, never replaced; a new file is private to the user.
    @Test func theLogIsAppendedToAndCreatedPrivate() throws {
        var template = Array("/tmp/cachewrap-eventlog.XXXXXX".utf8CString)
        let dir = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/events.jsonl"
        EventLog.append("one\n", to: path)
        EventLog.append("two\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\ntwo\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func statusIsAWrapperOption() throws {
        let (options, index) = try WrapOptions.parse(["--status", "--quiet", "gh"].map { Argument($0) })
        #expect(options.status && options.quiet && index == 2)
        #expect(throws: CachewrapError.unknownOption("--status=1")) { try WrapOptions.parse([Argument("--status=1"), Argument("gh")]) }
    }
}
