import Foundation
import Testing

/// After a mutation, reads it may have changed are not served from the cache: an agent that
/// creates a PR and then lists PRs sees its PR (docs/architecture.md, Store).
@Suite struct InvalidationTests {
    @Test func prCreateMakesTheNextPrListAFreshRequest() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let github = FakeGitHubPulls()
        let server = try FakeHTTPServer { github.handle($0) }
        defer { server.stop() }
        let env = ghEnvironment(sb, server), cwd = try ghWorkDir(sb)
        func lists() -> Int { server.requests.filter { $0.bodyText.contains("PullRequestList") }.count }

        let before = try cachewrap(["gh", "pr", "list", "-R", "o/r"], env: env, cwd: cwd)
        let cached = try cachewrap(["gh", "pr", "list", "-R", "o/r"], env: env, cwd: cwd)
        #expect(before.status == 0 && before.stdoutText.contains("first"), "\(before.stderrText)")
        #expect(cached.stdout == before.stdout && lists() == 1, "the second list is a hit")

        let create = try cachewrap(["gh", "pr", "create", "-R", "o/r", "--title", "t", "--body", "b",
                                    "--head", "feature", "--base", "main"], env: env, cwd: cwd)
        #expect(create.status == 0 && create.stdoutText.contains("/pull/2"), "\(create.stderrText)")

        let after = try cachewrap(["gh", "pr", "list", "-R", "o/r"], env: env, cwd: cwd)
        #expect(lists() == 2, "the list after a create is fetched again")
        #expect(after.stdoutText.contains("created"), "\(after.stdoutText)")
    }

    @Test func mutationDropsTheToolsEntriesOnly() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "echo gh-out")
        let env = sb.baseEnv()
        _ = try cachewrap(["gh", "repo", "view", "o/r"], env: env)
        _ = try cachewrap(["--", "echo", "kept"], env: env)
        _ = try cachewrap(["gh", "issue", "close", "7", "-R", "o/r"], env: env)
        _ = try cachewrap(["gh", "repo", "view", "o/r"], env: env)
        #expect(sb.counter("gh") == 3, "repo view ran again after the mutation")
        let listed = try cachewrap(["ls", "--json"], env: env)
        let entries = try JSONSerialization.jsonObject(with: Data(listed.stdout)) as? [[String: Any]] ?? []
        #expect(entries.contains { $0["tool"] as? String == "echo" }, "other tools' entries stay")
    }
}

/// `cachewrap explain` tells the class, the rule's reason, TTL, key fields and hit or miss.
@Suite struct ExplainTests {
    @Test func explainsACacheableCallBeforeAndAfterItIsCached() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "echo hi")
        var env = sb.baseEnv()
        env["GH_TOKEN"] = "explain-secret"
        let before = try cachewrap(["explain", "gh", "pr", "list", "-R", "o/r"], env: env, cwd: sb.home)
        #expect(before.status == 0)
        for needle in ["class:     cacheable", "ttl:       60s (live)", "retries:   3", "key:       bafkrei",
                       "GH_TOKEN", "sha256:", "now:       miss"] {
            #expect(before.stdoutText.contains(needle), "\(needle) in \(before.stdoutText)")
        }
        #expect(!before.stdoutText.contains("explain-secret"))
        _ = try cachewrap(["gh", "pr", "list", "-R", "o/r"], env: env, cwd: sb.home)
        let after = try cachewrap(["explain", "gh", "pr", "list", "-R", "o/r"], env: env, cwd: sb.home)
        #expect(after.stdoutText.contains("now:       hit"), "\(after.stdoutText)")
        #expect(sb.counter("gh") == 1, "explain runs nothing")
    }

    @Test(arguments: [
        (["gh", "pr", "create", "--title", "t", "--body", "b"], "class:     mutating"),
        (["gh", "auth", "login"], "class:     interactive"),
        (["gh", "auth", "token"], "class:     passthrough"),
        (["--ttl", "2h", "gh", "api", "repos/o/r"], "ttl:       2h (--ttl)"),
    ])
    func explainsEveryClass(args: [String], needle: String) throws {
        let sb = try TestSandbox()
        let result = try cachewrap(["explain"] + args, env: sb.baseEnv())
        #expect(result.status == 0 && result.stdoutText.contains(needle), "\(result.stdoutText)")
    }
}
