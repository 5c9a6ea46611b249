import Foundation
import Testing

/// Numbers a user hands cachewrap (issue 11), through the built binary: a duration or a size too
/// large to be meant is refused where it was typed (a flag: exit 64; `cachewrap config`: exit 78
/// with `file:line`) and warned about where it was only inherited (the environment, the config on
/// the wrap path), and never reaches the clock arithmetic that used to trap (SIGILL, exit 132).
@Suite struct UserNumberTests {
    /// Each overflowed `now + ttl * 1000` on the current main; 3651d is merely past the limit.
    static let tooLong = ["9223372036854775807s", "106751991167d", "3651d"]

    static func warnings(_ result: RunResult) -> [Substring] {
        result.stderrText.split(separator: "\n").filter { $0.hasPrefix("cachewrap: warning:") }
    }

    @Test(arguments: ["--ttl", "--stale", "--stale-if-error"])
    func aDurationFlagOutOfRangeIsAUsageError(flag: String) throws {
        let sb = try TestSandbox()
        sb.writeTool("hello", script: "echo hi")
        for value in Self.tooLong {
            let result = try cachewrap([flag, value, "--", "hello"], env: sb.baseEnv())
            #expect(result.status == 64, "\(flag) \(value): \(result.stderrText)")
            #expect(result.stderrText.contains("cachewrap: \(flag) must be between 0 and 3650d, not \(value)\n"),
                    "\(result.stderrText)")
        }
        #expect(sb.counter("hello") == 0, "a usage error runs nothing")
        let longest = try cachewrap([flag, "3650d", "--", "hello"], env: sb.baseEnv())
        #expect(longest.status == 0 && longest.stdoutText == "hi\n", "the limit itself is accepted: \(longest.stderrText)")
    }

    @Test func retriesAndGCSizesOutOfRangeAreUsageErrors() throws {
        let sb = try TestSandbox()
        sb.writeTool("hello", script: "echo hi")
        for args in [["--retries", "11", "--", "hello"], ["--retries=99999999999999999999", "--", "hello"],
                     ["gc", "--max-size", "1025G"], ["gc", "--max-size=9999999999999T"]] {
            let result = try cachewrap(args, env: sb.baseEnv())
            #expect(result.status == 64, "\(args): \(result.stderrText)")
            #expect(result.stderrText.contains(" must be between 0 and "), "\(args): \(result.stderrText)")
        }
        #expect(try cachewrap(["--retries", "10", "--", "hello"], env: sb.baseEnv()).status == 0)
        #expect(try cachewrap(["gc", "--max-size", "1T"], env: sb.baseEnv()).status == 0)
    }

    /// An inherited setting must never stop the tool: one warning, the default, the tool's own exit.
    @Test(arguments: [
        ("CACHEWRAP_TTL", "9223372036854775807s"), ("CACHEWRAP_TTL", "106751991167d"), ("CACHEWRAP_TTL", "3651d"),
        ("CACHEWRAP_RETRIES", "11"), ("CACHEWRAP_MAX_ENTRY", "2T"), ("CACHEWRAP_MAX_ENTRY", "0"),
        ("CACHEWRAP_RETRY_BASE", "9223372036854775807ms"), ("CACHEWRAP_RETRY_CAP", "106751991167d"),
        ("CACHEWRAP_RETRY_BUDGET", "2h"),
    ])
    func anEnvironmentValueOutOfRangeWarnsOnceAndTheToolRuns(variable: String, value: String) throws {
        let sb = try TestSandbox()
        sb.writeTool("hello", script: "echo hi; exit \"${EXIT:-0}\"")
        var env = sb.baseEnv()
        env[variable] = value
        let stored = try cachewrap(["--", "hello"], env: env)
        #expect(stored.status == 0 && stored.stdoutText == "hi\n", "\(stored.status): \(stored.stderrText)")
        let warnings = Self.warnings(stored)
        #expect(warnings.count == 1 && warnings[0].hasPrefix("cachewrap: warning: \(variable) must be between ")
                && warnings[0].contains(", not \(value); using "), "one warning naming the variable: \(stored.stderrText)")
        env["EXIT"] = "3"
        let failed = try cachewrap(["--", "hello", "again"], env: env)
        #expect(failed.status == 3, "the tool's own exit code: \(failed.stderrText)")
        #expect(Self.warnings(failed).count == 1, "\(failed.stderrText)")
    }

    @Test(arguments: [
        ("[defaults]\nttl = \"106751991167d\"\n", 2, "'ttl' in [defaults]", "106751991167d"),
        ("[tools.gh.ttl]\n\"*\" = \"9223372036854775807s\"\n", 2, "'*' in [tools.gh.ttl]", "9223372036854775807s"),
        ("# stale\n[tools.gh.stale]\n\"pr list\" = \"3651d\"\n", 3, "'pr list' in [tools.gh.stale]", "3651d"),
    ] as [(String, Int, String, String)])
    func aConfigValueOutOfRangeIsAConfigError(text: String, line: Int, setting: String, value: String) throws {
        let sb = try TestSandbox()
        let path = try ConfigCommandTests.writeConfig(text, in: sb)
        let shown = try cachewrap(["config"], env: sb.baseEnv())
        #expect(shown.status == 78, "\(shown.stdoutText)\(shown.stderrText)")
        #expect(shown.stderrText.contains("\(path):\(line): \(setting) must be between 0 and 3650d, not \(value)\n"),
                "\(shown.stderrText)")
        // The wrap path fails open: one warning, the built-in defaults, the tool runs.
        sb.writeTool("gh", script: "echo listed")
        let wrapped = try cachewrap(["gh", "pr", "list"], env: sb.baseEnv())
        #expect(wrapped.status == 0 && wrapped.stdoutText == "listed\n", "\(wrapped.stderrText)")
        #expect(Self.warnings(wrapped).count == 1 && wrapped.stderrText.contains("\(path):\(line): "), "\(wrapped.stderrText)")
        let generic = try cachewrap(["--", "gh", "pr", "list"], env: sb.baseEnv())
        #expect(generic.status == 0 && generic.stdoutText == "listed\n", "\(generic.stderrText)")
    }
}
