import Testing

@testable import CachewrapCore

/// Guards gh's policy (docs/architecture.md, Policies): which argv shapes are cached (and for how long),
/// which are interactive, which mutate, which pass through; `gh api`'s effective-method rule;
/// the repository context of a key; and credential headers marked secret.
@Suite struct GhPolicyTests {
    /// One argv and the verdict the policy must give it (docs/architecture.md, Policies). `ttl` is checked for cacheable cases only.
    struct Case: Sendable, CustomTestStringConvertible {
        let argv: [String]
        /// nil: anything but cacheable (the policy table only says "never cached").
        let expected: CommandClass?
        let operation: String?
        let ttl: TTLClass?

        var testDescription: String {
            "gh " + argv.joined(separator: " ") + " → " + (expected?.name ?? "not cacheable")
        }

        static func cache(_ argv: [String], _ operation: String, _ ttl: TTLClass) -> Case {
            Case(argv: argv, expected: .cacheable(ttl), operation: operation, ttl: ttl)
        }
        static func interactive(_ argv: [String], _ operation: String? = nil) -> Case {
            Case(argv: argv, expected: .interactive, operation: operation, ttl: nil)
        }
        static func mutating(_ argv: [String], _ operation: String? = nil) -> Case {
            Case(argv: argv, expected: .mutating, operation: operation, ttl: nil)
        }
        static func notCacheable(_ argv: [String]) -> Case {
            Case(argv: argv, expected: nil, operation: nil, ttl: nil)
        }
        static func passthrough(_ argv: [String], _ operation: String? = nil) -> Case {
            Case(argv: argv, expected: .passthrough, operation: operation, ttl: nil)
        }
    }

    static let cases: [Case] = [
        // Cacheable read commands named in docs/architecture.md, Policies.
        .cache(["repo", "view"], "repo view", .metadata),
        .cache(["repo", "view", "cli/cli"], "repo view", .metadata),
        .cache(["repo", "list", "octocat"], "repo list", .metadata),
        .cache(["pr", "list"], "pr list", .live),
        .cache(["pr", "list", "--state", "merged", "-L", "5"], "pr list", .live),
        .cache(["pr", "view", "12"], "pr view", .live),
        .cache(["pr", "status"], "pr status", .live),
        .cache(["pr", "checks", "12"], "pr checks", .live),
        .cache(["pr", "diff", "12"], "pr diff", .live),
        .cache(["issue", "list", "--label", "bug"], "issue list", .live),
        .cache(["issue", "view", "7"], "issue view", .live),
        .cache(["issue", "status"], "issue status", .live),
        .cache(["release", "list"], "release list", .metadata),
        .cache(["release", "view", "v1.0.0"], "release view", .metadata),
        .cache(["run", "list"], "run list", .live),
        .cache(["run", "list", "-w", "ci.yml"], "run list", .live),
        .cache(["run", "view", "123456"], "run view", .live),
        .cache(["run", "view", "123456", "--log"], "run view", .live),
        .cache(["workflow", "list"], "workflow list", .metadata),
        .cache(["workflow", "view", "ci.yml"], "workflow view", .metadata),
        .cache(["search", "repos", "swift", "--limit", "3"], "search", .live),
        .cache(["search", "issues", "crash"], "search", .live),
        .cache(["search", "prs", "--author", "octocat"], "search", .live),
        .cache(["label", "list"], "label list", .metadata),
        .cache(["gist", "list"], "gist list", .metadata),
        .cache(["gist", "view", "abc123"], "gist view", .metadata),
        .cache(["org", "list"], "org list", .metadata),
        .cache(["ruleset", "list"], "ruleset list", .metadata),
        .cache(["ruleset", "view", "42"], "ruleset view", .metadata),
        .cache(["ruleset", "check", "main"], "ruleset check", .metadata),
        .cache(["cache", "list"], "cache list", .live),
        .cache(["secret", "list"], "secret list", .metadata),
        .cache(["variable", "list"], "variable list", .metadata),
        .cache(["variable", "get", "NAME"], "variable get", .metadata),
        .cache(["status"], "status", .live),
        .cache(["auth", "status"], "auth status", .identity),
        .cache(["auth", "status", "--hostname", "github.com"], "auth status", .identity),
        .cache(["pr", "list", "--help"], "help", .static),

        // gh api: cacheable only when the effective method is GET/HEAD.
        .cache(["api", "repos/o/r"], "api", .live),
        .cache(["api", "-X", "GET", "search/issues", "-f", "q=x"], "api", .live),
        .cache(["api", "--method", "GET", "repos/o/r/issues", "-f", "state=open"], "api", .live),
        .cache(["api", "-XGET", "repos/o/r", "-F", "per_page=5"], "api", .live),
        .cache(["api", "-X", "HEAD", "repos/o/r"], "api", .live),
        .cache(["api", "graphql", "-f", "query=query { viewer { login } }"], "api", .live),
        .mutating(["api", "-X", "POST", "repos/o/r/issues"], "api"),
        .mutating(["api", "repos/o/r/issues", "-f", "title=x"], "api"),
        .mutating(["api", "repos/o/r/issues", "--raw-field", "title=x"], "api"),
        .mutating(["api", "repos/o/r/issues", "--field", "title=x"], "api"),
        .mutating(["api", "-XPOST", "repos/o/r/issues"], "api"),
        .mutating(["api", "--method=PATCH", "repos/o/r/issues/1"], "api"),
        .mutating(["api", "-X", "DELETE", "repos/o/r/labels/bug"], "api"),
        .mutating(["api", "repos/o/r/issues/1/comments", "-F", "body=@file.md"], "api"),
        .notCacheable(["api", "-X", "GET", "search/issues", "-F", "q=@query.txt"]),
        .notCacheable(["api", "repos/o/r/issues", "--input", "payload.json"]),
        .notCacheable(["api", "-X", "GET", "repos/o/r", "--input", "-"]),
        .mutating(["api", "graphql", "-f", "query=mutation { addStar(input: {}) { clientMutationId } }"], "api"),

        // Never cached: tokens, browsers.
        .passthrough(["auth", "token"], "auth token"),
        .passthrough(["auth", "status", "--show-token"], "auth status"),
        .passthrough(["auth", "status", "-t"], "auth status"),
        .passthrough(["pr", "view", "12", "--web"]),
        .passthrough(["pr", "list", "-w"]),
        .passthrough(["repo", "view", "--web"]),
        .passthrough(["issue", "view", "7", "-w"]),
        .passthrough(["search", "repos", "swift", "--web"]),
        .passthrough(["browse"], "browse"),
        .passthrough(["browse", "src/main.swift", "--branch", "dev"], "browse"),
        .passthrough([], "gh"),
        .passthrough(["extension", "list"]),

        // Mutating verbs.
        .mutating(["pr", "create", "--title", "t", "--body", "b"], "pr create"),
        .mutating(["issue", "create", "-t", "t", "-b", "b"], "issue create"),
        .mutating(["pr", "create", "--fill"], "pr create"),
        .mutating(["pr", "edit", "12", "--add-label", "bug"], "pr edit"),
        .mutating(["pr", "merge", "12", "--squash"], "pr merge"),
        .mutating(["pr", "close", "12"], "pr close"),
        .mutating(["issue", "close", "7"], "issue close"),
        .mutating(["issue", "comment", "7", "--body", "hi"], "issue comment"),
        .mutating(["pr", "comment", "12", "-b", "lgtm"], "pr comment"),
        .mutating(["repo", "delete", "o/r", "--yes"], "repo delete"),
        .mutating(["release", "delete", "v1.0.0", "--yes"], "release delete"),
        .mutating(["run", "rerun", "123456"], "run rerun"),
        .mutating(["run", "cancel", "123456"], "run cancel"),
        .mutating(["secret", "set", "TOKEN", "--body", "x"], "secret set"),
        .mutating(["variable", "set", "NAME", "--body", "x"], "variable set"),
        .mutating(["label", "edit", "bug", "--color", "ff0000"], "label edit"),
        .mutating(["workflow", "run", "ci.yml"], "workflow run"),

        // Interactive.
        .interactive(["auth", "login"], "auth login"),
        .interactive(["auth", "refresh"], "auth refresh"),
        .interactive(["auth", "switch"], "auth switch"),
        .interactive(["pr", "create"], "pr create"),
        .interactive(["issue", "create"], "issue create"),
        .interactive(["run", "watch", "123456"], "run watch"),
        .interactive(["run", "view"], "run view"),
        .interactive(["workflow", "view"], "workflow view"),
        .interactive(["pr", "checks", "12", "--watch"], "pr checks"),
        .interactive(["codespace", "ssh"], "codespace ssh"),
        // More shapes: version, token/browser flags, api method and file rules.
        .cache(["version"], "version", .static),
        .cache(["help", "pr"], "help", .static),
        .notCacheable(["auth", "status", "--hostname", "github.com", "--show-token"]),
        .notCacheable(["run", "view", "123456", "-w"]),
        .interactive(["copilot", "suggest", "undo"], "copilot suggest"),
        // Regressions: --version/--help without a command, -h as --hostname under auth,
        // --flag=true forms, creates that carry their content, copilot explain.
        .cache(["--version"], "version", .static),
        .cache(["--help"], "help", .static),
        .cache(["pr", "list", "-h"], "help", .static),
        .passthrough(["auth", "token", "-h", "github.com"], "auth token"),
        .passthrough(["auth", "status", "-h", "github.com", "-t"], "auth status"),
        .cache(["auth", "status", "-h", "github.com"], "auth status", .identity),
        .interactive(["auth", "login", "-h", "github.com"], "auth login"),
        .interactive(["auth", "refresh", "-h", "github.com", "-s", "repo"], "auth refresh"),
        .mutating(["auth", "logout", "-h", "github.com"], "auth logout"),
        .passthrough(["pr", "view", "12", "--web=true"]),
        .interactive(["pr", "checks", "12", "--watch=true"], "pr checks"),
        .mutating(["release", "create", "v1", "--notes", "x"], "release create"),
        .mutating(["label", "create", "bug"], "label create"),
        .mutating(["repo", "create", "x", "--public"], "repo create"),
        .interactive(["repo", "create"], "repo create"),
        .cache(["copilot", "explain", "git log"], "copilot explain", .prompt),
        .notCacheable(["api", "graphql", "-F", "query=@q.graphql"]),
        .notCacheable(["api", "graphql", "--input", "q.json"]),
        .notCacheable(["api", "graphql", "-f", "query=query { viewer { login } }", "-X", "GET"]),
        .notCacheable(["api", "user", "-X", "POST"]),
        .notCacheable(["api", "repos/o/r/issues", "-ftitle=x"]),
        .notCacheable(["api", "repos/o/r/issues", "--input=payload.json"]),
        .notCacheable(["api", "repos/o/r/dispatches", "--method", "post"]),
        .notCacheable(["api", "repos/o/r", "--method", "GET", "-X", "POST"]),
        // Shorthand clusters, read as gh's flag library reads them: `-iXPOST` is -i, then -X POST.
        .mutating(["api", "-iXPOST", "repos/o/r/issues"], "api"),
        .mutating(["api", "repos/o/r/labels/bug", "-iX", "DELETE"], "api"),
        .mutating(["api", "repos/o/r/issues", "-if", "title=x"], "api"),
        .mutating(["api", "repos/o/r/issues", "-iFtitle=x"], "api"),
        .notCacheable(["api", "-X", "GET", "search/issues", "-iF", "q=@query.txt"]),
        .cache(["api", "-X=GET", "repos/o/r", "-f", "per_page=5"], "api", .live),
        .cache(["api", "-iH", "Accept: application/json", "repos/o/r"], "api", .live),
        // gh sends the last of repeated fields, so every query= must be a query.
        .mutating(["api", "graphql", "-f", "query=query { viewer { login } }", "-f", "query=mutation { x }"], "api"),
        // set-default writes gh-resolved into .git/config: with a repository or --unset it is a
        // change, bare it asks which one, --view only prints it.
        .mutating(["repo", "set-default", "o/r"], "repo set-default"),
        .mutating(["repo", "set-default", "--unset"], "repo set-default"),
        .mutating(["repo", "set-default", "-u"], "repo set-default"),
        .interactive(["repo", "set-default"], "repo set-default"),
        .passthrough(["repo", "set-default", "--view"], "repo set-default"),
        .passthrough(["repo", "set-default", "-v"], "repo set-default"),
    ]

    @Test(arguments: GhPolicyTests.cases)
    func classifies(_ c: Case) {
        let d = GhPolicy.spec.decide(c.argv)
        if let expected = c.expected {
            #expect(d.commandClass == expected, "\(d.reason)")
        } else {
            #expect(!d.isCacheable, "\(d.reason)")
        }
        if let op = c.operation { #expect(d.operation == op) }
        if let ttl = c.ttl, c.expected?.isCacheable == true { #expect(d.ttlClass == ttl) }
    }

    @Test func hasEnoughCases() {
        #expect(GhPolicyTests.cases.count >= 40)
    }

    @Test func cacheableDecisionsCarryGhKeyEnv() {
        let d = GhPolicy.spec.decide(["pr", "list"])
        for name in ["GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GH_HOST",
                     "GH_REPO", "GH_CONFIG_DIR", "XDG_CONFIG_HOME", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE",
                     "GH_FORCE_TTY", "GLAMOUR_STYLE", "GH_DEBUG", "DEBUG"] {
            #expect(d.keyEnv.contains(name), "missing \(name)")
        }
        #expect(d.identityFiles.count == 1)
        #expect(d.identityFiles.first?.hasSuffix("hosts.yml") == true)
    }

    /// Every gh read may answer for the new default repository: drop them, unless it only prints.
    @Test func setDefaultDropsCachedEntriesUnlessItOnlyViews() {
        #expect(GhPolicy.spec.decide(["repo", "set-default", "o/r"]).invalidates)
        #expect(GhPolicy.spec.decide(["repo", "set-default"]).invalidates)
        #expect(!GhPolicy.spec.decide(["repo", "set-default", "--view"]).invalidates)
    }

    @Test func staticTTLIsADay() {
        #expect(TTLClass.static.seconds == 86_400)
        #expect(TTLClass.identity.seconds == 600)
        #expect(TTLClass.metadata.seconds == 3600)
        #expect(TTLClass.live.seconds == 60)
        #expect(TTLClass.market.seconds == 30)
    }

    // MARK: Key context

    /// GH_REPO in the test's own environment would make every gh call repository-free.
    private var ghRepoUnset: Bool { Environment.get("GH_REPO").map { $0.isEmpty } ?? true }

    @Test func prListDependsOnTheRepository() {
        guard ghRepoUnset else { return }
        #expect(GhPolicy.spec.decide(["pr", "list"]).context == .repository)
        #expect(GhPolicy.spec.decide(["issue", "view", "7"]).context == .repository)
        #expect(GhPolicy.spec.decide(["repo", "view"]).context == .repository)
    }

    @Test func explicitRepoDropsTheRepositoryContext() {
        #expect(GhPolicy.spec.decide(["pr", "list", "-R", "o/r"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["pr", "list", "--repo", "o/r"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["pr", "list", "--repo=o/r"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["repo", "view", "cli/cli"]).context == KeyContext.none)
    }

    @Test func apiContextFollowsPlaceholders() {
        #expect(GhPolicy.spec.decide(["api", "repos/o/r"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["api", "repos/{owner}/{repo}/pulls"]).context == .repository)
        #expect(GhPolicy.spec.decide(["api", "repos/{owner}/{repo}/branches/{branch}"]).context == .repository)
    }

    @Test func repositoryFreeCommandsHaveNoContext() {
        #expect(GhPolicy.spec.decide(["search", "repos", "x"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["auth", "status"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["status"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["gist", "list"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["repo", "list"]).context == KeyContext.none)
    }

    // MARK: Secrets and stdin

    @Test func authorizationHeaderIsSecret() {
        let args = ["api", "-H", "Authorization: token abc", "user"]
        let d = GhPolicy.spec.decide(args)
        #expect(d.commandClass == .cacheable(.live))
        #expect(d.redaction.redact(args) == [2: "Authorization: <redacted>"])
    }

    @Test func inlineAndLongAuthorizationHeadersAreSecret() {
        let args = ["api", "--header", "authorization: Bearer x", "-HX-Token: y", "--header=Authorization: z",
                    "-H", "Accept: application/json", "user"]
        let d = GhPolicy.spec.decide(args)
        #expect(d.commandClass == .cacheable(.live))
        #expect(d.redaction.redact(args) == [2: "authorization: <redacted>", 3: "-HX-Token: <redacted>", 4: "--header=Authorization: <redacted>"])
    }

    /// Found by the argv fuzzer (fuzz/corpus/argv/crash-dae068a694dd94012ac77d16b3aa93a84e622d9c):
    /// `-i...iFboyt` is a cluster ending in -F with the value "boyt", so gh sends a POST with a
    /// field; read as an unknown flag, it made the request look like a GET and got it cached.
    @Test func fuzzedShorthandClusterWithAFieldIsNotCached() {
        let args = ["api", "graphqiiiiiiiiry=querytl", "-" + String(repeating: "i", count: 34) + "Fboyt"]
        #expect(GhPolicy.spec.decide(args).commandClass == .mutating)
        #expect(GhAPIRule.parse(args).fields == ["boyt"])
    }

    /// Found by the argv fuzzer (fuzz/corpus/argv/crash-8e4c1701711cd6883e1438261218d54cab7b39e3):
    /// `-f -h=query=l` is a field whose value happens to start with `-h=`, but it was read as
    /// `-h`, and the help rule cached a request gh sends. The same went for any flag value that
    /// looks like help: a title of `--help=x` cached an issue create as help text.
    @Test func aFlagValueThatLooksLikeHelpIsNotHelp() {
        #expect(GhPolicy.spec.decide(["api", "graphql", "-f", "-h=query=l", "-Fboyt"]).commandClass == .mutating)
        #expect(GhPolicy.spec.decide(["api", "repos/o/r/issues", "-f", "-h=x", "-f", "title=y"]).commandClass == .mutating)
        #expect(GhPolicy.spec.decide(["issue", "create", "--title", "--help=x", "--body", "b"]).commandClass == .mutating)
        #expect(GhPolicy.spec.decide(["issue", "create", "--title", "-h", "--body", "b"]).commandClass == .mutating)
        // Help given as a flag is still help, wherever it sits.
        for args in [["issue", "create", "--title", "t", "--help"], ["pr", "list", "-L", "5", "-h"], ["api", "-h"]] {
            #expect(GhPolicy.spec.decide(args).operation == "help", "\(args)")
        }
    }

    /// A header in a shorthand cluster (`-iH VALUE`, `-iHVALUE`) is a header too: a credential
    /// in it must not reach the key in plain text.
    @Test func authorizationHeaderInAClusterIsSecret() {
        let args = ["api", "-iH", "Authorization: token abc", "-iHX-Token: y", "-iH", "Accept: text/plain", "user"]
        let d = GhPolicy.spec.decide(args)
        #expect(d.commandClass == .cacheable(.live))
        #expect(Set(d.redaction.redact(args).keys) == [2, 3])
    }

    @Test func plainHeadersAreNotSecret() {
        let args = ["api", "-H", "Accept: application/vnd.github.raw", "repos/o/r/readme"], d = GhPolicy.spec.decide(args)
        #expect(d.commandClass == .cacheable(.live))
        #expect(d.redaction.redact(args).isEmpty)
    }

    @Test func stdinIsKeyedOnlyWhenNamed() {
        #expect(GhPolicy.spec.decide(["pr", "list"]).keysStdin == false)
        #expect(GhPolicy.spec.decide(["api", "graphql", "-f", "query=query { viewer { login } }"]).keysStdin == false)
    }

    @Test func policyRegistryKnowsGh() {
        #expect(Policies.named("gh")?.tool == "gh")
        #expect(Policies.named("definitely-not-a-tool") == nil)
    }
}
