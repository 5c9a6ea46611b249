/// The policy for a name: a known tool's (with the user's config applied), or nil for a command
/// with no policy. The wrap path, shims, `key` and `explain` all ask here, so they agree.
public enum Policies {
    public static let known = ["gh", "hf", "huggingface-cli", "vastai", "code", "claude", "gemini", "groq", "copilot", "docker"]

    /// The tool's policy with config.toml applied (read once per process; a bad file means the
    /// built-in policy, with one warning). A disabled tool still gets a spec, one that passes
    /// everything through, so a shim named after it keeps working.
    public static func named(_ tool: String) -> PolicySpec? {
        // Not `.map(UserConfig.current.apply)`: that reads the config even for a name with no policy.
        guard let spec = builtIn(tool) else { return nil }
        return UserConfig.current.apply(to: spec)
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
        case "docker": DockerPolicy.spec
        default: nil
        }
    }
}
