import Foundation
import Testing

/// Rate limits and flaky servers (docs/architecture.md, Retries): transient failures are retried with backoff, the
/// user sees one clean answer, mutations are never retried, and a failure after the last retry
/// either passes through unchanged or, within the window, is answered by the expired entry.
@Suite struct ResilienceTests {
    /// A fake GitHub whose `repos/o/r` fails with `failing` for the first `failures` requests
    /// (Int.max: forever), then answers.
    static func flakyGitHub(failures: Int, failing: Int = 502, delay: Double = 0) throws -> FakeHTTPServer {
        let seen = Counter()
        return try FakeHTTPServer { req in
            var response: FakeHTTPServer.Response = seen.next() <= failures
                ? .json(#"{"message":"Server Error"}"#, status: failing)
                : .json(#"{"id":4242,"full_name":"o/r","attempt":"\#(seen.value)"}"#)
            response.delay = delay
            return response
        }
    }

    static func env(_ sb: TestSandbox, _ server: FakeHTTPServer, extra: [String: String] = [:]) throws -> [String: String] {
        _ = try ghWorkDir(sb)
        return ghEnvironment(sb, server).merging(["CACHEWRAP_RETRY_BASE": "100ms"].merging(extra) { $1 }) { $1 }
    }

    @Test func ghRecoversFromTwo502sWithExactlyThreeRequests() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox(), server = try Self.flakyGitHub(failures: 2)
        defer { server.stop() }
        let env = try Self.env(sb, server)
        let result = try cachewrap(["gh", "api", "repos/o/r"], env: env, cwd: sb.root)
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(server.requestCount() == 3)
        #expect(result.stdoutText == #"{"id":4242,"full_name":"o/r","attempt":"3"}"#, "only the answer, no error body")
        #expect(result.stderrText.contains("cachewrap: gh: HTTP 502 — retry 1/3 in "), "\(result.stderrText)")
        #expect(result.stderrText.contains("retry 2/3"), "\(result.stderrText)")
        #expect(!result.stderrText.contains("gh: Server Error"), "the failed attempts are not shown")
        let again = try cachewrap(["gh", "api", "repos/o/r"], env: env, cwd: sb.root)
        #expect(again.stdout == result.stdout && server.requestCount() == 3, "the recovered answer was stored")
        let stats = try cachewrap(["stats", "--json"], env: env)
        let doc = try JSONSerialization.jsonObject(with: Data(stats.stdout)) as? [String: Any]
        #expect(doc?["retries"] as? Int == 2 && doc?["recovered_by_retry"] as? Int == 1, "\(stats.stdoutText)")
    }

    @Test func ghGivesUpWithinTheBudgetAndPassesItsOwnErrorThrough() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox(), server = try Self.flakyGitHub(failures: Int.max)
        defer { server.stop() }
        let env = try Self.env(sb, server, extra: ["CACHEWRAP_RETRY_BASE": "1s", "CACHEWRAP_RETRY_BUDGET": "2s"])
        let result = try cachewrap(["gh", "api", "repos/o/r"], env: env, cwd: sb.root)
        #expect(result.status == 1, "gh's own exit code")
        #expect(result.stderrText.contains("gh: Server Error (HTTP 502)"), "\(result.stderrText)")
        #expect(result.stdoutText.contains("Server Error"), "gh's error body on stdout, as gh prints it")
        // The waits cachewrap announced, not the clock: together they stay inside the budget,
        // and each retry announced is one more request.
        let waits = result.stderrText.matches(of: /retry \d\/3 in (\d+)\.(\d)s/).map { Int($0.1)! * 10 + Int($0.2)! }
        #expect(waits.reduce(0, +) <= 20, "the 2 s budget bounds the waits: \(result.stderrText)")
        #expect((2...4).contains(server.requestCount()) && server.requestCount() == waits.count + 1, "\(result.stderrText)")
        #expect(try sb.storedEntries(env) == 0)
    }

    @Test func postIsNeverRetried() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox(), server = try Self.flakyGitHub(failures: Int.max)
        defer { server.stop() }
        let result = try cachewrap(["gh", "api", "-X", "POST", "repos/o/r/issues", "-f", "title=x"],
                                   env: try Self.env(sb, server), cwd: sb.root)
        #expect(result.status == 1)
        #expect(server.requestCount() == 1, "a mutation is never retried")
    }

    @Test func hfHonoursTheServersRetryAfterHint() throws {
        let sb = try PythonClient.hf.sandbox()
        let seen = Counter()
        let server = try FakeHTTPServer { req in
            guard req.path.hasPrefix("/api/models/gpt2") else { return .json(#"{"error":"Not Found"}"#, status: 404) }
            if seen.next() == 1 {
                var limited = FakeHTTPServer.Response.json(#"{"error":"rate limited"}"#, status: 429)
                limited.headers += [("ratelimit", #""api";r=0;t=1"#), ("ratelimit-policy", #""fixed window";"api";q=500;w=300"#)]
                return limited
            }
            return .json(#"{"id":"gpt2","modelId":"gpt2","sha":"abc","private":false,"tags":[],"siblings":[]}"#)
        }
        defer { server.stop() }
        var env = sb.baseEnv()
        env["HF_ENDPOINT"] = "http://127.0.0.1:\(server.port)"
        env["HF_HUB_DISABLE_UPDATE_CHECK"] = "1"
        env["HF_HOME"] = sb.root + "/hf-home"
        env["HF_TOKEN"] = "hf_test"
        let result = try cachewrap(["hf", "models", "info", "gpt2"], env: env)
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText.contains("gpt2"))
        #expect(result.stderrText.contains("retry 1/3 in 1.0s"), "the hint, not a random jitter: \(result.stderrText)")
        #expect(seen.value == 2)
    }

    /// Stored with `--ttl 0`, the entry is expired from the start, so no call waits for it to
    /// expire; only "past the window" needs time to pass, and the test waits for `ls` to report
    /// that age rather than sleeping for it.
    @Test func expiredEntryAnswersWhenTheServerFailsWithinTheWindow() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let failing = Flag()
        let server = try FakeHTTPServer { _ in
            failing.isSet ? .json(#"{"message":"Unavailable"}"#, status: 503) : .json(#"{"id":1,"name":"fresh"}"#)
        }
        defer { server.stop() }
        let env = try Self.env(sb, server, extra: ["CACHEWRAP_RETRIES": "1"])
        let first = try cachewrap(["--ttl", "0", "gh", "api", "repos/o/r"], env: env, cwd: sb.root)
        #expect(first.status == 0)
        failing.set()
        let stale = try cachewrap(["gh", "api", "repos/o/r"], env: env, cwd: sb.root)
        #expect(stale.status == 0 && stale.stdout == first.stdout, "\(stale.stderrText)")
        #expect(stale.stderrText.contains(/gh failed \(.*\); replaying the result cached \d+s ago/), "\(stale.stderrText)")
        #expect(!stale.stderrText.contains("gh: Unavailable"), "the failure itself is not shown")

        // Expired at creation, so 2 s of age is more than the 1 s window past its expiry.
        let aged = try eventually { try Self.onlyEntryAge(env) >= 2 }
        try #require(aged, "the entry never reached 2 s of age")
        let outside = try cachewrap(["--stale-if-error", "1s", "gh", "api", "repos/o/r"], env: env, cwd: sb.root)
        #expect(outside.status == 1, "past the window, gh's failure passes through")
        #expect(outside.stderrText.contains("(HTTP 503)"), "\(outside.stderrText)")
        let stats = try cachewrap(["stats", "--json"], env: env)
        let doc = try JSONSerialization.jsonObject(with: Data(stats.stdout)) as? [String: Any]
        #expect(doc?["stale_served"] as? Int == 1, "\(stats.stdoutText)")
    }

    /// `age_seconds` of the one entry `ls --json` lists (-1 when there is not exactly one).
    static func onlyEntryAge(_ env: [String: String]) throws -> Int {
        let ls = try cachewrap(["ls", "--json"], env: env)
        let entries = (try? JSONSerialization.jsonObject(with: Data(ls.stdout))) as? [[String: Any]] ?? []
        return entries.count == 1 ? entries[0]["age_seconds"] as? Int ?? -1 : -1
    }
}

/// A thread-safe request counter for fake servers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    /// Counts one more and returns the new total (1 for the first).
    func next() -> Int { lock.withLock { count += 1; return count } }
}

/// A switch a test flips while a fake server runs.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var on = false
    var isSet: Bool { lock.withLock { on } }
    func set() { lock.withLock { on = true } }
}
