import Foundation
import Testing

/// Scoped invalidation across the team cache, with the real gh, a fake GitHub and a real
/// `redis-server`: after a mutation on one machine, no machine is served from Redis an answer
/// of that scope made before the mutation. Dropping the local entry is not enough: the team
/// copy of the same answer would come straight back.
@Suite struct ScopeTeamCacheTests {
    /// One team of machines: a fake GitHub, a Redis, and the gh config and working directory all
    /// machines share (gh's key covers GH_CONFIG_DIR, XDG_CONFIG_HOME and the cwd, so only
    /// machines that share them can share entries, as two laptops with the same login do).
    struct Team {
        let github: FakeGitHubRepos
        let server: FakeHTTPServer
        let redis: RedisServer
        let shared: TestSandbox

        init(repos: [String]) throws {
            try TestSandbox.requireTool("gh")
            redis = try RedisServer()
            let github = FakeGitHubRepos(repos: repos)
            self.github = github
            server = try FakeHTTPServer { github.handle($0) }
            shared = try TestSandbox()
            _ = try ghWorkDir(shared)
        }

        /// A machine: its own HOME and cache dir, the team's Redis and namespace. The cache dir
        /// is made (empty, 0700) up front because `key` asks Redis for the team salt only when
        /// it exists; otherwise a fresh machine's CID is provisional and cannot be compared.
        /// A 20 s remote deadline: on a loaded machine the default one can pass, and a lookup
        /// that timed out runs gh, which would look like a refused stale answer.
        func machine(_ own: TestSandbox) -> GhPullsClient {
            mkdir(own.cacheDir, 0o700)
            var env = scopedGhEnvironment(shared, server)
            env["HOME"] = own.home
            env["CACHEWRAP_DIR"] = own.cacheDir
            env["CACHEWRAP_REMOTE"] = "redis://127.0.0.1:\(redis.port)"
            env["CACHEWRAP_REMOTE_NAMESPACE"] = "t:team"
            env["CACHEWRAP_REMOTE_TIMEOUT"] = "20s"
            return GhPullsClient(env: env, cwd: shared.root + "/work")
        }

        /// The CID `gh api repos/<repo>/pulls` has on `machine`.
        func cid(_ repo: String, on machine: GhPullsClient) throws -> String {
            let key = try cachewrap(["key", "--json", "gh", "api", "repos/\(repo)/pulls"], env: machine.env, cwd: machine.cwd)
            let doc = try JSONSerialization.jsonObject(with: Data(key.stdout)) as? [String: Any]
            return try #require(doc?["cid"] as? String, "key --json: \(key.stdoutText) \(key.stderrText)")
        }

        /// Waits for `machine`'s detached flusher: its outbox empty and Redis holding more than
        /// the team salt. A read on another machine before that would miss Redis for want of the
        /// write, not because the answer was refused, and prove nothing.
        func waitForFlush(_ machine: GhPullsClient, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let landed = try eventually(timeout: 120) {
                try machine.counter("outbox_pending") == 0 && TeamCacheTests.dbsize(redis) >= 2
            }
            try #require(landed, "the flusher never drained the outbox into Redis: \(machine.statsText())",
                         sourceLocation: sourceLocation)
        }

        /// Every lookup got an answer from Redis: a miss for want of a reachable Redis would
        /// run gh and pass for the wrong reason.
        func expectRedisAnswered(_ machines: [GhPullsClient], sourceLocation: SourceLocation = #_sourceLocation) throws {
            for (i, machine) in machines.enumerated() {
                #expect(try machine.counter("remote_errors") == 0, "machine \(i + 1): \(machine.statsText())",
                        sourceLocation: sourceLocation)
            }
        }

        /// `from` lists `repo` (stored locally and in Redis, flushed), and both machines key that
        /// list alike, so `with` could be served it.
        func listAndShare(_ repo: String, from m1: GhPullsClient, with m2: GhPullsClient,
                          sourceLocation: SourceLocation = #_sourceLocation) throws {
            let first = try m1.list(repo)
            try #require(first.status == 0 && FakeGitHubRepos.shows(first.stdoutText, "first PR of \(repo)"), "\(first.stderrText)",
                         sourceLocation: sourceLocation)
            try waitForFlush(m1)
            try #require(try cid(repo, on: m1) == cid(repo, on: m2), "both machines must key the list alike",
                         sourceLocation: sourceLocation)
        }

        func stop() { server.stop(); redis.stop() }
    }

    /// Machine 1 lists o/a (stored locally and in Redis), creates a PR in o/a and lists again: it
    /// sees its PR, from GitHub, not from Redis. Machine 2, later, with an empty cache, sees it too.
    @Test func aMutationIsSeenByTheMutatingMachineAndByTheNextOne() throws {
        let team = try Team(repos: ["o/a"])
        defer { team.stop() }
        let m1Box = try TestSandbox(), m2Box = try TestSandbox()
        let m1 = team.machine(m1Box), m2 = team.machine(m2Box)

        try team.listAndShare("o/a", from: m1, with: m2)
        let remoteHitsBefore = try m1.counter("remote_hits")

        let post = try m1.create("o/a", title: "new PR in o/a")
        try #require(post.status == 0, "\(post.stderrText)")

        let again = try m1.list("o/a")
        #expect(FakeGitHubRepos.shows(again.stdoutText, "new PR in o/a"), "machine 1 after its POST: \(again.stdoutText)")
        #expect(try m1.counter("remote_hits") == remoteHitsBefore, "not served from Redis: \(m1.statsText())")
        #expect(team.github.gets("o/a") == 2, "machine 1's list after its POST reaches GitHub: \(team.github.allGets)")

        try team.waitForFlush(m1)
        let other = try m2.list("o/a")
        #expect(other.status == 0 && FakeGitHubRepos.shows(other.stdoutText, "new PR in o/a"),
                "machine 2's first list: \(other.stdoutText) \(other.stderrText); its stats: \(m2.statsText())")
        try team.expectRedisAnswered([m1, m2])
    }

    /// Right after machine 1's POST, before anyone lists again, Redis holds only the answer made
    /// before the POST: machine 2's first list must not be served it.
    @Test func anotherMachineIsNotServedThePreMutationAnswer() throws {
        let team = try Team(repos: ["o/a"])
        defer { team.stop() }
        let m1Box = try TestSandbox(), m2Box = try TestSandbox()
        let m1 = team.machine(m1Box), m2 = team.machine(m2Box)

        try team.listAndShare("o/a", from: m1, with: m2)

        let post = try m1.create("o/a", title: "new PR in o/a")
        try #require(post.status == 0, "\(post.stderrText)")

        let other = try m2.list("o/a")
        #expect(other.status == 0 && FakeGitHubRepos.shows(other.stdoutText, "new PR in o/a"),
                "machine 2's first list after machine 1's POST: \(other.stdoutText) \(other.stderrText)")
        #expect(try m2.counter("remote_hits") == 0, "not served from Redis: \(m2.statsText())")
        #expect(team.github.gets("o/a") == 2, "machine 2's list reaches GitHub: \(team.github.allGets)")
        try team.expectRedisAnswered([m1, m2])
    }
}
