/// GitHub CLI rules (docs/architecture.md, Policies): read commands are cached by TTL class; anything that
/// writes, prompts, opens a browser or prints a token runs untouched.
public enum GhPolicy {
    static let metadata: Set<String> = [
        "repo view", "repo list", "release list", "release view", "workflow list", "workflow view", "label list",
        "gist list", "gist view", "org list", "ruleset list", "ruleset view", "ruleset check", "secret list",
        "variable list", "variable get",
    ]
    static let live: Set<String> = [
        "pr list", "pr view", "pr status", "pr checks", "pr diff", "issue list", "issue view", "issue status",
        "run list", "run view", "cache list", "status",
    ]

    /// Verbs that change something on GitHub (or local gh state): never cached or retried.
    static let mutatingVerbs: Set<String> = [
        "create", "edit", "merge", "close", "reopen", "comment", "delete", "rerun", "cancel", "set",
        "review", "ready", "lock", "unlock", "pin", "unpin", "transfer", "develop", "archive",
        "unarchive", "rename", "fork", "sync", "upload", "enable", "disable", "run", "add", "remove",
        "import", "logout", "setup-git", "install", "upgrade", "clone", "checkout", "download", "delete-asset",
        "set-default",
    ]

    /// Commands whose output does not depend on the repository around the working directory.
    static let repositoryFree: Set<String> = [
        "auth status", "status", "search", "gist list", "gist view", "org list", "repo list", "version", "help",
        "copilot explain",
    ]

    /// Flags (of any gh command) that take a value, so the value is not mistaken for an argument.
    /// `-h` is --hostname under `gh auth` and help elsewhere, where it comes last anyway.
    static let valueFlags: Set<String> = [
        "-R", "--repo", "-j", "--job", "--attempt", "-q", "--jq", "-t", "--template", "--json", "-L", "--limit",
        "-s", "--state", "-a", "--assignee", "-A", "--author", "-l", "--label", "-B", "--base", "-H", "--head",
        "-S", "--search", "--app", "-b", "--branch", "-u", "--user", "-e", "--event", "-c", "--commit",
        "-w", "--workflow", "-O", "--org", "--ref", "--created", "--mention", "-m", "--milestone",
        "--visibility", "--topic", "--language", "--source", "--filename", "-r", "--rev", "--order", "--sort",
        "--key", "--env", "-E", "--hostname", "-h", "-p", "--preview", "--status", "-X", "--method", "-f",
        "--raw-field", "-F", "--field", "--input", "--header", "--cache", "--title", "--body", "--body-file",
        "--notes", "--color", "--description",
    ]

    static let rules: [Rule] = [
        Rule(.any([.exactly(["--version"]), .operation(["version"])]), .cacheable(.static), "gh's version is static",
             operation: "version"),
        Rule(.any([.option(["--help"]), .all([.option(["-h"]), .not(.operation(["auth *"]))]), .operation(["help *"])]),
             .cacheable(.static), "help text is static", operation: "help"),
        Rule(.any([.flag(["--web"]), .all([.flag(["-w"]), .not(.operation(["run list"]))]), .operation(["browse"])]),
             .passthrough, "opens a browser"),
        Rule(.operation(["auth token"]), .passthrough, "prints a token: never stored"),
        Rule(.all([.operation(["auth status"]), .flag(["--show-token", "-t"])]), .passthrough,
             "--show-token prints a token: never stored"),
        Rule(.any([.operation(["auth login", "auth refresh", "auth switch", "run watch", "codespace ssh",
                               "copilot suggest"]),
                   .all([.operation(["pr checks"]), .flag(["--watch"])])]),
             .interactive, "interactive: needs the terminal"),
        Rule(.operation(["search *"]), .cacheable(.live), "gh search is read-only"),
        Rule(.all([.operation(["api"]), .custom { GhAPIRule.isReadOnly($0.args) }]), .cacheable(.live),
             "gh api GET/HEAD (or a GraphQL query) is read-only"),
        Rule(.operation(["api"]), .mutating,
             "gh api with another method, fields without -X GET (gh sends POST), a file or stdin body, or a GraphQL mutation"),
        Rule(.all([.verb(["create"]), .custom(createPrompts)]), .interactive, "a create with nothing to create from prompts",
             invalidates: true),
        // `repo set-default` writes `gh-resolved` into .git/config (read by the key's repository
        // context); `--view` only prints it, a bare one asks which repository.
        Rule(.all([.operation(["repo set-default"]), .flag(["--view", "-v"])]), .passthrough,
             "prints the default repository from .git/config: nothing to save"),
        Rule(.all([.operation(["repo set-default"]), .noArguments, .not(.flag(["--unset", "-u"]))]), .interactive,
             "without a repository it asks which one", invalidates: true),
        Rule(.verb(mutatingVerbs), .mutating, "changes state on GitHub"),
        Rule(.all([.operation(["run view", "workflow view", "gist view", "ruleset view"]), .noArguments,
                   .not(.flag(["--job", "-j"]))]),
             .interactive, "without an argument it asks which one"),
        Rule(.operation(metadata), .cacheable(.metadata), "read-only metadata"),
        Rule(.operation(live), .cacheable(.live), "read-only live state"),
        Rule(.operation(["auth status"]), .cacheable(.identity), "who is logged in"),
        Rule(.operation(["copilot explain"]), .cacheable(.prompt), "an explanation is a read-only prompt"),
    ]

    public static var spec: PolicySpec {
        var spec = PolicySpec(tool: "gh", rules: rules)
        spec.valueFlags = valueFlags
        spec.singleWordGroups = ["status", "api", "browse", "search"]
        spec.keyEnv = [
            "GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GH_HOST", "GH_REPO",
            "GH_CONFIG_DIR", "XDG_CONFIG_HOME", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "GH_FORCE_TTY",
            "GLAMOUR_STYLE", "GH_DEBUG", "DEBUG",  // debug runs add a trace to stderr
        ]
        spec.identityFiles = { [hostsFile($0)] }
        spec.context = context
        spec.scope = GhScope.of
        spec.revalidation = GhRevalidation.of
        spec.keysStdin = { shape in shape.args.contains("-") || shape.args.contains { $0.hasSuffix("@-") } }
        spec.transient = ["(HTTP 429)", "(HTTP 500)", "(HTTP 502)", "(HTTP 503)", "(HTTP 504)", "HTTP 502:",
                          "HTTP 503:", "HTTP 504:", "API rate limit exceeded", "secondary rate limit",
                          "connection reset", "i/o timeout", "error connecting to"].map { OutputCheck(.stderr, $0) }
        spec.retries = 3
        spec.terminalEnvironment = ["GH_PAGER": "cat"]
        // GitHub's primary limit for a signed-in user: 5,000 REST requests an hour (GraphQL
        // has 5,000 points an hour of its own).
        spec.hourlyLimit = HourlyLimit(requests: 5000, name: "REST")
        return spec
    }

    /// The repository around the working directory, unless the command names one (`-R`,
    /// `GH_REPO`) or does not depend on one.
    static func context(_ shape: ArgvShape, _ invocation: Invocation) -> KeyContext {
        if shape.operation == "api" {
            return shape.args.contains { $0.contains("{owner}") || $0.contains("{repo}") || $0.contains("{branch}") }
                ? .repository : .none
        }
        let explicit = shape.has("-R") || shape.has("--repo") || invocation.environment.nonEmpty("GH_REPO") != nil
        let free = repositoryFree.contains(shape.operation) || repositoryFree.contains(shape.words.first ?? "")
        let namesRepo = shape.operation == "repo view" && !shape.arguments.isEmpty
        return explicit || free || namesRepo ? .none : .repository
    }

    /// Whether a create will prompt: `pr create`/`issue create` without title or body flags, and
    /// any other create given nothing at all to create from.
    static func createPrompts(_ shape: ArgvShape) -> Bool {
        guard shape.words.first == "pr" || shape.words.first == "issue" else { return shape.args.count <= 2 }
        return !shape.hasAny(["-t", "--title", "-b", "--body", "-F", "--body-file", "-f", "--fill", "--fill-first",
                              "--fill-verbose", "-T", "--template"])
    }

    /// `$GH_CONFIG_DIR/hosts.yml`: whose token gh uses, so a login change is a new key.
    static func hostsFile(_ invocation: Invocation) -> String {
        let env = invocation.environment
        if let dir = env.nonEmpty("GH_CONFIG_DIR") { return dir + "/hosts.yml" }
        if let xdg = env.nonEmpty("XDG_CONFIG_HOME") { return xdg + "/gh/hosts.yml" }
        return invocation.homeDirectory + "/.config/gh/hosts.yml"
    }
}
