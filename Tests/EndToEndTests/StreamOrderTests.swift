import Foundation
import Testing

// Merged streams: when cachewrap's stdout and stderr are one file (`2>&1` into a pipe or a file,
// or the same terminal), the user sees the tool's writes in the order it made them, on the miss
// and on every hit, as with the tool alone. Split stdout and stderr stay two streams, under
// another key.

/// Three rounds of stdout, stderr, stdout, each its own write(2): two pipes read by a poll loop
/// cannot tell these writes' order, one channel keeps it.
private let interleaving = "for i in 1 2 3; do printf A; printf B >&2; printf 'C\\n'; done"
private let merged = Array("ABC\nABC\nABC\n".utf8)

/// `/bin/sh -c COMMAND` with stdout and stderr captured apart.
private func sh(_ command: String, _ sb: TestSandbox, env: [String: String]? = nil) throws -> RunResult {
    try run("/bin/sh", ["-c", command], env: env ?? sb.baseEnv(), cwd: sb.root, timeout: 60)
}

@Suite("Merged streams: stdout and stderr on one file keep the tool's order")
struct StreamOrderTests {
    /// Writes the `order` tool, runs `alone`, then `wrapped` twice (the miss, the hit), each a
    /// command line for `runner`: all three must show the same bytes, `expected`.
    private func expectOrderKept(alone: String, wrapped: String, expected: [UInt8], _ sb: TestSandbox,
                                 runner: (String) throws -> RunResult,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        sb.writeTool("order", script: interleaving)
        let reference = try runner(alone)
        expectSameBytes(reference.stdout, expected, "the tool alone", sourceLocation: sourceLocation)
        for attempt in ["miss", "hit"] {
            let result = try runner(wrapped)
            #expect(result.status == 0 && result.stderr.isEmpty, "\(attempt): \(result.stderrText)",
                    sourceLocation: sourceLocation)
            expectSameBytes(result.stdout, reference.stdout, "\(attempt) vs the tool alone", sourceLocation: sourceLocation)
        }
        #expect(sb.counter("order") == 2, "the hit must not run the tool", sourceLocation: sourceLocation)
    }

    @Test("2>&1 into one pipe: the tool's order on the miss and the hit")
    func onePipeKeepsTheOrder() throws {
        let sb = try TestSandbox()
        try expectOrderKept(alone: "order 2>&1", wrapped: try cachewrapCommand(["--", "order"]) + " 2>&1",
                            expected: merged, sb) { try sh($0, sb) }
    }

    @Test(">FILE 2>&1: the file gets the tool's order on the miss and the hit")
    func oneFileKeepsTheOrder() throws {
        let sb = try TestSandbox()
        let file = TestSandbox.shellQuote(sb.logDir + "/out")
        try expectOrderKept(alone: "order", wrapped: try cachewrapCommand(["--", "order"]), expected: merged, sb) {
            try sh("\($0) >\(file) 2>&1; cat \(file)", sb)
        }
    }

    @Test("on a terminal: the tool's order, byte for byte as the tool alone, miss and hit")
    func terminalKeepsTheOrder() throws {
        let script = try TestSandbox.requireTool("script")
        let sb = try TestSandbox()
        try expectOrderKept(alone: "order", wrapped: try cachewrapCommand(["--", "order"]),
                            expected: Array("ABC\r\nABC\r\nABC\r\n".utf8), sb) {
            try onTerminal(script, $0, env: sb.baseEnv(), cwd: sb.root)
        }
    }

    @Test("on a terminal: stderr is a terminal for the tool, as it is alone")
    func terminalStderrIsATerminal() throws {
        let script = try TestSandbox.requireTool("script")
        let sb = try TestSandbox()
        sb.writeTool("errprobe", script: "[ -t 2 ] && echo err-tty >&2 || echo err-pipe >&2")
        let env = sb.baseEnv(), cwd = sb.root
        let alone = try onTerminal(script, "errprobe", env: env, cwd: cwd)
        let wrapped = try onTerminal(script, try cachewrapCommand(["--", "errprobe"]), env: env, cwd: cwd)
        expectSameBytes(alone.stdout, Array("err-tty\r\n".utf8), "the tool alone")
        expectSameBytes(wrapped.stdout, alone.stdout, "through cachewrap vs the tool alone")
    }

    @Test("separate pipes: stdout and stderr apart, each in order, miss and hit")
    func separatePipesStayApart() throws {
        let sb = try TestSandbox()
        sb.writeTool("order", script: interleaving)
        let env = sb.baseEnv()
        for attempt in ["miss", "hit"] {
            let result = try cachewrap(["--", "order"], env: env, cwd: sb.root)
            #expect(result.status == 0)
            expectSameBytes(result.stdout, Array("AC\nAC\nAC\n".utf8), "\(attempt) stdout")
            expectSameBytes(result.stderr, Array("BBB".utf8), "\(attempt) stderr")
        }
        #expect(sb.counter("order") == 1, "the hit must not run the tool")
    }

    @Test("a merged run and a split run of one command are keyed apart")
    func mergedAndSplitAreKeyedApart() throws {
        let sb = try TestSandbox()
        sb.writeTool("order", script: interleaving)
        let env = sb.baseEnv()
        let wrapped = try cachewrapCommand(["--", "order"])
        let mergedRun = try sh(wrapped + " 2>&1", sb)
        expectSameBytes(mergedRun.stdout, merged, "merged miss")
        let split = try cachewrap(["--", "order"], env: env, cwd: sb.root)
        #expect(sb.counter("order") == 2, "a split run must not replay the merged entry")
        expectSameBytes(split.stdout, Array("AC\nAC\nAC\n".utf8), "split stdout")
        expectSameBytes(split.stderr, Array("BBB".utf8), "split stderr")
        expectSameBytes(try sh(wrapped + " 2>&1", sb).stdout, merged, "merged hit")
        #expect(sb.counter("order") == 2, "each shape replays its own entry")

        let keyArgs = ["key", "--json", "--", "order"]
        let mergedKey = try sh((try cachewrapCommand(keyArgs)) + " 2>&1", sb)
        let splitKey = try cachewrap(keyArgs, env: env, cwd: sb.root)
        #expect(mergedKey.status == 0 && splitKey.status == 0, "\(mergedKey.stdoutText) / \(splitKey.stderrText)")
        #expect(!mergedKey.stdout.isEmpty && mergedKey.stdout != splitKey.stdout,
                "\(mergedKey.stdoutText) / \(splitKey.stdoutText)")
    }

    /// The refresher's own stdout and stderr are /dev/null, which would read as one output: it
    /// must key and run with the shape of the call that started it, so its answer replaces that
    /// call's entry, merged or split.
    @Test("a background refresh stores the entry of the call that started it", arguments: [true, false])
    func backgroundRefreshKeepsTheShape(merged: Bool) throws {
        let sb = try TestSandbox()
        sb.writeTool("numbered", script: #"n=$(wc -l < "$COUNT_FILE"); printf "A$n"; printf B >&2; printf 'C\n'"#)
        let redirect = merged ? " 2>&1" : " 2>/dev/null"
        let wrapped = try cachewrapCommand(["--", "numbered"]) + redirect
        func shows(_ n: Int) -> [UInt8] { Array((merged ? "A\(n)BC\n" : "A\(n)C\n").utf8) }
        expectSameBytes(try sh(wrapped, sb).stdout, shows(1), "miss")
        let stale = try sh(try cachewrapCommand(["--stale", "0s", "--", "numbered"]) + redirect, sb)
        expectSameBytes(stale.stdout, shows(1), "stale hit")
        #expect(try sb.waitForHelpers().started == ["--refresh"], "the stale hit started one refresh, now over")
        expectSameBytes(try sh(wrapped, sb).stdout, shows(2), "after the refresh")
        #expect(sb.counter("numbered") == 2)
    }

    /// gh prints `(HTTP 503)` on stderr: on a merged run it shares the one stream with stdout,
    /// and must still be read as transient, retried, and held back from the user.
    @Test("2>&1: a transient failure on stderr is retried and not shown")
    func mergedRunIsRetried() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: """
            if [ -e "$LOG_DIR/failed" ]; then echo '{"id":4242}'; exit 0; fi
            : > "$LOG_DIR/failed"
            echo '{"message":"Service Unavailable"}'
            echo 'gh: Service Unavailable (HTTP 503)' >&2
            exit 1
            """)
        var env = sb.baseEnv()
        env["CACHEWRAP_RETRY_BASE"] = "10ms"
        let wrapped = try cachewrapCommand(["gh", "api", "repos/o/r"]) + " 2>&1"
        let result = try sh(wrapped, sb, env: env)
        #expect(result.status == 0, "\(result.stdoutText)")
        #expect(sb.counter("gh") == 2, "one retry")
        #expect(result.stdoutText.contains("cachewrap: gh: HTTP 503 — retry 1/3 in "), "\(result.stdoutText)")
        #expect(result.stdoutText.hasSuffix("\n{\"id\":4242}\n"), "\(result.stdoutText)")
        #expect(!result.stdoutText.contains("Service Unavailable"), "the failed attempt is held back")
        let hit = try sh(wrapped, sb, env: env)
        #expect(hit.stdoutText == "{\"id\":4242}\n" && sb.counter("gh") == 2, "\(hit.stdoutText)")
    }
}
