import Foundation
import Testing

/// A non-interactive mutation runs as a child that cachewrap waits for, so that it can drop the
/// mutation's scope again once it has ended, and otherwise behaves as if cachewrap were not
/// there: the child has cachewrap's own stdin and stdout (nothing read, recorded or retried),
/// its exit status comes back unchanged, a signal that kills it ends cachewrap the same way,
/// and a signal sent to cachewrap reaches it.
@Suite struct WaitedMutationTests {
    static let post = ["gh", "api", "-X", "POST", "repos/o/a/pulls", "-f", "title=x"]

    /// A shell line for a fake tool: a cached read of o/a's pulls through cachewrap, its output
    /// appended to `logs/<log>`.
    static func innerRead(_ log: String) throws -> String {
        "\(TestSandbox.shellQuote(try cachewrapBinary())) gh api repos/o/a/pulls >> \"$LOG_DIR/\(log)\""
    }

    @Test func theChildHasOurDescriptorsAndItsStatusComesBack() throws {
        let sb = try TestSandbox()
        // Its parent must be cachewrap (not the test: exec'd), holding the very same stdin and stdout.
        sb.writeTool("gh", script: scopeFakeGh(mutation: """
            echo "parent $PPID"
            [ "$(readlink /proc/$$/fd/0)" = "$(readlink /proc/$PPID/fd/0)" ] && echo "same stdin"
            [ "$(readlink /proc/$$/fd/1)" = "$(readlink /proc/$PPID/fd/1)" ] && echo "same stdout"
            cat
            exit 3
            """))
        let env = sb.scopeEnv()
        let result = try cachewrap(Self.post, env: env, cwd: sb.home, stdin: Array("bytes for the body\n".utf8))
        #expect(result.status == 3, "the mutation's own exit status: \(result.stderrText)")
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.first != "parent \(getpid())" && lines.first?.hasPrefix("parent ") == true,
                "cachewrap waits for the mutation as its child: \(result.stdoutText)")
        #expect(Array(lines.dropFirst()) == ["same stdin", "same stdout", "bytes for the body"],
                "stdin reaches the tool and its output reaches ours, untouched: \(result.stdoutText)")
        #expect(try sb.storedEntries(env) == 0, "nothing of a mutation is recorded")
    }

    /// A mutation killed by a signal: cachewrap ends by the same signal, as the shell would
    /// have seen without it, after dropping the scope again (a read stored meanwhile goes).
    @Test func aMutationKilledByASignalEndsCachewrapByIt() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: scopeFakeGh(mutation: """
            \(try Self.innerRead("inner"))
            kill -TERM $$
            """))
        let env = sb.scopeEnv()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try cachewrapBinary())
        process.arguments = Self.post
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: sb.home)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try ConcurrencyTests.waitForExit(process, seconds: 60)
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM,
                "ended by SIGTERM (143 in a shell): \(process.terminationReason) \(process.terminationStatus)")
        try #require(sb.log("inner") == "api repos/o/a/pulls run 1\n", "the read inside the mutation ran")

        let after = try cachewrap(["gh", "api", "repos/o/a/pulls"], env: env, cwd: sb.home)
        #expect(after.stdoutText == "api repos/o/a/pulls run 2\n", "the read stored during the mutation is not replayed")
    }

    /// `kill -TERM <cachewrap>` while the mutation runs reaches the mutation; cachewrap then
    /// ends with the status the mutation chose (it traps TERM and exits 0).
    @Test func aSignalSentToCachewrapIsForwardedToTheMutation() throws {
        let sb = try TestSandbox()
        // Bounded: if nothing arrives, the tool gives up after about 60 s and exits 9.
        sb.writeTool("gh", script: scopeFakeGh(mutation: """
            trap 'echo got-term > "$LOG_DIR/term"; exit 0' TERM
            echo "$PPID $$" > "$LOG_DIR/pids.tmp" && mv "$LOG_DIR/pids.tmp" "$LOG_DIR/pids"
            i=0; while [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done
            exit 9
            """))
        let mutation = BackgroundRun(Self.post, env: sb.scopeEnv(), cwd: sb.home, timeout: 120)
        try #require(eventually { sb.log("pids") != nil }, "the mutation never started")
        let pids = (sb.log("pids") ?? "").split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
        try #require(pids.count == 2)
        // Exec'd, the tool's parent would be this test process: never signal that; stop the
        // tool (alive: it loops until signalled) and fail.
        if pids[0] == getpid() { kill(pids[1], SIGKILL) }
        try #require(pids[0] != getpid(), "the mutation is cachewrap's child, not cachewrap itself")
        #expect(kill(pids[0], SIGTERM) == 0)
        let result = try mutation.wait(timeout: 120)
        #expect(sb.log("term") == "got-term\n", "the mutation received the TERM sent to cachewrap")
        #expect(result.status == 0, "cachewrap exits with the mutation's status: \(result.status) \(result.stderrText)")
    }

    /// A read that is stored while the mutation runs (started after the first drop, so allowed
    /// then) may show the state before the change: once the mutation has ended it is refused.
    @Test func aReadStoredWhileTheMutationRunsIsNotServedAfterIt() throws {
        let sb = try TestSandbox()
        let read = try Self.innerRead("inner")
        sb.writeTool("gh", script: scopeFakeGh(mutation: "\(read)\n\(read)\necho mutated"))
        let env = sb.scopeEnv()
        let post = try cachewrap(Self.post, env: env, cwd: sb.home)
        try #require(post.status == 0 && post.stdoutText == "mutated\n", "\(post.stdoutText) \(post.stderrText)")
        #expect(sb.log("inner") == "api repos/o/a/pulls run 1\napi repos/o/a/pulls run 1\n",
                "during the mutation the read is stored and served: \(sb.log("inner") ?? "none")")

        let after = try cachewrap(["gh", "api", "repos/o/a/pulls"], env: env, cwd: sb.home)
        #expect(after.stdoutText == "api repos/o/a/pulls run 2\n", "after it ends, that answer is dropped again")
        let again = try cachewrap(["gh", "api", "repos/o/a/pulls"], env: env, cwd: sb.home)
        #expect(again.stdout == after.stdout, "and the new answer is cached as usual")
    }
}
