import Foundation
import Testing

/// `cachewrap stats --advice` through the built binary (issue 15): a call whose re-runs after
/// expiry keep finding the same bytes gets a longer TTL, one whose refreshes keep finding a
/// changed answer after it was replayed gets a shorter one, and each suggestion is a config
/// line that `cachewrap config` takes and that `explain` then shows for the same call.
@Suite struct AdviceTests {
    /// The three kinds of policy a TTL line can reach, each with a 1s TTL set in the config.
    enum Kind: String, CaseIterable, CustomTestStringConvertible, Sendable {
        /// `cachewrap -- steady`: only `[defaults] ttl` reaches it.
        case generic
        /// A built-in tool (a fake gh) and one of its cacheable operations.
        case builtIn
        /// A tool the config defines, with a cacheable operation.
        case defined
        var testDescription: String { rawValue }

        var args: [String] {
            switch self {
            case .generic: ["--", "steady"]
            case .builtIn: ["gh", "repo", "view", "o/r"]
            case .defined: ["steady", "status"]
            }
        }

        /// What the config holds besides TTLs (kept when the advice is pasted).
        var definition: String { self == .defined ? "[tools.steady]\ncacheable = [\"status\"]\n\n" : "" }

        /// The table that makes the TTL 1s, and what the advice is expected to print for it.
        var shortTTL: String {
            switch self {
            case .generic: "[defaults]\nttl = \"1s\"\n"
            case .builtIn: "[tools.gh.ttl]\n\"repo view\" = \"1s\"\n"
            case .defined: "[tools.steady.ttl]\n\"status\" = \"1s\"\n"
            }
        }

        var suggestion: String {
            let why = "5 refreshes after expiry, 5 identical: the 1s TTL is shorter than it needs to be"
            switch self {
            case .generic: return "[defaults]\nttl = \"10s\"    # cachewrap -- steady: " + why + "\n"
            case .builtIn: return "[tools.gh.ttl]\n\"repo view\" = \"10s\"    # " + why + "\n"
            case .defined: return "[tools.steady.ttl]\n\"status\" = \"10s\"    # " + why + "\n"
            }
        }
    }

    @Test(arguments: Kind.allCases)
    func identicalReRunsAfterExpiryGetALongerTTL(_ kind: Kind) throws {
        let sb = try TestSandbox()
        for name in ["steady", "gh"] { sb.writeTool(name, script: "echo 'the same answer'") }
        try ConfigCommandTests.writeConfig(kind.definition + kind.shortTTL, in: sb)
        let env = sb.baseEnv(), tool = kind == .builtIn ? "gh" : "steady"
        let none = try cachewrap(["stats", "--advice"], env: env, cwd: sb.home)
        #expect(none.status == 0 && none.stdoutText.hasPrefix("no TTL advice yet: no entry has been re-run"), "\(none.stdoutText)")

        #expect(try cachewrap(kind.args, env: env, cwd: sb.home).status == 0)
        for run in 2...6 {
            try #require(try FreshnessAgreementTests.waitForExplainExpired(kind.args, env: env, cwd: sb.home), "never expired")
            let again = try cachewrap(kind.args, env: env, cwd: sb.home)
            #expect(again.status == 0 && again.stdoutText == "the same answer\n", "\(again.stderrText)")
            #expect(sb.counter(tool) == run, "each call after expiry runs the tool")
        }

        let advice = try cachewrap(["stats", "--advice"], env: env, cwd: sb.home)
        #expect(advice.status == 0 && advice.stdoutText.contains("\n\n" + kind.suggestion), "\(advice.stdoutText)")
        let json = try cachewrap(["stats", "--advice", "--json"], env: env, cwd: sb.home)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [[String: Any]])
        #expect(items.count == 1 && items.first?["suggested_ttl_s"] as? Int == 10 && items.first?["current_ttl_s"] as? Int == 1
                && items.first?["refreshes"] as? Int == 5 && items.first?["identical"] as? Int == 5, "\(json.stdoutText)")

        // Pasted in place of the 1s table: the config takes it, and the call now keeps 10s.
        try ConfigCommandTests.writeConfig(kind.definition + advice.stdoutText, in: sb)
        let config = try cachewrap(["config"], env: env)
        #expect(config.status == 0, "\(config.stderrText)")
        let explained = try cachewrap(["explain"] + kind.args, env: env, cwd: sb.home)
        #expect(explained.stdoutText.contains("\nttl:       10s (config file)\n"), "\(explained.stdoutText)")
    }

    /// gh's `repo view` keeps an hour (metadata); each `--refresh` after a replay finds a new
    /// answer, so the hour is too long: half of it, 30m.
    @Test func changedAnswersAfterReplaysGetAShorterTTL() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: #"echo "answer $(wc -l < "$COUNT_FILE")""#)
        let env = sb.baseEnv(), args = ["gh", "repo", "view", "o/r"]
        #expect(try cachewrap(args, env: env, cwd: sb.home).stdoutText == "answer 1\n")
        for run in 2...6 {
            #expect(try cachewrap(args, env: env, cwd: sb.home).stdoutText == "answer \(run - 1)\n", "a hit")
            let refreshed = try cachewrap(["--refresh"] + args, env: env, cwd: sb.home)
            #expect(refreshed.stdoutText == "answer \(run)\n", "\(refreshed.stderrText)")
        }
        let advice = try cachewrap(["stats", "--advice", "--tool", "gh"], env: env, cwd: sb.home)
        #expect(advice.status == 0 && advice.stdoutText.contains("""

            [tools.gh.ttl]
            "repo view" = "30m"    # 5 refreshes before expiry, 0 identical, 5 changed after hits: the 1h TTL outlives the output

            """), "\(advice.stdoutText)")
        let json = try cachewrap(["stats", "--advice", "--json"], env: env, cwd: sb.home)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [[String: Any]])
        #expect(items.first?["suggested_ttl_s"] as? Int == 1800 && items.first?["changed_after_hits"] as? Int == 5,
                "\(json.stdoutText)")

        try ConfigCommandTests.writeConfig(advice.stdoutText, in: sb)
        #expect(try cachewrap(["config"], env: env).status == 0)
        let explained = try cachewrap(["explain"] + args, env: env, cwd: sb.home)
        #expect(explained.stdoutText.contains("\nttl:       30m (config file)\n"), "\(explained.stdoutText)")
    }
}
