import Foundation
import Testing

@testable import CachewrapCore

/// `--status` and CACHEWRAP_STATUS=1 (issue 15, "Per call"): exactly one line on stderr per
/// wrapped call, naming its outcome, its tool and operation, and the answer's age or the run's
/// time; never a byte on stdout, never without being asked, not silenced by `--quiet`.
@Suite struct StatusLineTests {
    /// A fake gh: reads print `out` and `err`, `gh api` fails as GitHub does when the file
    /// `logs/down` exists, `repo view` fails for good, mutations and logins print one line.
    static let gh = """
        case "$1 $2" in
        "pr create") echo created ;;
        "auth login") echo "logged in" ;;
        "repo view") echo "no such repo" >&2; exit 3 ;;
        "api "*)
          if [ -e "$LOG_DIR/down" ]; then echo "gh: Unavailable (HTTP 503)" >&2; exit 1; fi
          echo '{"id":1}' ;;
        *) i=0; while [ $i -lt 5 ]; do /bin/true; i=$((i+1)); done; printf 'out\\n'; printf 'err\\n' >&2 ;;
        esac
        """

    /// The sandbox with the fake gh and hf, and the environment asking for status lines.
    static func sandbox() throws -> (TestSandbox, [String: String]) {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: gh)
        sb.writeTool("hf", script: "echo downloaded")
        var env = sb.baseEnv()
        env["CACHEWRAP_STATUS"] = "1"
        env["CACHEWRAP_RETRIES"] = "0"
        return (sb, env)
    }

    /// The status lines among a call's stderr: `cachewrap: ` and an outcome.
    static func statusLines(_ result: RunResult) -> [String] {
        result.stderrText.split(separator: "\n").map(String.init).filter { line in
            CallReport.Outcome.allCases.contains { line.hasPrefix("cachewrap: \($0.rawValue) ") }
        }
    }

    /// Runs one call and checks that it printed exactly one status line matching `pattern`
    /// (after `cachewrap: `), and only the tool's bytes on stdout.
    @discardableResult
    static func call(_ args: [String], _ env: [String: String], _ sb: TestSandbox, stdout: String, line pattern: String,
                     stdin: [UInt8]? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
        let result = try cachewrap(args, env: env, cwd: sb.home, stdin: stdin)
        let lines = statusLines(result)
        #expect(lines.count == 1, "one status line for \(args): \(result.stderrText)", sourceLocation: sourceLocation)
        let regex = try Regex("^cachewrap: " + pattern + "$")
        #expect(lines.first?.wholeMatch(of: regex) != nil, "\(args): \(lines)", sourceLocation: sourceLocation)
        #expect(result.stdoutText == stdout, "nothing but the tool's stdout for \(args)", sourceLocation: sourceLocation)
        return result
    }

    /// `0.8s`, `3ms`, `2m`: a run's time or a saving.
    static let time = #"(\d+ms|\d+\.\ds|\d+[mhd])"#
    static let age = #"\d+[smhd]"#

    @Test func aMissThenAHitEachSayOneLine() throws {
        let (sb, env) = try Self.sandbox()
        try Self.call(["gh", "pr", "list"], env, sb, stdout: "out\n", line: #"miss gh pr list \(ran \#(Self.time), stored\)"#)
        let hit = try Self.call(["gh", "pr", "list"], env, sb, stdout: "out\n",
                                line: #"hit gh pr list \(age \#(Self.age), saved \#(Self.time)\)"#)
        #expect(hit.stderrText.hasPrefix("err\n"), "the tool's own stderr first, byte for byte: \(hit.stderrText)")
        try Self.call(["gh", "repo", "view", "o/x"], env, sb, stdout: "",
                      line: #"miss gh repo view \(ran \#(Self.time), not stored: exit 3\)"#)
        try Self.call(["--no-cache", "gh", "pr", "list"], env, sb, stdout: "out\n",
                      line: #"miss gh pr list \(ran \#(Self.time), not stored: --no-cache\)"#)
        #expect(sb.counter("gh") == 3)
    }

    @Test func theOptionDoesWhatTheVariableDoesAndQuietLeavesIt() throws {
        let (sb, asked) = try Self.sandbox()
        var env = asked
        env["CACHEWRAP_STATUS"] = nil
        try Self.call(["--status", "gh", "pr", "list"], env, sb, stdout: "out\n", line: "miss gh pr list .*")
        try Self.call(["--status", "--quiet", "gh", "pr", "list"], env, sb, stdout: "out\n", line: "hit gh pr list .*")
        try Self.call(["--quiet", "gh", "pr", "list"], asked, sb, stdout: "out\n", line: "hit gh pr list .*")
        for args in [["gh", "pr", "list"], ["gh", "pr", "create", "--title", "t", "--body", "b"]] {
            let plain = try cachewrap(args, env: env, cwd: sb.home)
            #expect(!plain.stderrText.contains("cachewrap: "), "off by default: \(plain.stderrText)")
        }
        env["CACHEWRAP_STATUS"] = "0"
        #expect(Self.statusLines(try cachewrap(["gh", "pr", "list"], env: env, cwd: sb.home)).isEmpty)
    }

    /// Mutations run as a child and report after it; everything exec'd reports just before the exec.
    @Test func passedThroughCallsSayWhy() throws {
        let (sb, env) = try Self.sandbox()
        try Self.call(["gh", "pr", "create", "--title", "t", "--body", "b"], env, sb, stdout: "created\n",
                      line: #"passthrough gh pr create \(mutating, ran \#(Self.time)\)"#)
        try Self.call(["gh", "auth", "login"], env, sb, stdout: "logged in\n", line: #"passthrough gh auth login \(interactive\)"#)
        var disabled = env
        disabled["CACHEWRAP_DISABLE"] = "1"
        try Self.call(["gh", "pr", "list"], disabled, sb, stdout: "out\n", line: #"passthrough gh \(CACHEWRAP_DISABLE\)"#)
        sb.writeTool("mytool", script: "echo mine")
        try Self.call(["mytool"], env, sb, stdout: "mine\n", line: #"passthrough mytool \(no policy\)"#)
    }

    @Test func downloadsAndUnkeyableStdinAreUncached() throws {
        let (sb, env) = try Self.sandbox()
        try Self.call(["hf", "download", "org/model"], env, sb, stdout: "downloaded\n", line: #"uncached hf download \(ran \#(Self.time)\)"#)
        sb.writeTool("count", script: "wc -c | tr -d ' '")
        var limited = env
        limited["CACHEWRAP_MAX_STDIN"] = "64K"
        try Self.call(["--", "count"], limited, sb, stdout: "300000\n", line: #"uncached count \(ran \#(Self.time), stdin not keyed\)"#,
                      stdin: [UInt8](repeating: 0x61, count: 300_000))
    }

    /// Stored with `--ttl 0`, the answer is expired at once: a failing run replays it
    /// (stale-if-error), and so does `--offline`; with nothing cached `--offline` says so.
    @Test func expiredAnswersAndOfflineCallsSayWhatAnswered() throws {
        let (sb, env) = try Self.sandbox()
        try Self.call(["--ttl", "0", "gh", "api", "repos/o/r"], env, sb, stdout: "{\"id\":1}\n", line: "miss gh api .*")
        try Data().write(to: URL(fileURLWithPath: sb.logDir + "/down"))
        try Self.call(["gh", "api", "repos/o/r"], env, sb, stdout: "{\"id\":1}\n",
                      line: #"stale gh api \(age \#(Self.age), the run failed: replayed an expired answer\)"#)
        try Self.call(["--offline", "gh", "api", "repos/o/r"], env, sb, stdout: "{\"id\":1}\n",
                      line: #"stale gh api \(age \#(Self.age), --offline: replayed an expired answer\)"#)
        let none = try Self.call(["--offline", "gh", "pr", "view", "7"], env, sb, stdout: "", line: #"offline gh pr view \(nothing cached\)"#)
        #expect(none.status == 69)
        try Self.call(["--offline", "gh", "pr", "create", "--title", "t", "--body", "b"], env, sb, stdout: "",
                      line: #"offline gh pr create \(mutating: never cached\)"#)
        #expect(sb.counter("gh") == 2, "the first call and the failed one ran gh; nothing else did")
    }

    /// A team-cache hit is a hit, said so; machine A's run is a miss.
    @Test func aTeamCacheHitSaysTeam() throws {
        let server = try RedisServer()
        defer { server.stop() }
        let tools = try TestSandbox(), a = try TestSandbox(), b = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        _ = try TeamCacheTests.runOnA(a, tools: tools, server: server)
        var envB = TeamCacheTests.env(b, tools: tools, remote: "redis://127.0.0.1:\(server.port)")
        envB["CACHEWRAP_STATUS"] = "1"
        let hit = try cachewrap(["--", "fakeTool", "arg"], env: envB, cwd: tools.root)
        #expect(hit.status == 0 && tools.counter("fakeTool") == 1)
        let lines = Self.statusLines(hit)
        let regex = try Regex(#"cachewrap: hit fakeTool \(team cache, age \#(Self.age), saved \#(Self.time)\)"#)
        #expect(lines.count == 1 && lines.first?.wholeMatch(of: regex) != nil, "\(hit.stderrText)")
    }
}
