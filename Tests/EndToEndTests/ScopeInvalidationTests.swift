import Foundation
import Testing

/// The environment for `cachewrap gh api` against a `FakeGitHubRepos` behind `server`.
///
/// `CACHEWRAP_TTL=10m`: gh api's own TTL is 60 s, so on a loaded machine an entry could expire
/// mid-test and a read would reach the server for that reason alone; every count these tests
/// assert must come from invalidation, never from the clock.
func scopedGhEnvironment(_ sb: TestSandbox, _ server: FakeHTTPServer) -> [String: String] {
    var env = ghEnvironment(sb, server)
    env["CACHEWRAP_TTL"] = "10m"
    return env
}

/// Scoped invalidation on one machine: a gh mutation names the repository it changes, drops the
/// entries of that repository, and leaves every other repository's entries to answer.
@Suite struct ScopeInvalidationTests {
    /// A POST to o/a makes the next list of o/a a request showing the new PR, while o/b's list,
    /// which the POST cannot have changed, stays a hit.
    @Test func aMutationOfOneRepositoryLeavesAnotherRepositorysEntriesAlone() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let github = FakeGitHubRepos(repos: ["o/a", "o/b"])
        let server = try FakeHTTPServer { github.handle($0) }
        defer { server.stop() }
        let gh = GhPullsClient(env: scopedGhEnvironment(sb, server), cwd: try ghWorkDir(sb))

        let a1 = try gh.list("o/a"), b1 = try gh.list("o/b")
        try #require(a1.status == 0 && FakeGitHubRepos.shows(a1.stdoutText, "first PR of o/a"), "\(a1.stdoutText) \(a1.stderrText)")
        try #require(b1.status == 0 && FakeGitHubRepos.shows(b1.stdoutText, "first PR of o/b"), "\(b1.stdoutText) \(b1.stderrText)")
        let b2 = try gh.list("o/b")
        try #require(b2.stdout == b1.stdout && github.gets("o/b") == 1, "precondition: o/b's list is cached")

        let post = try gh.create("o/a", title: "new PR in o/a")
        try #require(post.status == 0 && FakeGitHubRepos.shows(post.stdoutText, "new PR in o/a"), "\(post.stderrText)")

        let a2 = try gh.list("o/a")
        #expect(FakeGitHubRepos.shows(a2.stdoutText, "new PR in o/a"), "o/a's list after the POST: \(a2.stdoutText)")
        #expect(github.gets("o/a") == 2, "o/a's list after the POST reaches the server: \(github.allGets)")

        let b3 = try gh.list("o/b")
        #expect(b3.status == 0 && b3.stdout == b1.stdout)
        #expect(github.gets("o/b") == 1, "o/b's entry survives a POST to o/a: GETs \(github.allGets)")
    }

    /// A list whose GET reached GitHub before a PR was created and whose answer came back after
    /// the create finished must not be replayed afterwards: it predates the mutation.
    @Test func aReadThatStartedBeforeAMutationEndedIsNotServedAfterIt() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let github = FakeGitHubRepos(repos: ["o/a"])
        let server = try FakeHTTPServer { github.handle($0) }
        defer { github.releaseAll(); server.stop() }
        let gh = GhPullsClient(env: scopedGhEnvironment(sb, server), cwd: try ghWorkDir(sb))

        github.hold("o/a")
        let slow = BackgroundRun(["gh", "api", "repos/o/a/pulls"], env: gh.env, cwd: gh.cwd)
        try #require(github.waitUntilHeld("o/a"), "the background list's GET never reached the server")

        let post = try gh.create("o/a", title: "created during the read")
        try #require(post.status == 0, "\(post.stderrText)")
        github.release("o/a")
        let raced = try slow.wait()
        #expect(raced.status == 0, "the raced read itself succeeds: \(raced.stderrText)")

        // Not `== 2`: whether the raced read is dropped (the next list fetches) or fetched again
        // by its own process is the implementation's choice; either way a GET after the POST
        // must have produced the answer.
        let after = try gh.list("o/a")
        #expect(FakeGitHubRepos.shows(after.stdoutText, "created during the read"),
                "the list after the POST shows the new PR: \(after.stdoutText)")
        #expect(github.gets("o/a") >= 2, "a GET made after the POST answers it: GETs \(github.allGets)")
    }
}
