import Foundation
import Testing

@testable import CachewrapCore

/// Guards gh's scopes: which repository (item) and host (area) a command's answer depends on or
/// its change touches. A read and the mutation that changes it must name the same scope, and a
/// command whose repository cannot be known must take the whole host: too narrow a scope
/// replays a stale answer, too wide one only costs a hit.
@Suite struct GhScopeTests {
    /// One argv, the environment gh would see (nothing else is read but the git context of the
    /// invocation's working directory, `/`, which has none), and the scope expected.
    struct Case: Sendable, CustomTestStringConvertible {
        let argv: [String]
        let env: [String: String]
        let expected: Scope

        var testDescription: String {
            let vars = env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value) " }.joined()
            return vars + "gh " + argv.joined(separator: " ") + " → " + expected.description
        }
    }

    static func item(_ argv: [String], _ repository: String, host: String = "github.com",
                     env: [String: String] = [:]) -> Case {
        Case(argv: argv, env: env, expected: Scope(area: "gh:" + host, item: repository))
    }

    /// Host-wide commands are checked with GH_REPO set to another repository: without it, a
    /// command that wrongly fell through to the repository lookup would find none here (there is
    /// no checkout at `/`) and pass by accident.
    static func host(_ argv: [String], _ host: String = "github.com", env: [String: String] = ["GH_REPO": "o/elsewhere"]) -> Case {
        Case(argv: argv, env: env, expected: Scope(area: "gh:" + host))
    }

    static let cases: [Case] = [
        // -R/--repo, in every form gh takes.
        item(["pr", "list", "-R", "o/r"], "o/r"),
        item(["pr", "list", "-R", "GHE.Corp/O/R"], "o/r", host: "ghe.corp"),
        item(["pr", "list", "--repo=https://github.com/O/R.git"], "o/r"),
        item(["pr", "list", "-R", "o/a"], "o/a", env: ["GH_REPO": "o/b"]),
        item(["pr", "create", "-Ro/a", "--title", "t", "--body", "b"], "o/a", env: ["GH_REPO": "o/b"]),
        item(["pr", "list", "-R=o/a"], "o/a", env: ["GH_REPO": "o/b"]),
        item(["pr", "list", "-R", "www.github.com/o/r"], "o/r"),
        // A URL argument, and commands whose first argument is the repository.
        item(["pr", "view", "https://github.com/o/r/pull/5"], "o/r"),
        item(["pr", "view", "https://www.github.com/o/r/pull/5"], "o/r"),
        item(["issue", "view", "https://ghe.corp/o/r/issues/9"], "o/r", host: "ghe.corp"),
        item(["repo", "view", "o/r"], "o/r"),
        item(["repo", "delete", "O/R", "--yes"], "o/r"),
        // Reads that span repositories, and mutations whose repository cannot be known.
        host(["repo", "create", "x", "--private"]),
        host(["search", "prs", "--author", "octocat"]),
        host(["status"]),
        host(["api", "user"]),
        host(["api", "graphql", "-f", "query=query { viewer { login } }"]),
        host(["api", "graphql", "-f", "query=mutation { addStar(input: {}) { clientMutationId } }"]),
        host(["secret", "list", "--org", "x"]),
        // A transfer changes the destination's issues too: one repository cannot say it.
        host(["issue", "transfer", "5", "o/dest", "-R", "o/r"]),
        host(["variable", "set", "NAME", "-o", "x", "--body", "v"]),
        // gh api: a repos/OWNER/REPO endpoint is that repository's, wherever its query starts.
        item(["api", "repos/o/r/pulls"], "o/r"),
        item(["api", "/repos/o/r/pulls?state=all"], "o/r"),
        item(["api", "-X", "POST", "repos/O/R/pulls", "-f", "title=x"], "o/r"),
        item(["api", "--hostname", "ghe.corp", "repos/o/r"], "o/r", host: "ghe.corp"),
        // A full URL names its host: api.github.com is github.com, GHE's /api/v3 prefix goes.
        item(["api", "https://api.github.com/repos/O/R/pulls"], "o/r", host: "github.com"),
        item(["api", "-X", "POST", "https://ghe.corp/api/v3/repos/o/r/pulls"], "o/r", host: "ghe.corp"),
        host(["api", "https://ghe.corp:8443/api/v3/user"], "ghe.corp"),
        host(["api", "--hostname", "GHE.corp", "user"], "ghe.corp"),
        // GH_HOST is the default host; GH_REPO the default repository.
        item(["pr", "list", "-R", "o/r"], "o/r", host: "ghe.corp", env: ["GH_HOST": "ghe.corp"]),
        host(["api", "user"], "ghe.corp", env: ["GH_HOST": "ghe.corp"]),
        item(["pr", "list"], "o/r", env: ["GH_REPO": "o/r"]),
        item(["pr", "list"], "o/r", host: "ghe.corp", env: ["GH_REPO": "ghe.corp/o/r"]),
        item(["api", "repos/{owner}/{repo}/pulls"], "o/r", env: ["GH_REPO": "o/r"]),
        // An empty variable is not set, as gh reads it.
        item(["pr", "list", "-R", "o/r"], "o/r", env: ["GH_HOST": ""]),
    ]

    @Test(arguments: cases)
    func scope(_ c: Case) {
        let shape = GhPolicy.spec.shape(c.argv)
        #expect(GhScope.of(shape, Invocation(c.argv, environment: Variables(c.env))) == c.expected)
    }

    /// `decide` carries the scope to the cache: for the cacheable call that stores an answer and
    /// for the mutation that must drop it, and they name the same repository.
    @Test func decisionsCarryTheScope() {
        let scope = Scope(area: "gh:github.com", item: "o/r")
        let read = GhPolicy.spec.decide(["pr", "list", "-R", "o/r"])
        let create = GhPolicy.spec.decide(["pr", "create", "-R", "o/r", "--title", "t", "--body", "b"])
        let post = GhPolicy.spec.decide(["api", "-X", "POST", "repos/o/r/pulls", "-f", "title=t"])
        #expect(read.commandClass == .cacheable(.live) && read.scope == scope)
        #expect(create.commandClass == .mutating && create.invalidates && create.scope == scope)
        #expect(post.commandClass == .mutating && post.invalidates && post.scope == scope)
        // An interactive create drops its scope too (it is exec'd after the drop).
        let prompt = GhPolicy.spec.decide(["pr", "create", "-R", "o/r"])
        #expect(prompt.commandClass == .interactive && prompt.invalidates && prompt.scope == scope)
        // A call that neither stores nor changes anything keeps the tool-wide default.
        #expect(GhPolicy.spec.decide(["auth", "token"]).scope == .tool("gh"))
    }

    /// Without `-R` or GH_REPO, the checkout the invocation runs in names the repository: its
    /// git files are read once, so the scope and the key's repository context cannot disagree
    /// even if the checkout changes in between.
    @Test func theCheckoutAroundTheWorkingDirectoryNamesTheRepository() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cw-gh-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/.git", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func remote(_ url: String) throws {
            try "[remote \"origin\"]\n\turl = \(url)\n".write(toFile: dir + "/.git/config", atomically: true, encoding: .utf8)
        }
        try "ref: refs/heads/main\n".write(toFile: dir + "/.git/HEAD", atomically: true, encoding: .utf8)
        try remote("https://github.com/O/R.git")
        let invocation = Invocation(["pr", "list"], workingDirectory: dir + "/src")
        let decision = GhPolicy.spec.decide(invocation)
        #expect(decision.context == .repository)
        #expect(decision.scope == Scope(area: "gh:github.com", item: "o/r"))
        try remote("https://github.com/o/other.git")
        #expect(invocation.git.map { String(decoding: $0.remoteLines, as: UTF8.self) }
                == "[remote \"origin\"]\nurl = https://github.com/O/R.git", "read once, when the scope asked")
        #expect(GhPolicy.spec.decide(Invocation(["pr", "list"], workingDirectory: dir)).scope.item == "o/other")
    }
}
