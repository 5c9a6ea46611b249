/// groq (Groq Code CLI) rules (docs/architecture.md, Policies): it is a TUI, and its `-p` is `--proxy`,
/// not a prompt, so only `--version` (commander's `-V`) and `--help` are cached; every other
/// call runs as it is.
public enum GroqPolicy {
    public static var spec: PolicySpec {
        var spec = PolicySpec(tool: "groq", rules: Rule.staticInfo(version: ["--version", "-V"], help: ["--help", "-h"]))
        // Options that take a value (groq `--help`), so a value is never read as a command word.
        spec.valueFlags = ["-t", "--temperature", "-s", "--system", "-p", "--proxy"]
        spec.keyEnv = ["GROQ_API_KEY"]
        return spec
    }
}
