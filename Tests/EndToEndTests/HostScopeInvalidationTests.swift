import Foundation
import Testing

/// A fake gh for scope tests: a read prints its argv and how often that argv has run, so a
/// replayed answer and a new run look different; a mutation (`-X POST`, a GraphQL mutation,
/// `pr create`) runs `mutation` instead. Every run's argv is logged in `logs/gh.runs`. Like gh,
/// `api --include` (which cachewrap adds to a call it may revalidate) prints a response head
/// first; the argv logged and printed is the call's own.
func scopeFakeGh(mutation: String = "echo mutated") -> String {
    """
    head=""
    if [ "$1" = api ] && [ "$2" = --include ]; then head=1; shift 2; set -- api "$@"; fi
    printf '%s\\n' "$*" >> "$LOG_DIR/gh.runs"
    case "$*" in
    *POST*|*mutation*|"pr create"*)
    \(mutation)
    ;;
    *) [ -n "$head" ] && printf 'HTTP/1.1 200 OK\\nEtag: "1"\\r\\n\\r\\n'
       echo "$* run $(grep -cxF -- "$*" "$LOG_DIR/gh.runs")" ;;
    esac
    """
}

extension TestSandbox {
    /// How often the fake gh of `scopeFakeGh` ran with exactly `argv`.
    func ghRuns(_ argv: String) -> Int {
        (log("gh.runs") ?? "").split(separator: "\n").filter { $0 == argv }.count
    }

    /// The environment for scope tests: a TTL no slow machine can outlive mid-test, so every
    /// new run these tests count comes from invalidation, never from expiry.
    func scopeEnv() -> [String: String] {
        var env = baseEnv()
        env["CACHEWRAP_TTL"] = "10m"
        return env
    }
}

/// What a gh mutation drops, end to end: its repository and the host's area-wide answers after
/// a repository's change, everything on the host after a change whose repository cannot be
/// known, and nothing of another repository. Before scopes every mutation dropped all of gh's
/// answers, which the "stays a hit" checks below tell apart.
@Suite struct HostScopeInvalidationTests {
    @Test func aRepositoryChangeDropsItAndTheHostsAnswersAndAGraphQLMutationDropsAll() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: scopeFakeGh())
        let env = sb.scopeEnv()
        let reads = ["api user", "api repos/o/a/pulls", "api repos/o/b/pulls"]
        func readAll() throws {
            for read in reads {
                let r = try cachewrap(["gh"] + read.split(separator: " ").map(String.init), env: env, cwd: sb.home)
                #expect(r.status == 0 && r.stdoutText.hasPrefix(read + " run "), "\(read): \(r.stdoutText) \(r.stderrText)")
            }
        }
        func runs() -> [Int] { reads.map(sb.ghRuns) }

        try readAll()
        try readAll()
        try #require(runs() == [1, 1, 1], "precondition: the second round is all hits")

        let post = try cachewrap(["gh", "api", "-X", "POST", "repos/o/a/pulls", "-f", "title=x"], env: env, cwd: sb.home)
        try #require(post.status == 0 && post.stdoutText == "mutated\n", "\(post.stderrText)")
        try readAll()
        #expect(runs() == [2, 2, 1], "after a POST to o/a: `api user` (host-wide) and o/a run again, o/b is a hit")

        let graphql = try cachewrap(["gh", "api", "graphql", "-f", "query=mutation{x}"], env: env, cwd: sb.home)
        try #require(graphql.status == 0, "\(graphql.stderrText)")
        try readAll()
        #expect(runs() == [3, 3, 2], "a GraphQL mutation may have changed anything on the host")
    }

    /// Inside a checkout, commands without -R depend on the repository its remotes name: a
    /// mutation of another repository keeps their answers, one of the checkout's drops them.
    @Test func theCheckoutsRepositoryIsTheScopeOfCommandsWithoutR() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: scopeFakeGh())
        let env = sb.scopeEnv()
        let checkout = sb.root + "/checkout"
        try FileManager.default.createDirectory(atPath: checkout + "/.git", withIntermediateDirectories: true)
        try Data("ref: refs/heads/main\n".utf8).write(to: URL(fileURLWithPath: checkout + "/.git/HEAD"))
        try Data("[remote \"origin\"]\n\turl = git@github.com:O/A.git\n".utf8)
            .write(to: URL(fileURLWithPath: checkout + "/.git/config"))

        for _ in 0..<2 { _ = try cachewrap(["gh", "pr", "list"], env: env, cwd: checkout) }
        try #require(sb.ghRuns("pr list") == 1, "precondition: the second list is a hit")

        _ = try cachewrap(["gh", "api", "-X", "POST", "repos/o/b/pulls", "-f", "title=x"], env: env, cwd: checkout)
        _ = try cachewrap(["gh", "pr", "list"], env: env, cwd: checkout)
        #expect(sb.ghRuns("pr list") == 1, "a POST to o/b leaves the list of the checkout's o/a")

        let create = try cachewrap(["gh", "pr", "create", "--title", "t", "--body", "b"], env: env, cwd: checkout)
        try #require(create.status == 0, "\(create.stderrText)")
        let after = try cachewrap(["gh", "pr", "list"], env: env, cwd: checkout)
        #expect(sb.ghRuns("pr list") == 2 && after.stdoutText == "pr list run 2\n",
                "a create in the checkout (its repository from the remote) drops the list")
    }

    /// A create that will prompt is still exec'd (same process: it owns the terminal) and still
    /// drops its repository's answers first, and only that repository's.
    @Test func anInteractiveCreateIsExecdAfterDroppingItsRepository() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: scopeFakeGh(mutation: "echo \"tool $$\""))
        let env = sb.scopeEnv()
        for _ in 0..<2 {
            _ = try cachewrap(["gh", "pr", "list", "-R", "o/r"], env: env, cwd: sb.home)
            _ = try cachewrap(["gh", "pr", "list", "-R", "o/b"], env: env, cwd: sb.home)
        }
        try #require(sb.ghRuns("pr list -R o/r") == 1 && sb.ghRuns("pr list -R o/b") == 1)

        // The shell prints its pid and execs cachewrap, which keeps that pid; so does an exec'd tool.
        let driver = try run("/bin/sh", ["-c", "echo \"shell $$\"; exec \"$0\" gh pr create -R o/r", cachewrapBinary()],
                             env: env, cwd: sb.home)
        let lines = driver.stdoutText.split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(driver.stdoutText) \(driver.stderrText)")
        #expect(lines[1] == "tool " + lines[0].dropFirst("shell ".count), "the tool runs in cachewrap's own process")

        _ = try cachewrap(["gh", "pr", "list", "-R", "o/r"], env: env, cwd: sb.home)
        _ = try cachewrap(["gh", "pr", "list", "-R", "o/b"], env: env, cwd: sb.home)
        #expect(sb.ghRuns("pr list -R o/r") == 2, "the create dropped o/r's list before it ran")
        #expect(sb.ghRuns("pr list -R o/b") == 1, "and left o/b's")
    }

    /// explain says what a mutation drops and when, and what a cached answer depends on.
    @Test func explainShowsTheEffectAndTheScope() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: scopeFakeGh())
        let env = sb.scopeEnv()
        let create = try cachewrap(["explain", "gh", "pr", "create", "-R", "o/r", "--title", "t", "--body", "b"], env: env)
        #expect(create.stdoutText.contains(
            "effect:    drops cached answers of gh:github.com o/r before it runs and again after it ends"), "\(create.stdoutText)")
        let prompt = try cachewrap(["explain", "gh", "pr", "create", "-R", "o/r"], env: env)
        #expect(prompt.stdoutText.contains("effect:    drops cached answers of gh:github.com o/r before it runs\n"),
                "an exec'd create drops only before: \(prompt.stdoutText)")
        let read = try cachewrap(["explain", "gh", "pr", "list", "-R", "o/r"], env: env)
        #expect(read.stdoutText.contains("scope:     gh:github.com o/r\n"), "\(read.stdoutText)")
        let user = try cachewrap(["explain", "gh", "api", "user"], env: env)
        #expect(user.stdoutText.contains("scope:     gh:github.com\n"), "\(user.stdoutText)")
        #expect(sb.counter("gh") == 0, "explain runs nothing")
    }
}
