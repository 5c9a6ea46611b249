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
        #expect(explained.stdoutText.contains("class:     cacheable: listed as cacheable in the config file"))

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
}
