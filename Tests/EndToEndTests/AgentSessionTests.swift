import Foundation
import Testing

/// What scoped invalidation buys an agent: a session that keeps reading three repositories while
/// it creates PRs in one of them. Every read of the changed repository must show every PR made
/// before it (no stale answer), and the repositories it never changed are asked once each.
@Suite struct AgentSessionTests {
    static let repos = ["o/a", "o/b", "o/c"]

    /// 5 rounds of: list o/a, o/b, o/c, then create a PR in o/a (15 reads, 5 mutations).
    /// Prints a one-line report (and writes it to `$CACHEWRAP_TEST_REPORT` when set) so the
    /// numbers before and after the change can be quoted.
    @Test func readsOfThreeRepositoriesInterleavedWithCreatesInOne() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let github = FakeGitHubRepos(repos: Self.repos)
        let server = try FakeHTTPServer { github.handle($0) }
        defer { server.stop() }
        let gh = GhPullsClient(env: scopedGhEnvironment(sb, server), cwd: try ghWorkDir(sb))

        var created: [String] = []
        var reads = 0, stale = 0
        for round in 1...5 {
            for repo in Self.repos {
                // What GitHub held when this read started: it must all be in the answer.
                let expected = ["first PR of \(repo)"] + (repo == "o/a" ? created : [])
                let out = try gh.list(repo)
                reads += 1
                try #require(out.status == 0, "round \(round), \(repo): \(out.stderrText)")
                let missing = expected.filter { !FakeGitHubRepos.shows(out.stdoutText, $0) }
                if !missing.isEmpty { stale += 1 }
            }
            let title = "agent PR \(round)"
            let post = try gh.create("o/a", title: title)
            try #require(post.status == 0 && FakeGitHubRepos.shows(post.stdoutText, title), "\(post.stderrText)")
            created.append(title)
        }

        let hits = try gh.counter("hits")
        let perRepo = Self.repos.map { github.gets($0) }
        let report = "agent session: reads=\(reads) requests=\(perRepo.reduce(0, +)) hits=\(hits) stale=\(stale)"
            + " (a=\(perRepo[0]), b=\(perRepo[1]), c=\(perRepo[2]))"
        print(report)
        if let path = ProcessInfo.processInfo.environment["CACHEWRAP_TEST_REPORT"], !path.isEmpty {
            try (report + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }

        #expect(stale == 0, "every read of o/a shows the PRs created before it: \(report)")
        #expect(perRepo[1] == 1, "o/b, never changed, is asked once: \(report)")
        #expect(perRepo[2] == 1, "o/c, never changed, is asked once: \(report)")
    }
}
