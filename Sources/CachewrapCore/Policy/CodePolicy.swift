/// code (VS Code's CLI) rules (docs/architecture.md, Policies): only its read-only answers are cached —
/// `--version` and `--help` (static), the installed extensions (`--list-extensions`,
/// `--locate-extension`: until the next install) and `tunnel status` (live). Installs are
/// mutating; opening files, `-`, `--wait`, tunnels and serve-web run as they are.
public enum CodePolicy {
    /// Flags that change what is installed: never cached, whatever else the argv holds.
    static let mutatingFlags = ["--install-extension", "--uninstall-extension", "--update-extensions", "--add-mcp"]

    static let rules: [Rule] = [
        Rule(.flag(mutatingFlags), .mutating, "changes the installed extensions or MCP servers"),
    ] + Rule.staticInfo(version: ["--version", "-v"], help: ["--help", "-h"]) + [
        Rule(.option(["--list-extensions"]), .cacheable(.metadata), "installed extensions change only on install",
             operation: "list-extensions"),
        Rule(.option(["--locate-extension"]), .cacheable(.metadata), "an extension's folder changes only on install",
             operation: "locate-extension"),
        Rule(.operation(["tunnel status"]), .cacheable(.live), "the tunnel's state, read-only"),
    ]

    /// Options that take a value, so a value is not read as a file or subcommand.
    static let valueFlags: Set<String> = [
        "--extensions-dir", "--user-data-dir", "--profile", "--category", "--locate-extension",
        "--install-extension", "--uninstall-extension", "--add-mcp", "--locale", "--log", "--sync",
        "--enable-proposed-api", "--disable-extension", "--inspect-extensions", "--inspect-brk-extensions",
        "--folder-uri", "--file-uri", "--remote",
    ]

    public static var spec: PolicySpec {
        var spec = PolicySpec(tool: "code", rules: rules)
        spec.valueFlags = valueFlags
        // `--extensions-dir`, `--user-data-dir` and `--profile` are in argv, so in the key already.
        // Inside a VS Code terminal the CLI asks that window (possibly a remote) instead.
        spec.keyEnv = ["VSCODE_EXTENSIONS", "VSCODE_PORTABLE", "VSCODE_IPC_HOOK_CLI"]
        spec.identityFiles = { [extensionsManifest($0)] }
        return spec
    }

    /// The manifest VS Code rewrites on every install or removal: an install through the editor
    /// makes the next `--list-extensions` a miss instead of an hour-old answer.
    static func extensionsManifest(_ invocation: Invocation) -> String {
        let env = invocation.environment
        if let dir = env.nonEmpty("VSCODE_EXTENSIONS") { return dir + "/extensions.json" }
        if let portable = env.nonEmpty("VSCODE_PORTABLE") { return portable + "/extensions/extensions.json" }
        return invocation.homeDirectory + "/.vscode/extensions/extensions.json"
    }
}
