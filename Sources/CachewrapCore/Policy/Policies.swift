/// The policy for a name: a known tool's (with the user's config applied), one the config file
/// defines, or nil for a command with no policy. The wrap path, shims, `key`, `explain`, `init`,
/// `doctor` and the completions all ask here, so they agree.
public enum Policies {
    public static let known = [
        "gh", "hf", "huggingface-cli", "vastai", "code", "claude", "gemini", "groq", "copilot", "codex", "docker",
        "kubectl",
    ]

    /// The tool's policy with config.toml applied (read once per process; a bad file means the
    /// built-in policy, with one warning). A disabled tool still gets a spec, one that passes
    /// everything through, so a shim named after it keeps working.
    public static func named(_ tool: String) -> PolicySpec? {
        guard let spec = builtIn(tool) else { return UserConfig.current.definedPolicy(tool) }
        return UserConfig.current.apply(to: spec)
    }

    /// Every tool with a policy: the built-in ones, then the ones the config file defines.
    public static var names: [String] { known + UserConfig.current.definedTools }

    /// Whether a program called `name` (a shim) wraps that tool: the config is read only for a
    /// name that is not built in.
    static func wraps(_ name: String) -> Bool {
        known.contains(name) || UserConfig.current.definedTools.contains(name)
    }

    /// `cachewrap -- CMD`: the generic policy with `[defaults] ttl` applied.
    public static func generic(command: String, keyEnv: [String]) -> PolicySpec {
        UserConfig.current.applyGeneric(to: PolicySpec.generic(command: command, keyEnv: keyEnv))
    }

    /// The policy as shipped, without the user's config: what `cachewrap config` compares against.
    public static func builtIn(_ tool: String) -> PolicySpec? {
        switch tool {
        case "gh": GhPolicy.spec
        case "hf": HFPolicy.spec
        case "huggingface-cli": HuggingFaceCLIPolicy.spec
        case "vastai": VastaiPolicy.spec
        case "code": CodePolicy.spec
        case "claude": ClaudePolicy.spec
        case "gemini": GeminiPolicy.spec
        case "groq": GroqPolicy.spec
        case "copilot": CopilotPolicy.spec
        case "codex": CodexPolicy.spec
        case "docker": DockerPolicy.spec
        case "kubectl": KubectlPolicy.spec
        default: nil
        }
    }
}
