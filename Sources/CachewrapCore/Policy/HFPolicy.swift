/// hf rules (huggingface_hub 2.x, docs/architecture.md, Policies): Hub reads are cached by TTL class,
/// `download` is retried but never stored, and anything that writes, prompts or prints a token
/// runs untouched. Commands are `group verb` (`models info`), a few are nested one level deeper
/// (`repos tag list`), and a few are single words (`download`, `env`).
public enum HFPolicy {
    /// Who is logged in (`auth ls` is an alias of `auth list`).
    static let identity: Set<String> = ["auth whoami", "auth list", "auth ls"]
    /// Hub metadata that changes on the scale of hours; `ls` is hf's alias of `list`.
    static let metadata: Set<String> = [
        "models info", "models list", "models ls", "models card", "datasets info", "datasets list", "datasets ls",
        "datasets card", "spaces info", "spaces list", "spaces ls", "spaces card", "papers *", "collections info",
        "collections list", "collections ls", "repos list",
    ]
    /// State that moves within minutes: jobs, endpoints (scale, pause), discussions (hf's PRs and
    /// issues, which count as live state for gh too), and the local download cache.
    static let live: Set<String> = [
        "discussions info", "discussions list", "discussions ls", "discussions diff", "jobs list", "jobs ls",
        "jobs ps", "jobs inspect", "endpoints list", "endpoints describe", "cache list", "cache ls", "cache verify",
    ]
    /// Groups whose commands are one level deeper (`repos tag create`): their verb is the third word.
    static let nestedGroups: Set<String> = [
        "repos tag", "repos branch", "spaces secrets", "spaces variables", "spaces volumes", "spaces zero-gpu",
        "jobs scheduled", "endpoints catalog", "sandbox pool", "sandbox process",
    ]
    /// Verbs that change something on the Hub or in local hf state, wherever they sit.
    static let mutatingVerbs: Set<String> = [
        "create", "delete", "update", "move", "duplicate", "settings", "merge", "close", "reopen", "comment",
        "edit", "rename", "add-item", "delete-item", "update-item", "deploy", "pause", "resume", "scale-to-zero",
        "restart", "cancel", "run", "rerun", "uv", "expose", "labels", "enable", "disable", "delete-files",
        "remove", "rm", "prune", "dev-mode", "hot-reload", "install", "add", "set", "login", "logout", "switch",
        "cp", "sync", "kill", "spawn", "trigger", "suspend", "reschedule",
    ]
    /// Verbs that ask "Are you sure?" unless `-y/--yes` is given (hf's `out.confirm`).
    static let confirmingVerbs: Set<String> = ["delete", "close", "reopen", "merge", "rm", "remove", "prune", "kill"]

    static let rules: [Rule] = [
        Rule(.option(["--help", "-h"]), .cacheable(.static), "help text is static", operation: "help"),
        Rule(.any([.exactly(["--version"]), .operation(["version"])]), .cacheable(.static), "hf's version is static",
             operation: "version"),
        Rule(.operation(["env"]), .cacheable(.static), "hf env describes the installation"),
        Rule(.operation(["auth token"]), .passthrough, "prints a token: never stored"),
        Rule(.any([.all([.operation(["auth login"]), .not(.flag(["--token"]))]),
                   .all([.operation(["auth switch"]), .not(.flag(["--token-name"]))]),
                   .operation(["jobs ssh", "spaces ssh"])]),
             .interactive, "asks for a token or opens a shell", invalidates: true),
        Rule(.all([.custom { confirmingVerbs.contains(verb($0)) }, .not(.flag(["-y", "--yes"]))]), .interactive,
             "asks for confirmation without -y", invalidates: true),
        Rule(.operation(["download"]), .uncached,
             "writes files: retried on transient failures, never stored; `cache list` may change", invalidates: true),
        Rule(.any([.operation(["upload", "upload-large-folder", "cp", "sync", "update", "sandbox *"]),
                   .custom { mutatingVerbs.contains(verb($0)) }]),
             .mutating, "changes the Hub or local hf state"),
        Rule(.operation(identity), .cacheable(.identity), "who is logged in"),
        Rule(.operation(metadata), .cacheable(.metadata), "read-only Hub metadata"),
        Rule(.all([.operation(["repos tag"]), .custom { ["list", "ls"].contains(verb($0)) }]), .cacheable(.metadata),
             "a repository's tags", operation: "repos tag list"),
        Rule(.operation(live), .cacheable(.live), "read-only live state"),
    ]

    /// The word that says what a command does: the third in a nested group, else the second.
    static func verb(_ shape: ArgvShape) -> String {
        let index = nestedGroups.contains(shape.operation) ? 2 : 1
        return shape.words.count > index ? shape.words[index] : ""
    }

    public static var spec: PolicySpec {
        var spec = PolicySpec(tool: "hf", rules: rules)
        spec.singleWordGroups = ["download", "upload", "upload-large-folder", "cp", "sync", "env", "version", "update"]
        // hf 2.x prints errors on stderr.
        HuggingFaceHub.apply(to: &spec, errorsOn: .stderr)
        // The local cache listing depends on relative `--cache-dir`/`--local-dir` paths.
        spec.context = { shape, _ in ["cache list", "cache ls", "cache verify"].contains(shape.operation) ? .cwd : .none }
        spec.scope = HubScope.hf
        return spec
    }
}

/// What hf and the legacy huggingface-cli share: the same library underneath, so the same
/// environment, token files, error texts and retry budget. Kept in one place so the two
/// policies cannot drift apart.
enum HuggingFaceHub {
    /// Variables the output depends on (docs/architecture.md, Policies), plus the legacy spellings the
    /// library still reads (`HUGGINGFACE_HUB_CACHE`, `TRANSFORMERS_OFFLINE`) and the staging
    /// switch, which changes both the endpoint and the token path.
    static let keyEnv = [
        "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE",
        "HUGGINGFACE_HUB_CACHE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_IMPLICIT_TOKEN",
        "HUGGINGFACE_CO_STAGING", "XDG_CACHE_HOME", "NO_COLOR", "AI_AGENT", "AGENT",
    ]

    /// Error texts of a passing failure. hf 2.x (httpx): `429 Too Many Requests`, `Server error
    /// '503 Service Unavailable'`, `ConnectError`; legacy (requests): `429 Client Error: Too Many
    /// Requests`, `503 Server Error`, `ConnectionError`. Both: `ReadTimeout`, `ConnectTimeout`.
    static let transientPatterns = [
        "Too Many Requests", "Server error '500", "Server error '502", "Server error '503", "Server error '504",
        "500 Server Error", "502 Server Error", "503 Server Error", "504 Server Error", "ConnectError",
        "ConnectionError", "ReadTimeout", "ConnectTimeout",
    ]

    /// Fills in everything the two policies share. `stream` is where the tool prints HTTP
    /// errors: stderr for hf 2.x, stdout (so either) for the legacy CLI.
    static func apply(to spec: inout PolicySpec, errorsOn stream: OutputCheck.Stream) {
        spec.keyEnv = keyEnv
        spec.identityFiles = tokenFiles
        spec.transient = transientPatterns.map { OutputCheck(stream, $0) }
        // The library does not retry a metadata call by itself.
        spec.retries = 3
    }

    /// The saved token and the list of stored tokens (`auth list`, `auth switch`): a login,
    /// logout or switch changes the key. `HF_TOKEN_PATH` wins over `$HF_HOME/token`; HF_HOME
    /// defaults to `$XDG_CACHE_HOME/huggingface`, then `~/.cache/huggingface`.
    static func tokenFiles(_ invocation: Invocation) -> [String] {
        let value = invocation.environment.nonEmpty
        let userHome = invocation.homeDirectory
        // The library runs `expanduser` on these paths, so `~/hf` is the home directory's `hf`.
        func expanded(_ path: String) -> String {
            path == "~" || path.hasPrefix("~/") ? userHome + path.dropFirst() : path
        }
        let hfHome = value("HF_HOME").map(expanded) ?? (value("XDG_CACHE_HOME") ?? userHome + "/.cache") + "/huggingface"
        let token = value("HF_TOKEN_PATH").map(expanded) ?? hfHome + "/token"
        let directory = token.lastIndex(of: "/").map { String(token[..<$0]) } ?? "."
        return [token, directory + "/stored_tokens"]
    }
}
