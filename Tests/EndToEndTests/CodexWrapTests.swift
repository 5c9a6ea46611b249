import Foundation
import Testing

/// codex through the built binary, with a fake `codex` script (the real one cannot be installed
/// here). Guards the codex policy (docs/architecture.md, Policies): a repeated read-only
/// `codex exec` prompt runs once and replays byte for byte; a prompt on stdin is keyed on it;
/// every flag or config file that lets codex write, and `-o`, make each call run; an edit in the
/// work tree or in AGENTS.md is a miss; "exit 0, nothing printed" is never stored.
@Suite struct CodexWrapTests {
    /// A fake codex: records each run's argv and stdin (`codex.argv.N`, `codex.stdin.N`, N the
    /// run's number), writes `-o FILE` as codex does, and prints an answer naming both; prints
    /// nothing when FAKE_EMPTY is set.
    static let codex = """
        n=$(wc -l < "$COUNT_FILE" | tr -d ' ')
        printf '%s\\n' "$@" > "$LOG_DIR/codex.argv.$n"
        input=""
        if [ ! -t 0 ]; then input=$(cat); fi
        printf '%s' "$input" > "$LOG_DIR/codex.stdin.$n"
        prev=""
        for a in "$@"; do [ "$prev" = "-o" ] && printf 'last message\\n' > "$a"; prev=$a; done
        [ -n "$FAKE_EMPTY" ] && exit 0
        printf 'answer to [%s] stdin [%s]\\n' "$*" "$input"
        """

    static func sandbox() throws -> TestSandbox {
        let sb = try TestSandbox()
        sb.writeTool("codex", script: codex)
        return sb
    }

    @Test func repeatedReadOnlyPromptRunsOnceAndReplaysExactly() throws {
        let sb = try Self.sandbox()
        let first = try cachewrap(["codex", "exec", "explain main.swift"], env: sb.baseEnv(), cwd: sb.home)
        let second = try cachewrap(["codex", "exec", "explain main.swift"], env: sb.baseEnv(), cwd: sb.home)
        #expect(first.status == 0 && first.stdoutText == "answer to [exec explain main.swift] stdin []\n")
        #expect(second.stdout == first.stdout && second.stderr == first.stderr && second.status == 0)
        #expect(sb.counter("codex") == 1)
        #expect(sb.log("codex.argv.1") == "exec\nexplain main.swift\n")
        _ = try cachewrap(["codex", "e", "explain main.swift"], env: sb.baseEnv(), cwd: sb.home)
        #expect(sb.counter("codex") == 2, "the alias is its own argv, keyed apart")
    }

    @Test func promptOnStdinIsKeyedOnIt() throws {
        let sb = try Self.sandbox()
        func ask(_ text: String) throws -> RunResult {
            try cachewrap(["codex", "exec", "-"], env: sb.baseEnv(), cwd: sb.home, stdin: Array(text.utf8))
        }
        let q = try ask("q\n"), again = try ask("q\n")
        #expect(q.status == 0 && q.stdoutText == "answer to [exec -] stdin [q]\n" && again.stdout == q.stdout)
        #expect(sb.counter("codex") == 1 && sb.log("codex.stdin.1") == "q", "the tool got the prompt")
        let other = try ask("another question\n")
        #expect(other.stdoutText == "answer to [exec -] stdin [another question]\n" && sb.counter("codex") == 2)
    }

    @Test(arguments: [["--full-auto"], ["-s", "workspace-write"], ["--sandbox", "danger-full-access"], ["--yolo"],
                      ["--dangerously-bypass-approvals-and-sandbox"], ["-c", "sandbox_mode=\"workspace-write\""],
                      ["--sandbox=workspace-write"], ["-C", "."], ["--add-dir", "."]])
    func callsThatMayWriteOrLookElsewhereRunEveryTime(_ extra: [String]) throws {
        let sb = try Self.sandbox()
        for _ in 0..<2 {
            let r = try cachewrap(["codex", "exec"] + extra + ["fix it"], env: sb.baseEnv(), cwd: sb.home)
            #expect(r.status == 0 && r.stdoutText.hasPrefix("answer to"))
        }
        #expect(sb.counter("codex") == 2, "\(extra)")
    }

    @Test func lastMessageFileIsWrittenByEveryRun() throws {
        let sb = try Self.sandbox()
        let file = sb.root + "/last.txt"
        for _ in 0..<2 {
            try? FileManager.default.removeItem(atPath: file)
            let r = try cachewrap(["codex", "exec", "-o", file, "q"], env: sb.baseEnv(), cwd: sb.home)
            #expect(r.status == 0 && FileManager.default.contents(atPath: file) == Data("last message\n".utf8))
        }
        #expect(sb.counter("codex") == 2)
    }

    @Test func configFileThatGrantsWritesMakesEveryCallRun() throws {
        let sb = try Self.sandbox()
        for _ in 0..<2 { _ = try cachewrap(["codex", "exec", "q"], env: sb.baseEnv(), cwd: sb.home) }
        #expect(sb.counter("codex") == 1)
        try FileManager.default.createDirectory(atPath: sb.home + "/.codex", withIntermediateDirectories: true)
        try "[profiles.ci]\nsandbox_mode = \"workspace-write\"\n".write(toFile: sb.home + "/.codex/config.toml",
                                                                     atomically: true, encoding: .utf8)
        for _ in 0..<2 { _ = try cachewrap(["codex", "exec", "q"], env: sb.baseEnv(), cwd: sb.home) }
        #expect(sb.counter("codex") == 3, "config.toml lets codex write: every call runs")
    }

    @Test func editingTheWorkTreeOrItsInstructionsMisses() throws {
        let sb = try Self.sandbox()
        let repo = try sb.committedRepository("repo", files: ["src/main.swift": "print(1)\n"])
        let file = repo + "/src/main.swift"
        func ask() throws { _ = try cachewrap(["codex", "exec", "review src"], env: sb.baseEnv(), cwd: repo + "/src") }
        try ask(); try ask()
        #expect(sb.counter("codex") == 1, "an unchanged work tree hits")
        try "print(2)\n".write(toFile: file, atomically: true, encoding: .utf8)
        try ask(); try ask()
        #expect(sb.counter("codex") == 2, "an edited tracked file misses once")
        // Ignored by git, so only its place among codex's instruction files keys it.
        try "AGENTS.md\n".write(toFile: repo + "/.gitignore", atomically: true, encoding: .utf8)
        try ask()
        #expect(sb.counter("codex") == 3, ".gitignore is a new untracked file")
        try "Answer in French.\n".write(toFile: repo + "/AGENTS.md", atomically: true, encoding: .utf8)
        try ask(); try ask()
        #expect(sb.counter("codex") == 4, "AGENTS.md at the repository's top joins the key")
    }

    @Test func emptyAnswerWithExitZeroIsNotStored() throws {
        try Self.sandbox().expectEmptyAnswersNotStored(["codex", "exec", "q"])
    }
}
