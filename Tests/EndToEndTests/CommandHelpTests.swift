import Foundation
import Testing

/// Every management command answers `--help` and `-h` with its own usage on stdout, exit 0, and
/// does nothing else (issue 11): `rm --help` removes nothing, `shims --help` links nothing.
@Suite struct CommandHelpTests {
    static let commands = ["stats", "ls", "show", "rm", "clear", "gc", "key", "config", "explain", "init", "doctor", "shims"]

    @Test(arguments: commands)
    func eachCommandExplainsItself(command: String) throws {
        let sb = try TestSandbox()
        for flag in ["--help", "-h"] {
            let result = try cachewrap([command, flag], env: sb.baseEnv())
            #expect(result.status == 0, "\(command) \(flag): \(result.stderrText)")
            #expect(result.stdoutText.hasPrefix("usage: cachewrap \(command)"), "\(command) \(flag): \(result.stdoutText)")
            #expect(result.stdoutText.split(separator: "\n").count >= 3, "a line of what it does: \(result.stdoutText)")
            #expect(result.stderrText.isEmpty, "\(command) \(flag): \(result.stderrText)")
        }
        #expect(!FileManager.default.fileExists(atPath: sb.cacheDir), "help touches no cache")
        #expect(!FileManager.default.fileExists(atPath: sb.home + "/.local"), "help makes no shims")
    }

    /// Among a command's own options `--help` still wins; after the tool of `key` and `explain`
    /// it belongs to the tool, whose help is itself a cacheable call to explain.
    @Test func helpAmongOptionsAndAfterATool() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "echo gh help")
        for args in [["gc", "--max-size", "1G", "--help"], ["ls", "--json", "-h"], ["rm", "--expired", "--help"]] {
            let result = try cachewrap(args, env: sb.baseEnv())
            #expect(result.status == 0 && result.stdoutText.hasPrefix("usage: cachewrap \(args[0])"), "\(args): \(result.stderrText)")
        }
        let explained = try cachewrap(["explain", "gh", "--help"], env: sb.baseEnv())
        #expect(explained.status == 0 && explained.stdoutText.contains("operation: help"), "\(explained.stdoutText)")
        let keyed = try cachewrap(["key", "gh", "-h"], env: sb.baseEnv())
        #expect(keyed.status == 0 && keyed.stdoutText.hasPrefix("bafkrei"), "\(keyed.stdoutText)")
        #expect(sb.counter("gh") == 0)
    }

    /// The overview lists each command with the same synopsis its own help shows.
    @Test func theOverviewAgreesWithEachCommandsHelp() throws {
        let sb = try TestSandbox()
        let overview = try cachewrap(["--help"], env: sb.baseEnv()).stdoutText
        for command in Self.commands {
            let own = try cachewrap([command, "--help"], env: sb.baseEnv()).stdoutText
            let synopsis = own.split(separator: "\n")[0].dropFirst("usage: ".count)
            #expect(overview.contains("  " + synopsis), "\(command): '\(synopsis)' not in the overview")
        }
    }
}
