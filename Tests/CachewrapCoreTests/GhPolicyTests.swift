import Testing

@testable import CachewrapCore

/// Guards gh's policy (docs/architecture.md, Policies): which argv shapes are cached (and for how long),
/// which are interactive, which mutate, which pass through, and `gh api`'s effective-method rule.
/// (What a decision puts into the key: `GhKeyInputsTests`.)
@Suite struct GhPolicyTests {
    static let cases: [PolicyCase] = [
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
        .never(.mutating, ["api", "-X", "POST", "repos/o/r/issues"], "api"),
        .never(.mutating, ["api", "repos/o/r/issues", "-f", "title=x"], "api"),
        .never(.mutating, ["api", "repos/o/r/issues", "--raw-field", "title=x"], "api"),
        .never(.mutating, ["api", "repos/o/r/issues", "--field", "title=x"], "api"),
        .never(.mutating, ["api", "-XPOST", "repos/o/r/issues"], "api"),
        .never(.mutating, ["api", "--method=PATCH", "repos/o/r/issues/1"], "api"),
        .never(.mutating, ["api", "-X", "DELETE", "repos/o/r/labels/bug"], "api"),
        .never(.mutating, ["api", "repos/o/r/issues/1/comments", "-F", "body=@file.md"], "api"),
        .never(.mutating, ["api", "-X", "GET", "search/issues", "-F", "q=@query.txt"], "api"),
        .never(.mutating, ["api", "repos/o/r/issues", "--input", "payload.json"], "api"),
        .never(.mutating, ["api", "-X", "GET", "repos/o/r", "--input", "-"], "api"),
        .never(.mutating, ["api", "graphql", "-f", "query=mutation { addStar(input: {}) { clientMutationId } }"], "api"),

        // Never cached: tokens, browsers.
        .never(.passthrough, ["auth", "token"], "auth token"),
        .never(.passthrough, ["auth", "status", "--show-token"], "auth status"),
        .never(.passthrough, ["auth", "status", "-t"], "auth status"),
        .never(.passthrough, ["pr", "view", "12", "--web"]),
        .never(.passthrough, ["pr", "list", "-w"]),
        .never(.passthrough, ["repo", "view", "--web"]),
        .never(.passthrough, ["issue", "view", "7", "-w"]),
        .never(.passthrough, ["search", "repos", "swift", "--web"]),
        .never(.passthrough, ["browse"], "browse"),
        .never(.passthrough, ["browse", "src/main.swift", "--branch", "dev"], "browse"),
        .never(.passthrough, [], "gh"),
        .never(.passthrough, ["extension", "list"]),

        // Mutating verbs.
        .never(.mutating, ["pr", "create", "--title", "t", "--body", "b"], "pr create"),
        .never(.mutating, ["issue", "create", "-t", "t", "-b", "b"], "issue create"),
        .never(.mutating, ["pr", "create", "--fill"], "pr create"),
        .never(.mutating, ["pr", "edit", "12", "--add-label", "bug"], "pr edit"),
        .never(.mutating, ["pr", "merge", "12", "--squash"], "pr merge"),
        .never(.mutating, ["pr", "close", "12"], "pr close"),
        .never(.mutating, ["issue", "close", "7"], "issue close"),
        .never(.mutating, ["issue", "comment", "7", "--body", "hi"], "issue comment"),
        .never(.mutating, ["pr", "comment", "12", "-b", "lgtm"], "pr comment"),
        .never(.mutating, ["repo", "delete", "o/r", "--yes"], "repo delete"),
        .never(.mutating, ["release", "delete", "v1.0.0", "--yes"], "release delete"),
        .never(.mutating, ["run", "rerun", "123456"], "run rerun"),
        .never(.mutating, ["run", "cancel", "123456"], "run cancel"),
        .never(.mutating, ["secret", "set", "TOKEN", "--body", "x"], "secret set"),
        .never(.mutating, ["variable", "set", "NAME", "--body", "x"], "variable set"),
        .never(.mutating, ["label", "edit", "bug", "--color", "ff0000"], "label edit"),
        .never(.mutating, ["workflow", "run", "ci.yml"], "workflow run"),

        // Interactive.
        .never(.interactive, ["auth", "login"], "auth login"),
        .never(.interactive, ["auth", "refresh"], "auth refresh"),
        .never(.interactive, ["auth", "switch"], "auth switch"),
        .never(.interactive, ["pr", "create"], "pr create"),
        .never(.interactive, ["issue", "create"], "issue create"),
        .never(.interactive, ["run", "watch", "123456"], "run watch"),
        .never(.interactive, ["run", "view"], "run view"),
        .never(.interactive, ["workflow", "view"], "workflow view"),
        .never(.interactive, ["pr", "checks", "12", "--watch"], "pr checks"),
        .never(.interactive, ["codespace", "ssh"], "codespace ssh"),
        // More shapes: version, token/browser flags, api method and file rules.
        .cache(["version"], "version", .static),
        .cache(["help", "pr"], "help", .static),
        .never(.passthrough, ["auth", "status", "--hostname", "github.com", "--show-token"], "auth status"),
        .never(.passthrough, ["run", "view", "123456", "-w"], "run view"),
        .never(.interactive, ["copilot", "suggest", "undo"], "copilot suggest"),
        // Regressions: --version/--help without a command, -h as --hostname under auth,
        // --flag=true forms, creates that carry their content, copilot explain.
        .cache(["--version"], "version", .static),
        .cache(["--help"], "help", .static),
        .cache(["pr", "list", "-h"], "help", .static),
        .never(.passthrough, ["auth", "token", "-h", "github.com"], "auth token"),
        .never(.passthrough, ["auth", "status", "-h", "github.com", "-t"], "auth status"),
        .cache(["auth", "status", "-h", "github.com"], "auth status", .identity),
        .never(.interactive, ["auth", "login", "-h", "github.com"], "auth login"),
        .never(.interactive, ["auth", "refresh", "-h", "github.com", "-s", "repo"], "auth refresh"),
        .never(.mutating, ["auth", "logout", "-h", "github.com"], "auth logout"),
        .never(.passthrough, ["pr", "view", "12", "--web=true"]),
        .never(.interactive, ["pr", "checks", "12", "--watch=true"], "pr checks"),
        .never(.mutating, ["release", "create", "v1", "--notes", "x"], "release create"),
        .never(.mutating, ["label", "create", "bug"], "label create"),
        .never(.mutating, ["repo", "create", "x", "--public"], "repo create"),
        .never(.interactive, ["repo", "create"], "repo create"),
        .cache(["copilot", "explain", "git log"], "copilot explain", .prompt),
        .never(.mutating, ["api", "graphql", "-F", "query=@q.graphql"], "api"),
        .never(.mutating, ["api", "graphql", "--input", "q.json"], "api"),
        .never(.mutating, ["api", "graphql", "-f", "query=query { viewer { login } }", "-X", "GET"], "api"),
        .never(.mutating, ["api", "user", "-X", "POST"], "api"),
        .never(.mutating, ["api", "repos/o/r/issues", "-ftitle=x"], "api"),
        .never(.mutating, ["api", "repos/o/r/issues", "--input=payload.json"], "api"),
        .never(.mutating, ["api", "repos/o/r/dispatches", "--method", "post"], "api"),
        .never(.mutating, ["api", "repos/o/r", "--method", "GET", "-X", "POST"], "api"),
        // Shorthand clusters, read as gh's flag library reads them: `-iXPOST` is -i, then -X POST.
        .never(.mutating, ["api", "-iXPOST", "repos/o/r/issues"], "api"),
        .never(.mutating, ["api", "repos/o/r/labels/bug", "-iX", "DELETE"], "api"),
        .never(.mutating, ["api", "repos/o/r/issues", "-if", "title=x"], "api"),
        .never(.mutating, ["api", "repos/o/r/issues", "-iFtitle=x"], "api"),
        .never(.mutating, ["api", "-X", "GET", "search/issues", "-iF", "q=@query.txt"], "api"),
        .cache(["api", "-X=GET", "repos/o/r", "-f", "per_page=5"], "api", .live),
        .cache(["api", "-iH", "Accept: application/json", "repos/o/r"], "api", .live),
        // gh sends the last of repeated fields, so every query= must be a query.
        .never(.mutating, ["api", "graphql", "-f", "query=query { viewer { login } }", "-f", "query=mutation { x }"], "api"),
        // set-default writes gh-resolved into .git/config: with a repository or --unset it is a
        // change, bare it asks which one, --view only prints it.
        .never(.mutating, ["repo", "set-default", "o/r"], "repo set-default"),
        .never(.mutating, ["repo", "set-default", "--unset"], "repo set-default"),
        .never(.mutating, ["repo", "set-default", "-u"], "repo set-default"),
        .never(.interactive, ["repo", "set-default"], "repo set-default"),
        .never(.passthrough, ["repo", "set-default", "--view"], "repo set-default"),
        .never(.passthrough, ["repo", "set-default", "-v"], "repo set-default"),
    ]

    @Test(arguments: GhPolicyTests.cases)
    func classifies(_ c: PolicyCase) { c.check(GhPolicy.spec) }

    @Test func hasEnoughCases() {
        #expect(GhPolicyTests.cases.count >= 40)
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

    @Test func policyRegistryKnowsGh() {
        #expect(Policies.named("gh")?.tool == "gh")
        #expect(Policies.named("definitely-not-a-tool") == nil)
    }
}
