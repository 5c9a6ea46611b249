import Foundation
import Testing

@testable import CachewrapCore

/// Guards what the config does to policies: TTL overrides, extra cacheable operations that can
/// never beat a built-in safety rule, disabled tools, extra key variables and retries; and how
/// the file is found and read (a missing file is silent, a directory is an error).
@Suite struct ConfigApplyTests {
    static func gh(_ text: String) -> PolicySpec {
        let (config, issues) = UserConfig.parse(text)
        #expect(issues.isEmpty, "\(issues)")
        return config.apply(to: GhPolicy.spec)
    }

    @Test func ttlOverrideChangesTheDecision() {
        let spec = Self.gh("[tools.gh.ttl]\n\"pr list\" = \"5m\"\n\"repo  view\" = \"2h\"\n")
        #expect(spec.decide(["pr", "list", "-L", "5"]).ttlSeconds == 300)
        #expect(spec.decide(["repo", "view", "o/r"]).ttlSeconds == 7200)
        #expect(spec.decide(["pr", "view", "1"]).ttlSeconds == TTLClass.live.seconds, "other operations keep their class")
    }

    /// `"*"` reaches every cacheable operation without its own line.
    @Test func wildcardTTLReachesEveryOtherOperation() {
        let spec = Self.gh("[tools.gh.ttl]\n\"pr list\" = \"5m\"\n\"*\" = \"2m\"\n")
        #expect(spec.ttlOverrides["*"] == 120)
        #expect(spec.decide(["pr", "list"]).ttlSeconds == 300, "a named line beats \"*\"")
        #expect(spec.decide(["issue", "view", "7"]).ttlSeconds == 120)
    }

    @Test func extraCacheableOperationsOnlyAdd() {
        let spec = Self.gh("""
            [tools.gh]
            cacheable = ["pr ready-check", "auth token", "pr ready", "extension *", "foo"]
            [tools.gh.ttl]
            "pr ready-check" = "30s"
            """)
        let ready = spec.decide(["pr", "ready-check", "12", "--json", "state"])
        #expect(ready.commandClass == .cacheable(.live) && ready.operation == "pr ready-check" && ready.ttlSeconds == 30)
        #expect(spec.decide(["extension", "list"]).commandClass == .cacheable(.live))
        #expect(spec.decide(["extension", "list"]).ttlSeconds == TTLClass.live.seconds)
        #expect(spec.decide(["foo"]).commandClass == .cacheable(.live))
        #expect(spec.decide(["foo", "bar"]).commandClass == .passthrough, "\"foo\" is one operation, not a group")
        // Built-in safety rules come first and win.
        #expect(spec.decide(["auth", "token"]).commandClass == .passthrough)
        #expect(spec.decide(["pr", "ready", "12"]).commandClass == .mutating)
        #expect(spec.decide(["pr", "ready-check", "--web"]).commandClass == .passthrough)
        #expect(Array(spec.rules.prefix(GhPolicy.rules.count)).map(\.reason) == GhPolicy.rules.map(\.reason))
        #expect(GhPolicy.spec.decide(["pr", "ready-check"]).commandClass == .passthrough, "the built-in is unchanged")
    }

    @Test func disabledToolPassesEverythingThrough() {
        let spec = Self.gh("[tools.gh]\ndisabled = true\ncacheable = [\"x y\"]\n")
        for argv in [["pr", "list"], ["--version"], ["x", "y"], []] {
            let decision = spec.decide(argv)
            #expect(decision.commandClass == .passthrough, "\(argv)")
            #expect(decision.reason.contains("disabled in the config file"))
        }
    }

    @Test func extraEnvironmentJoinsTheKey() {
        let spec = Self.gh("[tools.gh]\nenv = [\"MY_ORG_VAR\", \"GH_TOKEN\"]\n")
        let keyEnv = spec.decide(["pr", "list"]).keyEnv
        #expect(keyEnv.contains("MY_ORG_VAR") && keyEnv.contains("GH_HOST"))
        #expect(keyEnv.filter { $0 == "GH_TOKEN" }.count == 1)
    }

    @Test func retriesPrecedence() {
        #expect(Self.gh("").decide(["pr", "list"]).retries == 3, "built-in")
        #expect(Self.gh("[defaults]\nretries = 1\n").decide(["pr", "list"]).retries == 1)
        #expect(Self.gh("[defaults]\nretries = 1\n[tools.gh]\nretries = 0\n").decide(["pr", "list"]).retries == 0)
        #expect(Self.gh("[tools.hf]\nretries = 5\n").retries == 3, "another tool's line does not apply")
    }

    @Test func genericCommandsGetTheDefaultTTL() {
        let (config, _) = UserConfig.parse("[defaults]\nttl = \"45s\"\n")
        let spec = config.applyGeneric(to: .generic(command: "/bin/echo", keyEnv: []))
        #expect(spec.decide(["hi"]).ttlSeconds == 45)
        #expect(PolicySpec.generic(command: "echo", keyEnv: []).decide([]).ttlSeconds == TTLClass.command.seconds)
    }

    @Test func loadingTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cw-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = ConfigFile.load(dir + "/nope.toml")
        #expect(!missing.exists && missing.issues.isEmpty && missing.config == UserConfig())
        let notFile = ConfigFile.load(dir)
        #expect(notFile.exists && notFile.issues == [ConfigIssue(line: nil, "not a regular file")])
        try "[tools.gh]\nretries = 1\n".write(toFile: dir + "/c.toml", atomically: true, encoding: .utf8)
        let good = ConfigFile.load(dir + "/c.toml")
        #expect(good.exists && good.issues.isEmpty && good.config.tools["gh"]?.retries == 1)
    }

    @Test func configCommandReport() {
        let (config, _) = UserConfig.parse("""
            [defaults]
            ttl = "90s"
            [tools.gh]
            env = ["MY_ORG_VAR"]
            cacheable = ["pr ready-check"]
            [tools.gh.ttl]
            "*" = "2m"
            "pr list" = "1d"
            [tools.vastai]
            disabled = true
            """)
        let text = ConfigCommand.report(ConfigFile.Loaded(exists: true, config: config), path: "/c.toml")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "config file: /c.toml (found)")
        #expect(lines[1] == "generic (cachewrap -- CMD): ttl 90s (config)")
        #expect(lines.contains("gh: retries 3 (built-in); ttl \"pr list\" 1d, \"*\" 2m; extra cacheable \"pr ready-check\"; extra env MY_ORG_VAR"))
        #expect(lines.contains("vastai: disabled (every call passes straight through)"))
        #expect(lines.count == 2 + Policies.known.count)
        #expect(Duration.exact(seconds: 0) == "0s" && Duration.exact(seconds: 150) == "150s" && Duration.exact(seconds: 7200) == "2h")
    }
}

/// `[tools.NAME.stale]`: per-operation stale-while-revalidate, like `--stale`.
@Suite struct ConfigStaleTests {
    @Test func staleTableReachesTheDecision() {
        let (config, issues) = UserConfig.parse("[tools.gh.stale]\n\"pr list\" = \"30s\"\n\"*\" = \"5m\"\n")
        #expect(issues.isEmpty)
        let spec = config.apply(to: GhPolicy.spec)
        #expect(spec.decide(["pr", "list"]).staleSeconds == 30)
        #expect(spec.decide(["issue", "view", "7"]).staleSeconds == 300)
        #expect(GhPolicy.spec.decide(["pr", "list"]).staleSeconds == nil, "nothing without the config")
        let (_, bad) = UserConfig.parse("[tools.gh.stale]\n\"pr list\" = \"soon\"\n")
        #expect(bad.first?.line == 2)
    }
}
