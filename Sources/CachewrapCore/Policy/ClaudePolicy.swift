/// claude (Claude Code) rules (docs/architecture.md, Policies): `claude -p PROMPT` is cached for an hour,
/// keyed on the workspace, stdin and project instructions, unless the call may edit files or
/// continues a conversation; `--version`/`--help` are static; everything else is interactive.
public enum ClaudePolicy {
    public static var spec: PolicySpec { agent.spec }

    static var agent: LLMAgent {
        var agent = LLMAgent(
            tool: "claude", promptFlags: ["-p", "--print"], promptTakesValue: false, valueFlags: valueFlags,
            writeFlags: ["--dangerously-skip-permissions", "--allow-dangerously-skip-permissions"],
            sessionFlags: ["-c", "--continue", "-r", "--resume"],
            keyEnv: [
                "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_BASE_URL",
                "ANTHROPIC_MODEL", "CLAUDE_CONFIG_DIR", "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX",
            ],
            transient: ["529", "overloaded_error", "API Error: 5", "Request timed out", "rate_limit_error"]
                .map { OutputCheck(.either, $0) })
        agent.grants = WriteGrants(
            tools: ["Edit", "MultiEdit", "Write", "Bash", "NotebookEdit"], toolPrefixes: ["mcp__"],
            modes: ["acceptEdits", "bypassPermissions"], modeFlag: "--permission-mode",
            toolListFlags: ["--allowedTools", "--allowed-tools"], settingsListKey: "allow", inlineSettingsFlag: "--settings")
        agent.settingsFiles = settingsFiles
        agent.subcommands = ["mcp *", "plugin *", "config *", "setup-token", "doctor", "update", "install *",
                             "migrate-installer"]
        agent.identityFiles = { ["CLAUDE.md", "CLAUDE.local.md", userDirectory($0) + "/CLAUDE.md"] + settingsFiles($0) }
        // Printed on stdout with exit 1 (`You've hit your limit · resets 1pm`); "You've" comes
        // with either apostrophe, older versions print `Claude AI usage limit reached|<epoch>`.
        agent.quota = ["You've hit your limit", "You\u{2019}ve hit your limit", "usage limit reached",
                       "Usage limit reached"].map { OutputCheck(.either, $0) }
        // Known bug: claude -p sometimes exits 0 having printed nothing.
        agent.emptyStdoutIsFailure = true
        agent.answerCost = AnswerCost.claude
        return agent
    }

    /// Options that take a value (claude 2.x `--help`). The list flags (`--allowedTools`,
    /// `--add-dir`...) take several; only the first is skipped here, which can only make a
    /// later word look like a prompt, never hide one.
    static let valueFlags: Set<String> = [
        "--output-format", "--input-format", "--json-schema", "--max-budget-usd", "--max-turns", "--system-prompt",
        "--system-prompt-file", "--append-system-prompt", "--append-system-prompt-file", "--permission-mode",
        "--permission-prompt-tool", "--model", "--agent", "--agents", "--fallback-model", "--settings",
        "--setting-sources", "--session-id", "--debug-file", "--allowedTools", "--allowed-tools",
        "--disallowedTools", "--disallowed-tools", "--tools", "--mcp-config", "--betas", "--add-dir", "--plugin-dir",
    ]

    /// Project, local, user and managed settings: each can hold `permissions.allow` and
    /// `permissions.defaultMode`, and their content keys the answer too.
    static func settingsFiles(_ invocation: Invocation) -> [String] {
        [".claude/settings.json", ".claude/settings.local.json", userDirectory(invocation) + "/settings.json",
         "/etc/claude-code/managed-settings.json"]
    }

    /// `$CLAUDE_CONFIG_DIR`, else `~/.claude`.
    static func userDirectory(_ invocation: Invocation) -> String {
        LLMAgent.directory(fromEnvironment: "CLAUDE_CONFIG_DIR", orHome: "/.claude", invocation)
    }
}
