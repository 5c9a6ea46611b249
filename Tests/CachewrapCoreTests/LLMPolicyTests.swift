import Testing

@testable import CachewrapCore

/// Guards the claude, gemini and copilot policies (docs/architecture.md, Policies): a one-shot prompt is
/// cached for an hour keyed on workspace and stdin; any write grant (flag, mode, tool list,
/// variable, settings file) makes the call mutating; resumed sessions pass through; the rest is
/// interactive. Uses the shared `PolicyCase`; what a call reads besides its argv (stdin,
/// variables, settings files) is guarded by `LLMInvocationTests`.
@Suite struct LLMPolicyTests {
    static let claudeCases: [PolicyCase] = [
        .cache(["-p", "explain this function"], "prompt", .prompt),
        .cache(["--print", "explain"], "prompt", .prompt),
        .cache(["-p", "q", "--output-format", "json", "--model", "sonnet"], "prompt", .prompt),
        .cache(["-p", "--system-prompt", "be terse", "q"], "prompt", .prompt),
        .cache(["-p", "q", "--permission-mode", "plan"], "prompt", .prompt),
        .cache(["-p", "q", "--allowedTools", "Read,Grep", "WebSearch"], "prompt", .prompt),
        .cache(["-p", "q", "--disallowedTools", "Edit"], "prompt", .prompt),
        .cache(["--version"], "version", .static),
        .cache(["-v"], "version", .static),
        .cache(["--help"], "help", .static),
        .never(.mutating, ["-p", "q", "--dangerously-skip-permissions"]),
        .never(.mutating, ["--dangerously-skip-permissions"]),
        .never(.mutating, ["-p", "q", "--allow-dangerously-skip-permissions"]),
        .never(.mutating, ["-p", "q", "--permission-mode", "acceptEdits"]),
        .never(.mutating, ["-p", "q", "--permission-mode=bypassPermissions"]),
        .never(.mutating, ["-p", "q", "--allowedTools", "Edit"]),
        .never(.mutating, ["-p", "q", "--allowed-tools", "Read,Write"]),
        .never(.mutating, ["-p", "q", "--allowedTools", "Bash(git:*) Read"]),
        .never(.mutating, ["-p", "q", "--allowedTools", "Read", "NotebookEdit"]),
        .never(.mutating, ["-p", "q", "--allowedTools=mcp__github__create_issue"]),
        .never(.passthrough, ["-c", "-p", "check for type errors"]),
        .never(.passthrough, ["-p", "q", "--continue"]),
        .never(.passthrough, ["-r", "abc123", "-p", "finish this PR"]),
        .never(.passthrough, ["-p", "--resume", "abc123", "q"]),
        .never(.interactive, []),
        .never(.interactive, ["explain this project"]),
        .never(.interactive, ["-c"]),
        .never(.interactive, ["-r", "abc123", "finish this PR"]),
        .never(.passthrough, ["mcp", "list"]),
        .never(.passthrough, ["update"]),
    ]

    static let geminiCases: [PolicyCase] = [
        .cache(["-p", "explain the code"], "prompt", .prompt),
        .cache(["--prompt", "q"], "prompt", .prompt),
        .cache(["--prompt=q"], "prompt", .prompt),
        .cache(["-p", "q", "-m", "gemini-2.5-flash", "-o", "json"], "prompt", .prompt),
        .cache(["-p", "q", "--approval-mode", "default"], "prompt", .prompt),
        .cache(["-p", "q", "--approval-mode", "plan"], "prompt", .prompt),
        .cache(["-p", "q", "--allowed-tools", "read_file,glob"], "prompt", .prompt),
        .cache(["--version"], "version", .static),
        .cache(["-v"], "version", .static),
        .cache(["--help"], "help", .static),
        .cache(["-l"], "list-extensions", .metadata),
        .cache(["--list-extensions"], "list-extensions", .metadata),
        .never(.mutating, ["-p", "q", "-y"]),
        .never(.mutating, ["-p", "q", "--yolo"]),
        .never(.mutating, ["-p", "q", "--approval-mode", "auto_edit"]),
        .never(.mutating, ["-p", "q", "--approval-mode=yolo"]),
        .never(.mutating, ["-p", "q", "--allowed-tools", "run_shell_command(git status)"]),
        .never(.mutating, ["-p", "q", "--allowed-tools", "write_file"]),
        .never(.mutating, ["--delete-session", "3"]),
        .never(.passthrough, ["-p", "q", "-r", "latest"]),
        .never(.passthrough, ["--resume", "5", "-p", "q"]),
        .never(.interactive, ["-i", "explain"]),
        .never(.interactive, ["--prompt-interactive", "explain"]),
        .never(.interactive, ["-p", "q", "-i", "more"]),
        .never(.interactive, []),
        .never(.interactive, ["explain this repo"]),
        .never(.passthrough, ["mcp", "list"]),
        .never(.passthrough, ["extensions", "install", "https://example.com/x"]),
        .never(.passthrough, ["--list-sessions"]),
    ]

    static let copilotCases: [PolicyCase] = [
        .cache(["-p", "summarize the README"], "prompt", .prompt),
        .cache(["--prompt", "q"], "prompt", .prompt),
        .cache(["-p", "q", "-s", "--model", "gpt-5"], "prompt", .prompt),
        .cache(["-p", "q", "--deny-tool", "shell"], "prompt", .prompt),
        .cache(["-p", "q", "--add-dir", "../lib"], "prompt", .prompt),
        .cache(["--version"], "version", .static),
        .cache(["--help"], "help", .static),
        .never(.mutating, ["-p", "q", "--allow-all-tools"]),
        .never(.mutating, ["-p", "q", "--allow-all"]),
        .never(.mutating, ["-p", "q", "--allow-tool", "shell(git status)"]),
        .never(.mutating, ["-p", "q", "--allow-tool=write"]),
        .never(.mutating, ["-p", "q", "--yolo"]),
        .never(.mutating, ["-p", "q", "--allow-all-paths"]),
        .never(.mutating, ["-p", "q", "--allow-all-urls"]),
        .never(.mutating, ["-p", "q", "--share-gist"]),
        .never(.mutating, ["--allow-all-tools"]),
        .never(.passthrough, ["-p", "q", "--resume"]),
        .never(.passthrough, ["--continue", "-p", "q"]),
        .never(.interactive, ["login"]),
        .never(.interactive, ["-i", "fix the tests"]),
        .never(.interactive, []),
        .never(.interactive, ["--model", "gpt-5"]),
    ]

    /// The built-in policy without settings files: a test's invocation has no home and works in
    /// `/`, but the machine's managed settings (/etc/claude-code) could still change a verdict
    /// (settings have their own tests).
    static func isolated(_ agent: LLMAgent) -> PolicySpec {
        var agent = agent
        agent.settingsFiles = { _ in [] }
        return agent.spec
    }

    @Test(arguments: claudeCases) func claude(_ c: PolicyCase) { c.check(Self.isolated(ClaudePolicy.agent)) }
    @Test(arguments: geminiCases) func gemini(_ c: PolicyCase) { c.check(Self.isolated(GeminiPolicy.agent)) }
    @Test(arguments: copilotCases) func copilot(_ c: PolicyCase) { c.check(Self.isolated(CopilotPolicy.agent)) }

    @Test func everyToolHasFifteenCases() {
        for cases in [Self.claudeCases, Self.geminiCases, Self.copilotCases] { #expect(cases.count >= 15) }
    }

    @Test(arguments: ["claude", "gemini", "copilot"])
    func promptsKeyOnWorkspaceStdinAndAnHour(_ tool: String) throws {
        #expect(Policies.named(tool)?.tool == tool)
        let agents = ["claude": ClaudePolicy.agent, "gemini": GeminiPolicy.agent, "copilot": CopilotPolicy.agent]
        let spec = Self.isolated(try #require(agents[tool]))
        let d = spec.decide(["-p", "q"])
        #expect(d.commandClass == .cacheable(.prompt) && d.operation == "prompt")
        #expect(d.context == .workspace && d.keysStdin)
        #expect(d.ttlSeconds == 3600 && d.retries == 1)
        let version = spec.decide(["--version"])
        #expect(version.context == KeyContext.none && !version.keysStdin && version.operation == "version")
    }

    @Test func keyEnvironmentFollowsTheDesign() {
        let claude = Self.isolated(ClaudePolicy.agent).decide(["-p", "q"])
        for name in ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_BASE_URL",
                     "ANTHROPIC_MODEL", "CLAUDE_CONFIG_DIR", "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX"] {
            #expect(claude.keyEnv.contains(name), "claude misses \(name)")
        }
        let gemini = Self.isolated(GeminiPolicy.agent).decide(["-p", "q"])
        for name in ["GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_USE_GCA",
                     "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION", "GOOGLE_APPLICATION_CREDENTIALS",
                     "GOOGLE_GEMINI_BASE_URL", "GEMINI_MODEL", "GEMINI_CLI_HOME", "GEMINI_SYSTEM_MD"] {
            #expect(gemini.keyEnv.contains(name), "gemini misses \(name)")
        }
        let copilot = Self.isolated(CopilotPolicy.agent).decide(["-p", "q"])
        for name in ["COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN", "COPILOT_GH_HOST", "GH_HOST", "COPILOT_HOME",
                     "COPILOT_MODEL", "COPILOT_PROVIDER_*"] {
            #expect(copilot.keyEnv.contains(name), "copilot misses \(name)")
        }
    }

    @Test func instructionAndSettingsFilesJoinTheKey() {
        let claude = Self.isolated(ClaudePolicy.agent).decide(["-p", "q"]).identityFiles
        for file in ["CLAUDE.md", ".claude/settings.json", ".claude/settings.local.json"] {
            #expect(claude.contains(file), "claude misses \(file)")
        }
        #expect(claude.contains("/nonexistent/.claude/settings.json") && claude.contains("/nonexistent/.claude/CLAUDE.md"),
                "user settings and instructions, under the home")
        let configured = Self.isolated(ClaudePolicy.agent).decide(["-p", "q"], environment: ["CLAUDE_CONFIG_DIR": "/cfg"])
        #expect(configured.identityFiles.contains("/cfg/settings.json") && configured.identityFiles.contains("/cfg/CLAUDE.md"))
        let gemini = Self.isolated(GeminiPolicy.agent).decide(["-p", "q"]).identityFiles
        #expect(gemini.contains("GEMINI.md") && gemini.contains(".gemini/settings.json"))
        #expect(Self.isolated(GeminiPolicy.agent).decide(["-p", "q"], environment: ["GEMINI_CLI_HOME": "/g"])
                .identityFiles.contains("/g/.gemini/settings.json"))
    }

    @Test func claudeEmptyStdoutIsNeverStored() {
        let spec = ClaudePolicy.spec
        #expect(spec.emptyStdoutIsFailure)
        #expect(!spec.isStorable(finishedRun(0)))
        #expect(!spec.isStorable(finishedRun(0, stderr: "some warning")), "stderr alone is no answer")
        #expect(spec.isStorable(finishedRun(0, stdout: "an answer\n")))
        #expect(!spec.isStorable(finishedRun(1, stdout: "an answer")))
        #expect(GeminiPolicy.spec.isStorable(finishedRun(0)), "only claude has the empty-output bug")
    }

    @Test func retryPatternsFollowTheDesign() {
        func matches(_ checks: [OutputCheck], _ text: String) -> Bool {
            var t = Transcript()
            t.append(stream: 2, Array(text.utf8))
            return checks.contains { $0.matches(t) }
        }
        let claude = ClaudePolicy.spec, gemini = GeminiPolicy.spec
        for text in ["API Error: 529 {\"type\":\"overloaded_error\"}", "API Error: 503", "Request timed out",
                     "rate_limit_error"] {
            #expect(matches(claude.transient, text), "\(text)")
        }
        #expect(matches(claude.quota, "You\u{2019}ve hit your limit · resets 5am"))
        #expect(matches(claude.quota, "Claude AI usage limit reached|1700000000"))
        #expect(matches(gemini.transient, "RESOURCE_EXHAUSTED") && matches(gemini.transient, "read ECONNRESET"))
        #expect(matches(gemini.quota, "RESOURCE_EXHAUSTED: Quota exceeded for GenerateRequestsPerDayPerProjectPerModel"))
        #expect(!matches(gemini.quota, "RESOURCE_EXHAUSTED: requests per minute"))
    }
}
