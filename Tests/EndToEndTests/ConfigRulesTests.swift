import Foundation
import Testing

/// `[tools.NAME] cacheable` through the built binary, for a tool whose table ends in a catch-all
/// (claude: anything unknown starts a session) and for one whose table does not (gh): a listed
/// operation is cached in both, and no config line makes a call that may write cacheable.
@Suite struct ConfigRulesTests {
    @Test func aListedAgentSubcommandIsCachedButWriteGrantsStillRun() throws {
        let sb = try TestSandbox()
        sb.writeTool("claude", script: "printf 'ran %s\\n' \"$*\"")
        try ConfigCommandTests.writeConfig("[tools.claude]\ncacheable = [\"mcp list\", \"hi\"]\n", in: sb)
        let env = sb.baseEnv()
        let shown = try cachewrap(["config"], env: env)
        #expect(shown.status == 0 && shown.stdoutText.contains("claude: retries 1 (built-in); extra cacheable \"mcp list\", \"hi\""),
                "\(shown.stdoutText)\(shown.stderrText)")

        for _ in 0..<2 {
            let r = try cachewrap(["claude", "mcp", "list"], env: env, cwd: sb.home)
            #expect(r.status == 0 && r.stdoutText == "ran mcp list\n")
        }
        #expect(sb.counter("claude") == 1, "the listed subcommand is cached")
        let explained = try cachewrap(["explain", "claude", "mcp", "list"], env: env, cwd: sb.home)
        #expect(explained.stdoutText.contains("class:     cacheable: [tools.claude] cacheable lists \"mcp list\" ("
                                              + sb.home + "/.config/cachewrap/config.toml:2)"), "\(explained.stdoutText)")

        for argv in [["claude", "-p", "hi", "--dangerously-skip-permissions"], ["claude", "mcp", "list", "--dangerously-skip-permissions"]] {
            for _ in 0..<2 { _ = try cachewrap(argv, env: env, cwd: sb.home) }
            let explainedGrant = try cachewrap(["explain"] + argv, env: env, cwd: sb.home)
            #expect(explainedGrant.stdoutText.contains("class:     mutating"), "\(explainedGrant.stdoutText)")
        }
        #expect(sb.counter("claude") == 5, "a write grant runs every time, whatever the config lists")
    }

    @Test func ghConfigLinesStillOnlyAdd() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "printf 'ran %s\\n' \"$*\"")
        try ConfigCommandTests.writeConfig("[tools.gh]\ncacheable = [\"extension list\", \"pr ready\"]\n", in: sb)
        let env = sb.baseEnv()
        for _ in 0..<2 { _ = try cachewrap(["gh", "extension", "list"], env: env, cwd: sb.home) }
        #expect(sb.counter("gh") == 1)
        for _ in 0..<2 { _ = try cachewrap(["gh", "pr", "ready", "12", "-R", "o/r"], env: env, cwd: sb.home) }
        #expect(sb.counter("gh") == 3, "a built-in mutation stays one")
    }

    /// A shim named after a tool the config defines wraps it; once the definition is gone,
    /// `cachewrap shims` removes the link rather than leave a name that would run cachewrap.
    @Test func aDefinedToolGetsAShimUntilItsDefinitionGoes() throws {
        let sb = try TestSandbox()
        sb.writeTool("mytool", script: "printf 'ran %s\\n' \"$*\"")
        try ConfigCommandTests.writeConfig("[tools.mytool]\ncacheable = [\"status\"]\nmutating = [\"push\"]\n", in: sb)
        let env = sb.baseEnv(), dir = sb.root + "/shims"
        let made = try cachewrap(["shims", dir], env: env)
        #expect(made.stdoutText.contains("created: mytool"), "\(made.stdoutText)")
        var shimmed = env
        shimmed["PATH"] = dir + ":" + (env["PATH"] ?? "")
        for argv in [["status"], ["status"], ["push"], ["status"]] {
            let r = try run(dir + "/mytool", argv, env: shimmed)
            #expect(r.status == 0 && r.stdoutText == "ran \(argv[0])\n", "\(r.stderrText)")
        }
        #expect(sb.counter("mytool") == 3, "status cached, push run, and the push dropped status")

        try ConfigCommandTests.writeConfig("[tools.gh]\nretries = 1\n", in: sb)
        let refreshed = try cachewrap(["shims", dir], env: env)
        #expect(refreshed.stdoutText.contains("removed: mytool (no policy: not built in, nor defined in the config)"),
                "\(refreshed.stdoutText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/mytool"))
    }
}
