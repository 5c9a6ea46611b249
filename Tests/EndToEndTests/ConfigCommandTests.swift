import Foundation
import Testing

/// config.toml as a user meets it through the built binary: `cachewrap config` is strict (exit
/// 78, every error with its line), the wrap path fails open (one warning, the tool still runs
/// with the built-in defaults), and a good file changes TTLs and can switch a tool off.
@Suite struct ConfigCommandTests {
    /// A config with one bad line, line 3.
    static let badConfig = "[defaults]\nttl = \"10m\"\nretries = \"two\"\n"

    /// Writes `text` where cachewrap looks by default in the sandbox ($XDG_CONFIG_HOME/cachewrap).
    @discardableResult
    static func writeConfig(_ text: String, in sb: TestSandbox) throws -> String {
        let dir = sb.home + "/.config/cachewrap"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: dir + "/config.toml", atomically: true, encoding: .utf8)
        return dir + "/config.toml"
    }

    static func warnings(_ result: RunResult) -> Int {
        result.stderrText.components(separatedBy: "cachewrap: warning:").count - 1
    }

    @Test func badConfigFailsTheConfigCommandWithEveryError() throws {
        let sb = try TestSandbox()
        let path = try Self.writeConfig(Self.badConfig + "[tools.nope]\n", in: sb)
        let result = try cachewrap(["config"], env: sb.baseEnv())
        #expect(result.status == 78)
        #expect(result.stderrText.contains("\(path):3: 'retries' in [defaults] must be an integer, not a string\n"))
        #expect(result.stderrText.contains("config.toml:4: [tools.nope] defines no operations"))
        #expect(result.stderrText.contains("cachewrap: \(path): 2 errors"))
    }

    @Test func badConfigNeverStopsAKnownTool() throws {
        let sb = try TestSandbox()
        try Self.writeConfig(Self.badConfig, in: sb)
        sb.writeTool("gh", script: "echo hi")
        let first = try cachewrap(["gh", "repo", "view", "o/r"], env: sb.baseEnv())
        #expect(first.status == 0 && first.stdoutText == "hi\n")
        #expect(Self.warnings(first) == 1, "\(first.stderrText)")
        #expect(first.stderrText.contains("config.toml:3: 'retries'") && first.stderrText.contains("; using defaults"))
        _ = try cachewrap(["gh", "repo", "view", "o/r"], env: sb.baseEnv())
        #expect(sb.counter("gh") == 1, "the built-in policy still caches")
        var quiet = sb.baseEnv()
        quiet["CACHEWRAP_QUIET"] = "1"
        #expect(try cachewrap(["gh", "repo", "view", "o/r"], env: quiet).stderrText.isEmpty)
    }

    /// The generic path reads the config too: a bad one warns once and the command still runs.
    @Test func badConfigNeverStopsAGenericCommand() throws {
        let sb = try TestSandbox()
        try Self.writeConfig(Self.badConfig, in: sb)
        let result = try cachewrap(["--", "echo", "hi"], env: sb.baseEnv(), cwd: sb.home)
        #expect(result.status == 0 && result.stdoutText == "hi\n")
        #expect(Self.warnings(result) == 1, "\(result.stderrText)")
    }

    @Test func aShimWarnsOnlyOnce() throws {
        let sb = try TestSandbox()
        try Self.writeConfig(Self.badConfig, in: sb)
        sb.writeTool("gh", script: "echo hi")
        let shims = sb.root + "/shims"
        try FileManager.default.createDirectory(atPath: shims, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: shims + "/gh", withDestinationPath: try cachewrapBinary())
        var env = sb.baseEnv()
        env["PATH"] = shims + ":" + env["PATH"]!
        let result = try run(shims + "/gh", ["repo", "view", "o/r"], env: env)
        #expect(result.status == 0 && result.stdoutText == "hi\n")
        #expect(Self.warnings(result) == 1, "\(result.stderrText)")
    }

    @Test func ttlOverrideShowsInTheKey() throws {
        let sb = try TestSandbox()
        try Self.writeConfig("[tools.gh.ttl]\n\"pr list\" = \"5m\"\n", in: sb)
        let key = try cachewrap(["key", "--json", "gh", "pr", "list", "-R", "o/r"], env: sb.baseEnv(), cwd: sb.home)
        #expect(key.status == 0 && key.stderrText.isEmpty, "\(key.stderrText)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(key.stdout)) as? [String: Any])
        #expect(json["ttl_seconds"] as? Int == 300)
        let other = try cachewrap(["key", "--json", "gh", "pr", "view", "1", "-R", "o/r"], env: sb.baseEnv(), cwd: sb.home)
        let otherJSON = try #require(try JSONSerialization.jsonObject(with: Data(other.stdout)) as? [String: Any])
        #expect(otherJSON["ttl_seconds"] as? Int == 60)
    }

    @Test func disabledToolRunsEveryTime() throws {
        let sb = try TestSandbox()
        let path = try Self.writeConfig("[tools.gh]\ndisabled = true\n", in: sb)
        sb.writeTool("gh", script: "echo hi")
        for _ in 0..<3 {
            let result = try cachewrap(["gh", "repo", "view", "o/r"], env: sb.baseEnv())
            #expect(result.status == 0 && result.stdoutText == "hi\n" && result.stderrText.isEmpty)
        }
        #expect(sb.counter("gh") == 3)
        try FileManager.default.removeItem(atPath: path)
        for _ in 0..<2 { _ = try cachewrap(["gh", "repo", "view", "o/r"], env: sb.baseEnv()) }
        #expect(sb.counter("gh") == 4, "without the config gh is cached again")
    }

    @Test func configCommandShowsPathAndSettings() throws {
        let sb = try TestSandbox()
        let env = sb.baseEnv()
        let defaultPath = sb.home + "/.config/cachewrap/config.toml"
        let pathOnly = try cachewrap(["config", "--path"], env: env)
        #expect(pathOnly.status == 0 && pathOnly.stdoutText == defaultPath + "\n")
        let missing = try cachewrap(["config"], env: env)
        #expect(missing.status == 0 && missing.stdoutText.hasPrefix("config file: \(defaultPath) (not found"))

        var custom = env
        custom["CACHEWRAP_CONFIG"] = sb.root + "/elsewhere.toml"
        try "[tools.gh]\nretries = 1\nenv = [\"MY_ORG_VAR\"]\n".write(toFile: sb.root + "/elsewhere.toml", atomically: true, encoding: .utf8)
        #expect(try cachewrap(["config", "--path"], env: custom).stdoutText == sb.root + "/elsewhere.toml\n")
        let shown = try cachewrap(["config"], env: custom)
        #expect(shown.status == 0, "\(shown.stderrText)")
        #expect(shown.stdoutText.contains("(found)"))
        #expect(shown.stdoutText.contains("\ngh: retries 1 (config); extra env MY_ORG_VAR\n"))
        #expect(try cachewrap(["config", "--bogus"], env: env).status == 64)
    }
}
