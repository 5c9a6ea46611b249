/// copilot (GitHub Copilot CLI) rules (docs/architecture.md, Policies): `copilot -p PROMPT` is cached for
/// an hour keyed on the workspace unless any permission is granted (flags or COPILOT_ALLOW_ALL)
/// or a session is resumed; `--version`/`--help` are static; `login`, `-i` and bare runs are
/// interactive.
public enum CopilotPolicy {
    public static var spec: PolicySpec { agent.spec }

    static var agent: LLMAgent {
        var agent = LLMAgent(
            tool: "copilot", promptFlags: ["-p", "--prompt"], promptTakesValue: true, valueFlags: valueFlags,
            // --share writes a transcript file and --share-gist publishes one: effects a replay would skip.
            writeFlags: ["--allow-all-tools", "--allow-all", "--allow-tool", "--yolo", "--allow-all-paths",
                         "--allow-all-urls", "--share", "--share-gist"],
            writeEnvironment: ["COPILOT_ALLOW_ALL"],
            sessionFlags: ["--resume", "--continue"],
            keyEnv: [
                "COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN", "COPILOT_GH_HOST", "GH_HOST", "COPILOT_HOME",
                "COPILOT_MODEL", "COPILOT_PROVIDER_*",
            ],
            transient: (["429", "503"] + LLMAgent.networkTransient).map { OutputCheck(.stderr, $0) })
        agent.interactiveFlags = ["-i", "--interactive"]
        // Instructions copilot reads besides the tracked files the workspace fingerprint covers.
        agent.identityFiles = { _ in [".github/copilot-instructions.md", "AGENTS.md"] }
        return agent
    }

    /// Options that take a value (copilot `help`; `--resume [id]` and `--share [path]` take an
    /// optional one, so they are left out).
    static let valueFlags: Set<String> = [
        "-p", "--prompt", "-i", "--interactive", "--model", "--agent", "--add-dir", "--allow-tool", "--deny-tool",
        "--allow-url", "--deny-url", "--available-tools", "--excluded-tools", "--log-dir", "--log-level",
        "--additional-mcp-config", "--disable-mcp-server", "--add-github-mcp-tool", "--add-github-mcp-toolset",
        "--config-dir", "--stream", "--secret-env-vars",
    ]
}
