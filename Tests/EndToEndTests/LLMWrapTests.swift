import Foundation
import Testing

/// The LLM agents through the built binary, with fake `claude`, `gemini` and `copilot` scripts
/// (the real ones cannot be installed here). Guards the LLM policies (docs/architecture.md, Policies): a repeated read-only
/// prompt is answered once; a call that may edit files or resumes a session always runs; the
/// answer is keyed on the work tree, on stdin and on project instructions; and claude's
/// "exit 0, nothing printed" is never stored.
@Suite struct LLMWrapTests {
    /// A fake agent: records its argv, reads stdin when it is not a terminal, and prints a fixed
    /// answer naming both; prints nothing when FAKE_EMPTY is set (claude's known bug).
    static let agent = """
        printf '%s\\n' "$@" > "$LOG_DIR/argv"
        input=""
        if [ ! -t 0 ]; then input=$(cat); fi
        [ -n "$FAKE_EMPTY" ] && exit 0
        printf 'answer to [%s] stdin [%s]\\n' "$*" "$input"
        """

    /// A sandbox with the three fake agents on PATH.
    static func sandbox() throws -> TestSandbox {
        let sb = try TestSandbox()
        for tool in ["claude", "gemini", "copilot"] { sb.writeTool(tool, script: agent) }
        return sb
    }

    @Test func repeatedPromptIsAnsweredOnce() throws {
        let sb = try Self.sandbox()
        let first = try cachewrap(["claude", "-p", "q"], env: sb.baseEnv(), cwd: sb.home)
        let second = try cachewrap(["claude", "-p", "q"], env: sb.baseEnv(), cwd: sb.home)
        #expect(first.status == 0 && first.stdoutText == "answer to [-p q] stdin []\n")
        #expect(second.stdout == first.stdout && second.stderr == first.stderr && second.status == 0)
        #expect(sb.counter("claude") == 1)
    }

    @Test(arguments: [["--dangerously-skip-permissions"], ["--permission-mode", "acceptEdits"],
                      ["--allowedTools", "Edit"], ["--allowedTools", "Bash(git:*)"], ["-c"], ["--resume", "abc"]])
    func writeGrantsAndResumedSessionsRunEveryTime(_ extra: [String]) throws {
        let sb = try Self.sandbox()
        for _ in 0..<2 {
            let r = try cachewrap(["claude", "-p", "q"] + extra, env: sb.baseEnv(), cwd: sb.home)
            #expect(r.status == 0 && r.stdoutText.hasPrefix("answer to"))
        }
        #expect(sb.counter("claude") == 2)
    }

    @Test func projectSettingsThatAllowEditsRunEveryTime() throws {
        let sb = try Self.sandbox()
        let project = sb.root + "/project"
        try FileManager.default.createDirectory(atPath: project + "/.claude", withIntermediateDirectories: true)
        for _ in 0..<2 { _ = try cachewrap(["claude", "-p", "q"], env: sb.baseEnv(), cwd: project) }
        #expect(sb.counter("claude") == 1)
        try #"{"permissions": {"allow": ["Read", "Edit"]}}"#.write(toFile: project + "/.claude/settings.local.json",
                                                                     atomically: true, encoding: .utf8)
        for _ in 0..<2 { _ = try cachewrap(["claude", "-p", "q"], env: sb.baseEnv(), cwd: project) }
        #expect(sb.counter("claude") == 3, "a local settings file that allows Edit makes every call run")
    }

    @Test func editingATrackedFileMissesAndRevertingHitsAgain() throws {
        let sb = try Self.sandbox()
        let repo = try sb.committedRepository("repo", files: ["main.swift": "print(1)\n"])
        let file = repo + "/main.swift"
        func ask() throws { _ = try cachewrap(["claude", "-p", "q"], env: sb.baseEnv(), cwd: repo) }
        try ask(); try ask()
        #expect(sb.counter("claude") == 1, "an unchanged work tree hits")
        try "print(2)\n".write(toFile: file, atomically: true, encoding: .utf8)
        try ask()
        #expect(sb.counter("claude") == 2, "an edited tracked file misses")
        try "print(1)\n".write(toFile: file, atomically: true, encoding: .utf8)
        try ask()
        #expect(sb.counter("claude") == 2, "the reverted work tree hits the first entry")
    }

    @Test func projectInstructionsJoinTheKeyOutsideGit() throws {
        let sb = try Self.sandbox()
        _ = try cachewrap(["claude", "-p", "q"], env: sb.baseEnv(), cwd: sb.home)
        try "Answer in French.\n".write(toFile: sb.home + "/CLAUDE.md", atomically: true, encoding: .utf8)
        _ = try cachewrap(["claude", "-p", "q"], env: sb.baseEnv(), cwd: sb.home)
        _ = try cachewrap(["claude", "-p", "q"], env: sb.baseEnv(), cwd: sb.home)
        #expect(sb.counter("claude") == 2)
    }

    @Test func differentStdinKeysApartAndReachesTheTool() throws {
        let sb = try Self.sandbox()
        let a = try cachewrap(["claude", "-p", "q"], env: sb.baseEnv(), cwd: sb.home, stdin: Array("a\n".utf8))
        let b = try cachewrap(["claude", "-p", "q"], env: sb.baseEnv(), cwd: sb.home, stdin: Array("b\n".utf8))
        let a2 = try cachewrap(["claude", "-p", "q"], env: sb.baseEnv(), cwd: sb.home, stdin: Array("a\n".utf8))
        #expect(a.stdoutText == "answer to [-p q] stdin [a]\n" && b.stdoutText == "answer to [-p q] stdin [b]\n")
        #expect(a2.stdout == a.stdout)
        #expect(sb.counter("claude") == 2)
    }

    @Test func emptyAnswerWithExitZeroIsNotStored() throws {
        try Self.sandbox().expectEmptyAnswersNotStored(["claude", "-p", "q"])
    }

    @Test(arguments: [("gemini", ["--yolo"]), ("gemini", ["--approval-mode", "auto_edit"]),
                      ("copilot", ["--allow-all-tools"]), ("copilot", ["--allow-tool", "shell"])])
    func geminiAndCopilotRoundTrip(tool: String, grant: [String]) throws {
        let sb = try Self.sandbox()
        let first = try cachewrap([tool, "-p", "q"], env: sb.baseEnv(), cwd: sb.home)
        let second = try cachewrap([tool, "-p", "q"], env: sb.baseEnv(), cwd: sb.home)
        #expect(first.status == 0 && second.stdout == first.stdout && sb.counter(tool) == 1)
        for _ in 0..<2 { _ = try cachewrap([tool, "-p", "q"] + grant, env: sb.baseEnv(), cwd: sb.home) }
        #expect(sb.counter(tool) == 3, "\(grant) lets \(tool) change files: it runs every time")
    }

    @Test func copilotAllowAllVariableRunsEveryTime() throws {
        let sb = try Self.sandbox()
        var env = sb.baseEnv()
        env["COPILOT_ALLOW_ALL"] = "true"
        for _ in 0..<2 { _ = try cachewrap(["copilot", "-p", "q"], env: env, cwd: sb.home) }
        #expect(sb.counter("copilot") == 2)
    }
}
