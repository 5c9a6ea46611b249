/// GitHub CLI rules (DESIGN.md section 6): read commands are cached by TTL class; anything that
/// writes, prompts, opens a browser or prints a token runs untouched.
public struct GhPolicy: ToolPolicy {
    public let tool = "gh"

    public init() {}

    /// Read-only commands and how long their answers stay fresh.
    static let cacheable: [String: TTLClass] = [
        "repo view": .metadata, "repo list": .metadata,
        "pr list": .live, "pr view": .live, "pr status": .live, "pr checks": .live, "pr diff": .live,
        "issue list": .live, "issue view": .live, "issue status": .live,
        "release list": .metadata, "release view": .metadata,
        "run list": .live, "run view": .live,
        "workflow list": .metadata, "workflow view": .metadata,
        "label list": .metadata, "gist list": .metadata, "gist view": .metadata, "org list": .metadata,
        "ruleset list": .metadata, "ruleset view": .metadata, "ruleset check": .metadata,
        "cache list": .live, "secret list": .metadata, "variable list": .metadata, "variable get": .metadata,
        "auth status": .identity, "status": .live, "api": .live, "copilot explain": .prompt,
    ]

    /// Read commands that pick from a menu when given no argument on a terminal.
    static let promptWithoutArgument: Set<String> = ["run view", "workflow view", "gist view", "ruleset view"]

    /// Commands that are interactive by nature.
    static let interactive: Set<String> = [
        "auth login", "auth refresh", "auth switch", "run watch", "codespace ssh", "copilot suggest",
    ]

    /// Verbs that change something on GitHub (or the local gh state): never cached or retried.
    static let mutatingVerbs: Set<String> = [
        "create", "edit", "merge", "close", "reopen", "comment", "delete", "rerun", "cancel", "set",
        "review", "ready", "lock", "unlock", "pin", "unpin", "transfer", "develop", "archive",
        "unarchive", "rename", "fork", "sync", "upload", "enable", "disable", "run", "add", "remove",
        "import", "logout", "setup-git", "install", "upgrade", "clone", "checkout", "download", "delete-asset",
    ]

    /// Commands whose output does not depend on the repository around the working directory.
    static let repositoryFree: Set<String> = [
        "auth status", "status", "search", "gist list", "gist view", "org list", "repo list",
        "version", "help",
    ]

    static let keyEnv = [
        "GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GH_HOST", "GH_REPO",
        "GH_CONFIG_DIR", "XDG_CONFIG_HOME", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "GH_FORCE_TTY",
        "GLAMOUR_STYLE",
    ]

    /// Flags (of any gh command) that take a value, so the value is not mistaken for an argument.
    static let valueFlags: Set<String> = [
        "-R", "--repo", "-j", "--job", "--attempt", "-q", "--jq", "-t", "--template", "--json", "-L", "--limit",
        "-s", "--state", "-a", "--assignee", "-A", "--author", "-l", "--label", "-B", "--base", "-H", "--head",
        "-S", "--search", "--app", "-b", "--branch", "-u", "--user", "-e", "--event", "-c", "--commit",
        "-w", "--workflow", "-O", "--org", "--ref", "--created", "--mention", "-m", "--milestone",
        "--visibility", "--topic", "--language", "--source", "--filename", "-r", "--rev", "--order", "--sort",
        "--key", "--env", "-E", "--hostname", "-p", "--preview", "--status",
    ]

    public func decide(_ args: [String]) -> Decision {
        let words = GhPolicy.words(args)
        // Under `gh auth`, -h is --hostname; everywhere else it is help.
        let wantsHelp = GhPolicy.has(args, "--help") || (args.first != "auth" && args.contains("-h"))
            || words.first == "help"
        if words.isEmpty && args == ["--version"] || words == ["version"] {
            return finish(Decision(.cacheable, "gh version is static", operation: "version"), ttl: .static, args)
        }
        if wantsHelp {
            return finish(Decision(.cacheable, "help text is static", operation: "help"), ttl: .static, args)
        }
        guard let group = words.first else {
            return Decision(.passthrough, "bare gh prints usage", operation: "gh")
        }
        let singleWord = ["status", "api", "browse", "search"].contains(group)
        let operation = singleWord || words.count < 2 ? group : "\(group) \(words[1])"
        if GhPolicy.has(args, "--web") || (args.contains("-w") && operation != "run list") {
            return Decision(.passthrough, "--web opens a browser", operation: operation)
        }
        if group == "browse" { return Decision(.passthrough, "gh browse opens a browser", operation: operation) }
        if operation == "auth token" { return Decision(.passthrough, "prints a token: never stored", operation: operation) }
        if operation == "auth status" && (GhPolicy.has(args, "--show-token") || args.contains("-t")) {
            return Decision(.passthrough, "--show-token prints a token: never stored", operation: operation)
        }
        if GhPolicy.interactive.contains(operation) || (operation == "pr checks" && GhPolicy.has(args, "--watch")) {
            return Decision(.interactive, "\(operation) is interactive", operation: operation)
        }
        if group == "search" {
            return finish(Decision(.cacheable, "gh search is read-only", operation: operation), ttl: .live, args)
        }
        if group == "api" { return GhAPIRule.decide(args).map { finish($0, ttl: .live, args) } ?? apiPassthrough(args) }
        if let verb = words.dropFirst().first, GhPolicy.mutatingVerbs.contains(verb) {
            if verb == "create" && GhPolicy.createPrompts(group: group, args: args) {
                return Decision(.interactive, "\(operation) without --title/--body prompts", operation: operation)
            }
            return Decision(.mutating, "\(operation) changes state", operation: operation)
        }
        guard let ttl = GhPolicy.cacheable[operation] else {
            return Decision(.passthrough, "\(operation) is not on gh's read-only list", operation: operation)
        }
        if GhPolicy.promptWithoutArgument.contains(operation) && words.count < 3 && !args.contains("--job") && !args.contains("-j") {
            return Decision(.interactive, "\(operation) without an argument asks which one", operation: operation)
        }
        return finish(Decision(.cacheable, "\(operation) is read-only", operation: operation), ttl: ttl, args)
    }

    private func apiPassthrough(_ args: [String]) -> Decision {
        Decision(.mutating, GhAPIRule.whyNotCacheable(args), operation: "api")
    }

    /// Fills in what every cacheable gh call keys on.
    private func finish(_ decision: Decision, ttl: TTLClass, _ args: [String]) -> Decision {
        var d = decision
        d.ttlClass = ttl
        d.keyEnv = GhPolicy.keyEnv
        d.identityFiles = [GhPolicy.hostsFile()]
        d.keysStdin = args.contains("-") || args.contains { $0.hasSuffix("@-") }
        d.secretArguments = GhAPIRule.secretHeaderIndexes(args)
        let explicitRepo = args.contains { $0 == "-R" || $0 == "--repo" || $0.hasPrefix("--repo=") }
            || Environment.get("GH_REPO").map { !$0.isEmpty } == true
        let free = GhPolicy.repositoryFree.contains(d.operation) || GhPolicy.repositoryFree.contains(
            String(d.operation.split(separator: " ").first ?? ""))
        if d.operation == "api" {
            d.context = args.contains { $0.contains("{owner}") || $0.contains("{repo}") || $0.contains("{branch}") }
                ? .repository : .none
        } else if !explicitRepo && !free && !(d.operation == "repo view" && GhPolicy.words(args).count > 2) {
            d.context = .repository
        }
        return d
    }

    /// Positional words: the command path and its arguments, without flags and flag values.
    static func words(_ args: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" { out.append(contentsOf: args[(i + 1)...]); break }
            if a.hasPrefix("-") && a != "-" {
                if valueFlags.contains(a) || (a == "-h" && args.first == "auth") { i += 1 }
            } else {
                out.append(a)
            }
            i += 1
        }
        return out
    }

    /// A boolean flag given as `--flag` or `--flag=VALUE` (anything but false), as gh's flag
    /// parser accepts both.
    static func has(_ args: [String], _ flag: String) -> Bool {
        args.contains { $0 == flag || ($0.hasPrefix(flag + "=") && $0 != flag + "=false") }
    }

    /// Whether a create will prompt: `pr create`/`issue create` without title or body flags, and
    /// any other create given nothing at all to create from.
    static func createPrompts(group: String, args: [String]) -> Bool {
        guard group == "pr" || group == "issue" else { return args.count <= 2 }
        return !args.contains { a in
            ["-t", "--title", "-b", "--body", "-F", "--body-file", "-f", "--fill", "--fill-first", "--fill-verbose",
             "--web", "-w", "-T", "--template"].contains(a) || a.hasPrefix("--title=") || a.hasPrefix("--body=")
        }
    }

    /// `$GH_CONFIG_DIR/hosts.yml`: whose token gh uses, so a login change is a new key.
    static func hostsFile() -> String {
        if let dir = Environment.get("GH_CONFIG_DIR"), !dir.isEmpty { return dir + "/hosts.yml" }
        if let xdg = Environment.get("XDG_CONFIG_HOME"), !xdg.isEmpty { return xdg + "/gh/hosts.yml" }
        return CacheLocation.homeDirectory() + "/.config/gh/hosts.yml"
    }
}
