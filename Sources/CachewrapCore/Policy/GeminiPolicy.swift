/// gemini (Gemini CLI) rules (docs/architecture.md, Policies): `gemini -p PROMPT` (stdin joins the prompt)
/// is cached for an hour keyed on the workspace, unless an approval mode or tool grant lets it
/// edit; `--version`, `--help` and `-l` are cached; `-i`, a bare query and no arguments are
/// interactive.
public enum GeminiPolicy {
    public static var spec: PolicySpec { agent.spec }

    static var agent: LLMAgent {
        var agent = LLMAgent(
            tool: "gemini", promptFlags: ["-p", "--prompt"], promptTakesValue: true, valueFlags: valueFlags,
            writeFlags: ["-y", "--yolo"], sessionFlags: ["-r", "--resume"],
            keyEnv: [
                "GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_USE_GCA",
                "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION", "GOOGLE_APPLICATION_CREDENTIALS",
                "GOOGLE_GEMINI_BASE_URL", "GEMINI_MODEL", "GEMINI_CLI_HOME", "GEMINI_SYSTEM_MD",
            ],
            transient: (["RESOURCE_EXHAUSTED", "UNAVAILABLE", "429", "503"] + LLMAgent.networkTransient)
                .map { OutputCheck(.either, $0) })
        agent.grants = WriteGrants(
            tools: ["run_shell_command", "write_file", "replace", "edit", "ShellTool", "WriteFileTool", "EditTool"],
            modes: ["auto_edit", "yolo"], modeFlag: "--approval-mode", toolListFlags: ["--allowed-tools"],
            settingsListKey: "allowed")
        agent.settingsFiles = settingsFiles
        agent.interactiveFlags = ["-i", "--prompt-interactive"]
        agent.subcommands = ["mcp *", "extensions *", "extension *", "skills *", "skill *", "hooks *", "hook *"]
        agent.extraRules = [
            Rule(.flag(["--delete-session"]), .mutating, "deletes a saved session"),
            Rule(.option(["-l", "--list-extensions"]), .cacheable(.metadata),
                 "installed extensions change only on install", operation: "list-extensions"),
            Rule(.flag(["--list-sessions"]), .passthrough, "local session list: changes with every session"),
        ]
        agent.identityFiles = { ["GEMINI.md", userDirectory($0) + "/GEMINI.md"] + settingsFiles($0) }
        // A RESOURCE_EXHAUSTED that names a daily limit will not clear within the retry budget.
        agent.quota = ["PerDay", "per day", "daily quota"].map { OutputCheck(.either, $0) }
        agent.answerCost = AnswerCost.gemini
        return agent
    }

    /// Options that take a value (gemini `--help`; array options take several, the first is skipped).
    static let valueFlags: Set<String> = [
        "-m", "--model", "-p", "--prompt", "-i", "--prompt-interactive", "--approval-mode", "-e", "--extensions",
        "--allowed-mcp-server-names", "--allowed-tools", "--include-directories", "-o", "--output-format", "-r",
        "--resume", "--delete-session", "--telemetry-target", "--telemetry-otlp-endpoint",
        "--telemetry-otlp-protocol", "--telemetry-outfile", "--proxy", "--sandbox-image",
    ]

    /// Project, user and system settings: `tools.allowed` and `general.defaultApprovalMode`.
    static func settingsFiles(_ invocation: Invocation) -> [String] {
        [".gemini/settings.json", userDirectory(invocation) + "/settings.json", "/etc/gemini-cli/settings.json"]
    }

    /// `$GEMINI_CLI_HOME/.gemini`, else `~/.gemini`.
    static func userDirectory(_ invocation: Invocation) -> String {
        LLMAgent.directory(fromEnvironment: "GEMINI_CLI_HOME", orHome: "", invocation) + "/.gemini"
    }
}
