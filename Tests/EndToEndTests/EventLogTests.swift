import Foundation
import Testing

@testable import CachewrapCore

/// CACHEWRAP_LOG (issue 15, "Event log"; docs/event-log.md): one JSON line appended per wrapped
/// call, whole even when hundreds of processes share the file, with nothing of the argv in it,
/// and a log that cannot be written never fails the call.
@Suite struct EventLogTests {
    /// The log's lines, each parsed; a line that is not one JSON object fails the test.
    static func entries(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"), "every line ends with its newline", sourceLocation: sourceLocation)
        return try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)",
                         sourceLocation: sourceLocation)
        }
    }

    static func int(_ entry: [String: Any], _ field: String) -> Int? { (entry[field] as? NSNumber)?.intValue }

    /// A sandbox with `StatusLineTests.gh`, its environment logging to the returned path.
    static func sandbox() throws -> (TestSandbox, [String: String], String) {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: StatusLineTests.gh)
        var env = sb.baseEnv()
        let log = sb.root + "/events.jsonl"
        env["CACHEWRAP_LOG"] = log
        return (sb, env, log)
    }

    @Test func aMissThenTwoHitsAreThreeLines() throws {
        let (sb, env, log) = try Self.sandbox()
        let args = ["gh", "pr", "list", "--search", "hunter2-secret"]
        let results = try (0..<3).map { _ in try cachewrap(args, env: env, cwd: sb.home) }
        #expect(results.allSatisfy { $0.status == 0 && $0.stdoutText == "out\n" && $0.stderrText == "err\n" },
                "the log adds nothing to the call's output: \(results.map(\.stderrText))")
        #expect(sb.counter("gh") == 1)
        let lines = try Self.entries(log)
        try #require(lines.count == 3)
        #expect(lines.map { $0["outcome"] as? String } == ["miss", "hit", "hit"])
        let cid = try #require(lines[0]["cid"] as? String)
        #expect(cid.hasPrefix("bafkrei") && lines.allSatisfy { $0["cid"] as? String == cid }, "one key: \(lines)")
        for line in lines {
            #expect(Self.int(line, "v") == 1 && line["tool"] as? String == "gh" && line["op"] as? String == "pr list")
            #expect((line["ts"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(line)")
            #expect(Self.int(line, "bytes") == 8 && Self.int(line, "exit") == 0, "out\\n and err\\n: \(line)")
        }
        let ran = try #require(Self.int(lines[0], "duration_ms"))
        #expect(lines[0]["age_ms"] is NSNull && Self.int(lines[0], "saved_ms") == 0 && ran > 0, "\(lines[0])")
        for hit in lines.dropFirst() {
            #expect((Self.int(hit, "age_ms") ?? -1) >= 0, "\(hit)")
            #expect(Self.int(hit, "duration_ms") == ran && Self.int(hit, "saved_ms") == ran, "a hit saves the stored run: \(hit)")
        }
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(!text.contains("hunter2") && !text.contains("--search"), "never the argv: \(text)")
        let mode = try FileManager.default.attributesOfItem(atPath: log)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// 200 calls at once, from a shell that starts them all before it waits for any: 200 whole
    /// lines. 20 keys, so most calls wait for another's run (single flight) and replay it.
    @Test func twoHundredConcurrentCallsAppendTwoHundredWholeLines() throws {
        let sb = try TestSandbox()
        sb.writeTool("par", script: #"printf 'answer %s\n' "$1""#)
        let log = sb.root + "/events.jsonl"
        let script = #"i=0; while [ $i -lt 200 ]; do "$CW" -- par $((i % 20)) > /dev/null & i=$((i+1)); done; wait"#
        let result = try StdinTests.shell(sb, script, env: ["CACHEWRAP_LOG": log], timeout: 600)
        #expect(result.status == 0 && !result.timedOut && result.stderrText.isEmpty, "\(result.stderrText)")
        let lines = try Self.entries(log)
        #expect(lines.count == 200)
        #expect(lines.allSatisfy { ["hit", "miss"].contains($0["outcome"] as? String) && $0["tool"] as? String == "par" })
        #expect(lines.filter { $0["outcome"] as? String == "miss" }.count == sb.counter("par"), "each run is one miss line")
        #expect(Set(lines.compactMap { $0["cid"] as? String }).count == 20)
    }

    @Test func aLogThatCannotBeWrittenCostsOneWarning() throws {
        var (sb, env, _) = try Self.sandbox()
        env["CACHEWRAP_LOG"] = sb.root + "/no-such-dir/events.jsonl"
        for _ in 0..<2 {
            let result = try cachewrap(["gh", "pr", "list"], env: env, cwd: sb.home)
            #expect(result.status == 0 && result.stdoutText == "out\n", "\(result.stderrText)")
            let warnings = result.stderrText.split(separator: "\n").filter { $0.hasPrefix("cachewrap: warning: ") }
            #expect(warnings.count == 1 && warnings[0].contains("event log"), "\(result.stderrText)")
        }
        #expect(sb.counter("gh") == 1, "the hit was a hit")
        let quiet = try cachewrap(["--quiet", "gh", "pr", "list"], env: env, cwd: sb.home)
        #expect(quiet.status == 0 && quiet.stderrText == "err\n")
    }

    /// The refresh a `--stale` hit starts in the background is no call of the user's: it
    /// writes no line (its parent's hit did) and prints nothing.
    @Test func aBackgroundRefreshWritesNothing() throws {
        var (sb, env, log) = try Self.sandbox()
        env["CACHEWRAP_STATUS"] = "1"
        _ = try cachewrap(["gh", "pr", "list"], env: env, cwd: sb.home)
        let stale = try cachewrap(["--stale", "0", "gh", "pr", "list"], env: env, cwd: sb.home)
        #expect(try sb.waitForHelpers().started == ["--refresh"])
        #expect(sb.counter("gh") == 2, "the refresh ran gh")
        #expect(StatusLineTests.statusLines(stale).count == 1, "\(stale.stderrText)")
        #expect(try Self.entries(log).map { $0["outcome"] as? String } == ["miss", "hit"])
    }

    /// docs/event-log.md names every field a line has and every outcome there is.
    @Test func theSchemaDocumentNamesEveryFieldAndOutcome() throws {
        let doc = try String(contentsOfFile: TeamCacheAccessTests.root + "/docs/event-log.md", encoding: .utf8)
        let line = CallReport(outcome: .hit, tool: "gh", operation: nil).jsonLine(nowMs: 0)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]).keys
        for name in Array(fields) + CallReport.Outcome.allCases.map(\.rawValue) {
            #expect(doc.contains("| `\(name)` |"), "docs/event-log.md has no row for \(name)")
        }
        #expect(doc.contains("`v` is \(CallReport.schemaVersion)"))
    }
}
