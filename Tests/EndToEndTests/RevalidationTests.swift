import Foundation
import Testing

// Revalidation end to end (docs/architecture.md, Revalidation): the real gh 2.23 against a fake
// GitHub that sends ETags and answers a matching `If-None-Match` with 304, as GitHub does.
// Expiry is waited for through `explain` (an event), never slept for.

/// A REST list of pull requests with an ETag per version: a POST adds one (a new version), and
/// `change()` edits it behind cachewrap's back (another client). Every GET is logged with the
/// If-None-Match it carried and the status it got.
final class FakeGitHubPullsREST: @unchecked Sendable {
    private let lock = NSLock()
    private var titles = ["first"]
    /// How many of the next conditional GETs fail with a 502, as a flaky GitHub does.
    private var failing = 0
    private(set) var answers: [(ifNoneMatch: String?, status: Int)] = []

    var etag: String { lock.withLock { "W/\"v\(titles.count)-\(titles.joined().count)\"" } }
    var body: String { lock.withLock { "[" + titles.enumerated().map { #"{"number":\#($0 + 1),"title":"\#($1)"}"# }.joined(separator: ",") + "]" } }
    var fullAnswers: Int { lock.withLock { answers.filter { $0.status == 200 }.count } }
    var notModified: Int { lock.withLock { answers.filter { $0.status == 304 }.count } }

    func change(_ title: String) { lock.withLock { titles.append(title) } }
    func failConditionalRequests(_ count: Int) { lock.withLock { failing = count } }

    func handle(_ request: FakeHTTPServer.Request) -> FakeHTTPServer.Response {
        guard request.path == "/repos/o/r/pulls" else { return .json(#"{"message":"Not Found"}"#, status: 404) }
        if request.method == "POST" {
            change("created")
            return .json(#"{"number":2}"#, status: 201)
        }
        let (tag, text) = (etag, body)
        let asked = request.header("If-None-Match")
        let fails = asked != nil && lock.withLock { () -> Bool in defer { failing = max(0, failing - 1) }; return failing > 0 }
        let status = fails ? 502 : asked == tag ? 304 : 200
        lock.withLock { answers.append((asked, status)) }
        if fails { return .json(#"{"message":"Server Error"}"#, status: 502) }
        var response = status == 304 ? FakeHTTPServer.Response(status: 304) : .json(text)
        response.headers += [("ETag", tag), ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"), ("X-RateLimit-Remaining", "4999")]
        return response
    }
}

@Suite("Revalidation: expired gh api answers renewed by ETag")
struct RevalidationTests {
    /// One test's world: gh required, a sandbox, the fake GitHub (stopped when the test lets go
    /// of it), and gh's environment pointed at it.
    final class Setup {
        let sb: TestSandbox
        let github = FakeGitHubPullsREST()
        let server: FakeHTTPServer
        let env: [String: String]
        let cwd: String

        init(extra: [String: String] = [:]) throws {
            try TestSandbox.requireTool("gh")
            sb = try TestSandbox()
            let github = self.github
            server = try FakeHTTPServer { github.handle($0) }
            env = ghEnvironment(sb, server).merging(extra) { $1 }
            cwd = try ghWorkDir(sb)
        }

        deinit { server.stop() }

        func call(_ args: [String]) throws -> RunResult { try cachewrap(args, env: env, cwd: cwd) }

        func waitExpired(_ args: [String]) throws {
            try #require(try FreshnessAgreementTests.waitForExplainExpired(args, env: env, cwd: cwd), "the entry never expired")
        }

        /// Waits until `explain`, run as `explain` says (on a terminal, with 2>&1), finds the entry expired.
        func waitExpired(_ explain: () throws -> RunResult) throws {
            var last = ""
            try #require(try eventually {
                last = try explain().stdoutText
                return last.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("now:       miss") && $0.contains("expired") }
            }, "the entry never expired: \(last)")
        }

        func stats() throws -> [String: Any] {
            let out = try call(["stats", "--json"])
            return try #require(try JSONSerialization.jsonObject(with: Data(out.stdout)) as? [String: Any], "\(out.stdoutText)")
        }
    }

    static let poll = ["--ttl", "1s", "gh", "api", "repos/o/r/pulls"]

    @Test("an expired answer is renewed by a 304: identical output, exit 0, nothing about 304, counted")
    func notModifiedReplays() throws {
        let s = try Setup()
        let alone = try run("/usr/bin/gh", ["api", "repos/o/r/pulls"], env: s.env, cwd: s.cwd)
        let first = try s.call(Self.poll)
        #expect(first.status == 0, "\(first.stderrText)")
        expectSameBytes(first.stdout, alone.stdout, "the miss (with --include added) vs gh alone")
        expectSameBytes(first.stderr, alone.stderr, "the miss's stderr vs gh alone")

        try s.waitExpired(Self.poll)
        let second = try s.call(Self.poll)
        #expect(second.status == 0, "\(second.stderrText)")
        expectSameBytes(second.stdout, first.stdout, "the revalidated replay")
        expectSameBytes(second.stderr, first.stderr, "the revalidated replay's stderr")
        #expect(!second.stderrText.contains("304"))
        #expect(s.github.notModified == 1 && s.github.fullAnswers == 2, "answers: \(s.github.answers)")
        #expect(s.github.answers.last?.ifNoneMatch == s.github.etag)

        // Renewed: fresh again for its TTL, so the next call is a plain hit.
        let explain = try s.call(["explain"] + Self.poll).stdoutText
        #expect(explain.contains("now:       hit") && explain.contains("If-None-Match: \(s.github.etag)"), "\(explain)")
        let stats = try s.stats()
        #expect(stats["revalidated"] as? Int == 1 && stats["misses"] as? Int == 1, "\(stats)")
    }

    @Test("after the list changes, the next call shows the new list: a POST through cachewrap, or another client")
    func changedResourceIsFetched() throws {
        let s = try Setup()
        #expect(try s.call(Self.poll).stdoutText == #"[{"number":1,"title":"first"}]"#)

        // A mutation of the scope drops the entry: no conditional request for something known changed.
        let post = try s.call(["gh", "api", "-X", "POST", "repos/o/r/pulls", "-f", "title=created"])
        #expect(post.status == 0, "\(post.stderrText)")
        let afterPost = try s.call(Self.poll)
        #expect(afterPost.stdoutText.contains(#""title":"created""#), "\(afterPost.stdoutText)")
        #expect(s.github.answers.last.map { $0.ifNoneMatch == nil && $0.status == 200 } == true, "\(s.github.answers)")

        // Changed elsewhere: the conditional request gets a 200, shown and stored as a miss would be.
        s.github.change("elsewhere")
        try s.waitExpired(Self.poll)
        let changed = try s.call(Self.poll)
        #expect(changed.status == 0 && changed.stdoutText == s.github.body, "\(changed.stdoutText) / \(changed.stderrText)")
        #expect(s.github.answers.last.map { $0.ifNoneMatch != nil && $0.status == 200 } == true, "\(s.github.answers)")
        try s.waitExpired(Self.poll)
        #expect(try s.call(Self.poll).stdoutText == s.github.body)
        #expect(s.github.notModified == 1, "the new version's ETag was stored: \(s.github.answers)")
        #expect(try s.stats()["revalidated"] as? Int == 1)
    }

    @Test("the user's own -i keeps the headers in both calls; --jq replays the filtered answer", arguments: [
        ["-i"], ["--jq", ".[].title"], ["-q", ".[0].number"], ["--template", "{{range .}}{{.title}}{{end}}"], ["--silent"],
    ])
    func includeAndFilters(_ flags: [String]) throws {
        let s = try Setup()
        let args = ["--ttl", "1s", "gh", "api"] + flags + ["repos/o/r/pulls"]
        let alone = try run("/usr/bin/gh", ["api"] + flags + ["repos/o/r/pulls"], env: s.env, cwd: s.cwd)
        let first = try s.call(args)
        try s.waitExpired(args)
        let second = try s.call(args)
        #expect(first.status == 0 && second.status == 0, "\(first.stderrText) / \(second.stderrText)")
        expectSameBytes(second.stdout, first.stdout, "the revalidated replay")
        #expect(s.github.notModified == 1, "\(s.github.answers)")
        if flags == ["-i"] {
            #expect(first.stdoutText.hasPrefix("HTTP/1.1 200 OK\n") && first.stdoutText.contains("Etag: \(s.github.etag)\r\n"))
            #expect(alone.stdoutText.hasSuffix(s.github.body))
        } else {
            expectSameBytes(first.stdout, alone.stdout, "the miss vs gh alone")
            #expect(!first.stdoutText.contains("HTTP/1.1"))
        }
    }

    /// One output channel for stdout and stderr: a terminal (util-linux `script`), or `2>&1` into a pipe.
    enum Channel: String, CaseIterable, Sendable {
        case terminal, merged

        /// The shell command line `command` run on this channel.
        func run(_ command: String, _ s: Setup) throws -> RunResult {
            switch self {
            case .terminal: try onTerminal(try TestSandbox.requireTool("script"), command, env: s.env, cwd: s.cwd)
            case .merged: try EndToEndTests.run("/bin/sh", ["-c", command + " 2>&1"], env: s.env, cwd: s.cwd)
            }
        }
    }

    @Test("under a pseudo-terminal, and with 2>&1, the revalidated replay looks exactly like the original", arguments: Channel.allCases)
    func oneChannel(_ channel: Channel) throws {
        let s = try Setup()
        let command = try cachewrapCommand(Self.poll)
        let alone = try channel.run("gh api repos/o/r/pulls", s)
        let first = try channel.run(command, s)
        // A call on this channel has a key of its own: explain is asked on it too.
        try s.waitExpired { try channel.run(try cachewrapCommand(["explain"] + Self.poll), s) }
        let second = try channel.run(command, s)
        if channel == .terminal { #expect(first.stdoutText.contains("\u{1b}[1;38m"), "gh coloured its output: \(shown(first.stdout))") }
        expectSameBytes(first.stdout, alone.stdout, "the miss vs gh alone")
        expectSameBytes(second.stdout, first.stdout, "the revalidated replay vs the original")
        #expect(s.github.notModified == 1, "\(s.github.answers)")
    }

    @Test("a conditional request that fails is retried; when every attempt fails, the expired answer stands in")
    func failedConditionalRequest() throws {
        let s = try Setup(extra: ["CACHEWRAP_RETRY_BASE": "10ms"])
        let first = try s.call(Self.poll)
        try s.waitExpired(Self.poll)
        s.github.failConditionalRequests(1)
        let retried = try s.call(Self.poll)
        #expect(retried.status == 0 && retried.stdout == first.stdout, "\(retried.stderrText)")
        #expect(retried.stderrText.contains("retry 1/3") && !retried.stderrText.contains("304"), "\(retried.stderrText)")
        #expect(s.github.answers.map(\.status) == [200, 502, 304], "\(s.github.answers)")

        try s.waitExpired(Self.poll)
        s.github.failConditionalRequests(10)
        let stale = try s.call(["--retries", "0"] + Self.poll)
        #expect(stale.status == 0 && stale.stdout == first.stdout, "\(stale.stderrText)")
        #expect(stale.stderrText.contains("replaying the result cached"), "\(stale.stderrText)")
        let stats = try s.stats()
        #expect(stats["revalidated"] as? Int == 1 && stats["stale_served"] as? Int == 1, "\(stats)")
    }

    @Test("a stale-while-revalidate refresh (--stale) asks with If-None-Match in the background; a 304 renews it")
    func backgroundRefresh() throws {
        let s = try Setup()
        let plain = ["gh", "api", "repos/o/r/pulls"]
        _ = try s.call(plain)
        let hit = try s.call(["--stale", "0s"] + plain)
        #expect(hit.status == 0 && hit.stdoutText == s.github.body, "\(hit.stderrText)")
        #expect(eventually { s.github.answers.count == 2 }, "the refresher never asked: \(s.github.answers)")
        #expect(s.github.notModified == 1 && s.github.answers.last?.ifNoneMatch == s.github.etag, "\(s.github.answers)")
        #expect(try eventually { try s.stats()["revalidated"] as? Int == 1 })
        #expect(try s.stats()["hits"] as? Int == 1)
    }

    @Test("--revalidate asks about a fresh answer; --no-revalidate fetches an expired one in full")
    func options() throws {
        let s = try Setup()
        let plain = ["gh", "api", "repos/o/r/pulls"]
        _ = try s.call(plain)
        let asked = try s.call(["--revalidate"] + plain)
        #expect(asked.status == 0 && asked.stdoutText == s.github.body && s.github.notModified == 1, "\(s.github.answers)")

        _ = try s.call(Self.poll)
        try s.waitExpired(Self.poll)
        let full = try s.call(["--no-revalidate"] + Self.poll)
        #expect(full.stdoutText == s.github.body)
        #expect(s.github.answers.last.map { $0.ifNoneMatch == nil && $0.status == 200 } == true, "\(s.github.answers)")

        let refused = try s.call(["--revalidate", "--refresh"] + plain)
        #expect(refused.status == 64 && refused.stderrText.contains("--revalidate"), "\(refused.stderrText)")
        let graphql = try s.call(["explain", "gh", "api", "graphql", "-f", "query={viewer{login}}"])
        #expect(graphql.stdoutText.contains("revalidate: no (GraphQL"), "\(graphql.stdoutText)")
    }
}
