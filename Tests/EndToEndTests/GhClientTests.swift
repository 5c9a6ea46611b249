import Foundation
import Testing

// End-to-end tests of `cachewrap gh api …` with the *real* gh (Debian's 2.23) talking to a
// FakeHTTPServer that acts as its HTTP proxy (docs/architecture.md, Real clients in tests): with `GH_HOST=github.localhost` gh sends
// plain HTTP to the proxy as `GET http://api.github.localhost/<path>`, so the server's `path` is the
// API path and counting requests tells how often gh really ran.
//
// Request shapes observed from gh 2.23 on this machine (what the handlers below rely on):
// - `gh api repos/o/r`                         → `GET /repos/o/r`, no body
// - `gh api -X POST repos/o/r/issues -f title=x` → `POST /repos/o/r/issues`, body `{"title":"x"}`
// - `gh api repos/o/r/issues -f title=x`       → the same POST (fields without -X GET mean POST)
// - `gh api -X GET search/issues -f q=bug`     → `GET /search/issues?q=bug`, no body
// Every request carries `Authorization: token <GH_TOKEN>` and `Host: api.github.localhost`.
// gh prints the JSON body as received (no trailing newline when stdout is a pipe); on an HTTP error
// it prints the body on stdout, `gh: <message> (HTTP NNN)` on stderr, and exits 1.

/// The JSON body the fake GitHub answers for a repository; distinctive, so a replay is recognisable.
private let repoBody = #"{"id":4242,"full_name":"o/r","private":false,"description":"cachewrap e2e"}"#

/// Parses `text` as a JSON object (stats) or array (ls); records an issue and returns nil otherwise.
private func parseJSON(_ result: RunResult, sourceLocation: SourceLocation = #_sourceLocation) -> Any? {
    guard let value = try? JSONSerialization.jsonObject(with: Data(result.stdout)) else {
        Issue.record("not JSON (exit \(result.status)): \(result.stdoutText) / stderr: \(result.stderrText)",
                     sourceLocation: sourceLocation)
        return nil
    }
    return value
}

/// One line per request, for failure messages: method, path and body.
private func describe(_ requests: [FakeHTTPServer.Request]) -> String {
    requests.map { "\($0.method) \($0.path) \($0.bodyText)" }.joined(separator: "; ")
}

@Suite("gh api through cachewrap against a fake GitHub")
struct GhClientTests {
    @Test("GET is cached: two calls, one request, identical replay, stats 1 hit 1 miss")
    func getIsCached() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let server = try FakeHTTPServer { req in
            req.method == "GET" && req.path == "/repos/o/r" ? .json(repoBody) : .json(#"{"message":"Not Found"}"#, status: 404)
        }
        defer { server.stop() }
        let env = ghEnvironment(sb, server), cwd = try ghWorkDir(sb)

        let first = try cachewrap(["gh", "api", "repos/o/r"], env: env, cwd: cwd)
        let second = try cachewrap(["gh", "api", "repos/o/r"], env: env, cwd: cwd)

        #expect(first.status == 0, "first: \(first.stderrText)")
        #expect(second.status == 0, "second: \(second.stderrText)")
        #expect(first.stdoutText.contains(#""full_name":"o/r""#), "gh printed: \(first.stdoutText)")
        #expect(first.stdout == second.stdout)
        #expect(first.stderr == second.stderr)
        #expect(server.requestCount(pathPrefix: "/repos/o/r") == 1, "requests: \(describe(server.requests))")
        #expect(server.requests.count == 1, "requests: \(describe(server.requests))")

        let stats = try cachewrap(["stats", "--json"], env: env, cwd: cwd)
        #expect(stats.status == 0)
        let doc = parseJSON(stats) as? [String: Any]
        #expect(doc?["hits"] as? Int == 1, "stats: \(stats.stdoutText)")
        #expect(doc?["misses"] as? Int == 1, "stats: \(stats.stdoutText)")
    }

    /// `-X POST` and fields without `-X` (gh then sends POST) are never cached: two calls, two
    /// POSTs, nothing stored.
    @Test(arguments: [
        ["gh", "api", "-X", "POST", "repos/o/r/issues", "-f", "title=x"],
        ["gh", "api", "repos/o/r/issues", "-f", "title=x"],
    ])
    func postPassesThrough(args: [String]) throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let server = try FakeHTTPServer { req in
            req.method == "POST" ? .json(#"{"number":7,"title":"x"}"#, status: 201) : .json(#"{"message":"Not Found"}"#, status: 404)
        }
        defer { server.stop() }
        let env = ghEnvironment(sb, server), cwd = try ghWorkDir(sb)

        let first = try cachewrap(args, env: env, cwd: cwd)
        let second = try cachewrap(args, env: env, cwd: cwd)

        #expect(first.status == 0, "first: \(first.stderrText)")
        #expect(second.status == 0, "second: \(second.stderrText)")
        let posts = server.requests.filter { $0.method == "POST" && $0.path == "/repos/o/r/issues" }
        #expect(posts.count == 2 && server.requests.count == 2, "requests: \(describe(server.requests))")
        #expect(posts.allSatisfy { $0.bodyText.contains(#""title":"x""#) }, "requests: \(describe(server.requests))")

        let ls = try cachewrap(["ls", "--json"], env: env, cwd: cwd)
        #expect(ls.status == 0, "ls: \(ls.stderrText)")
        let entries = parseJSON(ls) as? [Any]
        #expect(entries?.isEmpty == true, "ls: \(ls.stdoutText)")
    }

    @Test("a different GH_TOKEN is a different entry; the first token still hits")
    func tokenIsPartOfTheKey() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let server = try FakeHTTPServer { req in
            // Answer per identity, as GitHub would (private data differs per token).
            let auth = req.header("Authorization") ?? "none"
            return .json(#"{"id":4242,"full_name":"o/r","seen_auth":"\#(auth)"}"#)
        }
        defer { server.stop() }
        let cwd = try ghWorkDir(sb)
        let envA = ghEnvironment(sb, server, token: "token-alpha"), envB = ghEnvironment(sb, server, token: "token-beta")

        let a1 = try cachewrap(["gh", "api", "repos/o/r"], env: envA, cwd: cwd)
        let b1 = try cachewrap(["gh", "api", "repos/o/r"], env: envB, cwd: cwd)
        #expect(a1.status == 0, "a1: \(a1.stderrText)")
        #expect(b1.status == 0, "b1: \(b1.stderrText)")
        #expect(server.requestCount(pathPrefix: "/repos/o/r") == 2, "requests: \(describe(server.requests))")
        #expect(b1.stdoutText.contains("token-beta"), "token B must not get token A's answer: \(b1.stdoutText)")

        let a2 = try cachewrap(["gh", "api", "repos/o/r"], env: envA, cwd: cwd)
        #expect(a2.status == 0, "a2: \(a2.stderrText)")
        #expect(a2.stdout == a1.stdout)
        #expect(server.requestCount(pathPrefix: "/repos/o/r") == 2, "requests: \(describe(server.requests))")
        let auths = server.requests.compactMap { $0.header("Authorization") }
        #expect(auths == ["token token-alpha", "token token-beta"], "Authorization headers seen: \(auths)")
    }

    @Test("the token is never stored in plain text, nor shown by `key --json`")
    func tokenNeverStoredInPlainText() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let secret = "some-secret-value-123"
        let server = try FakeHTTPServer { _ in .json(repoBody) }
        defer { server.stop() }
        let env = ghEnvironment(sb, server, token: secret), cwd = try ghWorkDir(sb)

        let first = try cachewrap(["gh", "api", "repos/o/r"], env: env, cwd: cwd)
        let second = try cachewrap(["gh", "api", "repos/o/r"], env: env, cwd: cwd)
        #expect(first.status == 0, "first: \(first.stderrText)")
        #expect(second.status == 0 && second.stdout == first.stdout)
        #expect(server.requestCount() == 1, "the entry must be stored for this test to mean anything")
        #expect(server.requests.first?.header("Authorization") == "token \(secret)")

        // Every file under the cache dir, byte by byte: cache.db, its -wal and -shm, outputs, locks.
        let needle = Array(secret.utf8)
        var scanned: [String] = []
        let fm = FileManager.default
        let files = fm.enumerator(atPath: sb.cacheDir)?.compactMap { $0 as? String } ?? []
        for rel in files {
            let path = sb.cacheDir + "/" + rel
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                  let data = fm.contents(atPath: path) else { continue }
            scanned.append(rel)
            let bytes = [UInt8](data)
            let found = bytes.count >= needle.count
                && (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
            #expect(!found, "the token appears in plain text in \(rel)")
        }
        #expect(scanned.contains { $0.hasSuffix("cache.db") || $0.hasSuffix(".db") }, "no database found; scanned: \(scanned)")

        let key = try cachewrap(["key", "--json", "gh", "api", "repos/o/r"], env: env, cwd: cwd)
        #expect(key.status == 0, "key: \(key.stderrText)")
        #expect(key.stdoutText.contains("bafkrei"), "key: \(key.stdoutText)")
        #expect(!key.stdoutText.contains(secret), "key --json shows the token: \(key.stdoutText)")
        #expect(!key.stderrText.contains(secret))
    }

    @Test("an HTTP 404 passes through with gh's exit code and message, and is not stored")
    func httpErrorPassesThroughUncached() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let server = try FakeHTTPServer { _ in
            .json(#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}"#, status: 404)
        }
        defer { server.stop() }
        let env = ghEnvironment(sb, server), cwd = try ghWorkDir(sb)

        let first = try cachewrap(["gh", "api", "repos/o/missing"], env: env, cwd: cwd)
        #expect(first.status == 1, "exit \(first.status), stderr: \(first.stderrText)")
        #expect(first.stderrText.contains("(HTTP 404)"), "stderr: \(first.stderrText)")
        #expect(first.stderrText.contains("Not Found"), "stderr: \(first.stderrText)")
        #expect(first.stdoutText.contains(#""message":"Not Found""#), "stdout: \(first.stdoutText)")

        let second = try cachewrap(["gh", "api", "repos/o/missing"], env: env, cwd: cwd)
        #expect(second.status == 1, "exit \(second.status), stderr: \(second.stderrText)")
        #expect(second.stderrText.contains("(HTTP 404)"), "stderr: \(second.stderrText)")
        // 404 is permanent (docs/architecture.md, Policies): no retry, so exactly one request per call.
        #expect(server.requestCount(pathPrefix: "/repos/o/missing") == 2, "requests: \(describe(server.requests))")

        let ls = try cachewrap(["ls", "--json"], env: env, cwd: cwd)
        #expect((parseJSON(ls) as? [Any])?.isEmpty == true, "ls: \(ls.stdoutText)")
    }

    @Test("-X GET with fields is a cached GET with a query string")
    func explicitGetWithFieldsIsCached() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let server = try FakeHTTPServer { req in
            req.method == "GET" && req.path.hasPrefix("/search/issues")
                ? .json(#"{"total_count":1,"incomplete_results":false,"items":[{"number":1,"title":"bug"}]}"#)
                : .json(#"{"message":"Not Found"}"#, status: 404)
        }
        defer { server.stop() }
        let env = ghEnvironment(sb, server), cwd = try ghWorkDir(sb)
        let args = ["gh", "api", "-X", "GET", "search/issues", "-f", "q=bug"]

        let first = try cachewrap(args, env: env, cwd: cwd)
        let second = try cachewrap(args, env: env, cwd: cwd)

        #expect(first.status == 0, "first: \(first.stderrText)")
        #expect(second.status == 0, "second: \(second.stderrText)")
        #expect(first.stdout == second.stdout && first.stderr == second.stderr)
        #expect(first.stdoutText.contains(#""total_count":1"#), "stdout: \(first.stdoutText)")
        #expect(server.requests.count == 1, "requests: \(describe(server.requests))")
        #expect(server.requests.first?.method == "GET")
        #expect(server.requests.first?.path == "/search/issues?q=bug", "requests: \(describe(server.requests))")
    }
}
