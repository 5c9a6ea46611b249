/// codex (OpenAI Codex CLI) rules (docs/architecture.md, Policies): `codex exec PROMPT` (alias
/// `e`; with no prompt word or `-` the prompt is stdin, and piped stdin joins a given one) is
/// cached for an hour in its read-only default, keyed on the workspace, stdin, the AGENTS.md
/// files, the config layers and the files it attaches. Anything that lets it write is mutating
/// (`CodexGrants`), and so is `codex apply`; what the key cannot see (another directory, a local
/// model, a conversation) passes through; `--version`/`--help` are static; the rest is interactive.
///
/// Not `LLMAgent`: codex's one-shot mode is a subcommand, not a `-p` switch, and its write grants
/// live in TOML and `-c` overrides. It shares the agents' static rules and home lookup, and like
/// them it retries once on top of its own retries.
public enum CodexPolicy {
    public static var spec: PolicySpec { spec(files: CodexFiles()) }

    static let oneShot = Condition.operation(["exec *", "e *"])
    /// Where codex's sessions and reviews start: a config line never reaches them.
    static let builtInOnly = Condition.operation(["exec *", "e *", "review *", "resume *", "fork *"])
    static let lastMessage = ClapOption("-o", "--output-last-message")
    /// Another working root (`-C`), more directories (`--add-dir`), a local model (`--oss`,
    /// `--local-provider`): inputs the workspace fingerprint and the key do not cover.
    static let unseenInputs = [ClapOption("-C", "--cd"), ClapOption(nil, "--add-dir"), ClapOption(nil, "--oss"),
                               ClapOption(nil, "--local-provider")]

    static func spec(files: CodexFiles) -> PolicySpec {
        let argvWrites = Condition.custom { CodexGrants.grants($0) }
        let why = "codex may change files without asking (a sandbox, approval or trust setting: flag, -c or config file)"
        let safety = [
            Rule(.all([oneShot, .any([argvWrites, .invocation { _, invocation in files.grantWrites(invocation) }])]),
                 .mutating, why, operation: "prompt"),
            Rule(argvWrites, .mutating, why, operation: "session"),
            Rule(.operation(["apply *", "a *", "cloud apply"]), .mutating, "applies a codex diff to the work tree"),
        ] + Rule.staticInfo(version: ["--version", "-V"], help: ["--help", "-h"])
        var spec = PolicySpec(tool: "codex", rules: safety + callRules)
        spec.configRules = ConfigRulePlacement(index: safety.count, onlyIf: .not(builtInOnly))
        spec.valueFlags = valueFlags
        spec.keyEnv = ["OPENAI_API_KEY", "CODEX_API_KEY", "OPENAI_BASE_URL", "CODEX_HOME", "OPENAI_ORGANIZATION",
                       "OPENAI_PROJECT"]
        // A `-c` value may carry a secret under a plain name (`model_providers.x.http_headers=
        // {Authorization = "Bearer ..."}`, an MCP server's `env`): the whole value is hidden and digested.
        spec.redaction.secretFlags.formUnion(["-c", "--config"])
        spec.identityFiles = { files.keyed($0) }
        spec.context = { shape, _ in asksPrompt(shape) ? .workspace : .none }
        spec.keysStdin = { asksPrompt($0) }
        spec.transient = transient.map { OutputCheck(.either, $0) }
        spec.quota = quota.map { OutputCheck(.either, $0) }
        // `codex exec` prints the answer alone on stdout; exit 0 without one is no answer.
        spec.emptyStdoutIsFailure = true
        // codex retries the API itself (its stream and request retries): one more is enough.
        spec.retries = 1
        return spec
    }

    /// After the safety rules and the config's lines: what the key cannot see, then the prompt.
    static let callRules = [
        Rule(.all([oneShot, .custom { shape in unseenInputs.contains { $0.isGiven(in: shape.args) } }]), .passthrough,
             "-C, --add-dir, --oss or --local-provider: the answer depends on what the key does not see",
             operation: "prompt"),
        Rule(.all([oneShot, .custom { lastMessage.isGiven(in: $0.args) }]), .passthrough,
             "-o writes the answer to a file, which a replay would not", operation: "prompt"),
        Rule(.all([oneShot, .verb(["resume", "fork"])]), .passthrough,
             "continues a saved conversation: the answer depends on history outside the key", operation: "prompt"),
        Rule(.any([.operation(["review *"]), .all([oneShot, .verb(["review"])])]), .passthrough,
             "a code review: the branch or commit it compares with is outside the key", operation: "review"),
        Rule(.all([oneShot, .any([.custom(namesPrompt), .stdinCarriesData])]), .cacheable(.prompt),
             "a one-shot prompt in the read-only sandbox", operation: "prompt"),
        Rule(oneShot, .passthrough, "exec with no prompt and nothing on stdin", operation: "prompt"),
        Rule(.operation(subcommands), .interactive, "a codex subcommand, run as it is"),
        Rule(.always, .interactive, "starts an interactive codex session", operation: "session"),
    ]

    /// `exec PROMPT`: a word after `exec` that is not `-` (which means stdin).
    static func namesPrompt(_ shape: ArgvShape) -> Bool {
        shape.words.count > 1 && shape.words[1] != "-"
    }

    /// A one-shot call that asks the model (not `exec --help`): its answer depends on the work
    /// tree and on what is piped in.
    static func asksPrompt(_ shape: ArgvShape) -> Bool {
        ["exec", "e"].contains(shape.words.first ?? "")
            && !["--help", "-h", "--version", "-V"].contains(where: shape.hasOption)
    }

    /// codex's other subcommands (codex-rs/cli/src/main.rs).
    static let subcommands: Set<String> = [
        "login *", "logout *", "mcp *", "mcp-server *", "app-server *", "app *", "completion *", "sandbox *",
        "debug *", "execpolicy *", "resume *", "fork *", "cloud *", "cloud-tasks *", "features *",
        "responses-api-proxy *", "stdio-to-uds *",
    ]

    /// Options that take a value: the root's, `exec`'s and its subcommands' (clap definitions in
    /// codex-rs/utils/cli, exec/src/cli.rs, tui/src/cli.rs). `-i` takes several; only the first
    /// is skipped here, which can only make a later word look like a prompt, never hide one.
    static let valueFlags: Set<String> = [
        "-c", "--config", "--enable", "--disable", "-i", "--image", "-m", "--model", "--local-provider", "-p",
        "--profile", "-s", "--sandbox", "-a", "--ask-for-approval", "-C", "--cd", "--add-dir", "--output-schema",
        "--color", "-o", "--output-last-message", "--base", "--commit", "--title", "--api-key", "--listen",
    ]

    /// codex's own error texts (codex-rs/core/src/error.rs): a dropped stream, a failed
    /// connection, 5xx and 429 after its retries, the overload message.
    static let transient = [
        "stream disconnected before completion", "Error while reading the server response", "Connection failed",
        "exceeded retry limit, last status: 5", "exceeded retry limit, last status: 429", "unexpected status 5",
        "We're currently experiencing high demand",
    ]

    /// A plan's usage limit (`You've hit your usage limit. ... try again at 3:28 PM.`) or an
    /// API key's quota (429 `insufficient_quota`): no retry within the budget helps.
    static let quota = [
        "You've hit your usage limit", "You\u{2019}ve hit your usage limit", "usage_limit_reached", "Quota exceeded",
        "insufficient_quota",
    ]
}
