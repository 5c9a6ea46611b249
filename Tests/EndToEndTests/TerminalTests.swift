import Foundation
import Testing

// Terminal fidelity (docs/architecture.md, Terminal shape): when cachewrap's stdout is a terminal, the user sees, on a miss
// and on a hit, exactly the bytes the tool alone would have put on that terminal. The terminal is
// util-linux `script -qec CMD /dev/null`: CMD runs on a fresh pty whose output is script's stdout,
// with no header or footer (-q), so `RunResult.stdout` is what the terminal got, after its ONLCR
// made `\n` into `\r\n`. gh 2.23's formats are pinned by `GhTerminalCase`; `gh repo view o/r`
// sends `POST /graphql` (`RepositoryInfo … {name,owner{id,login},description}`, terminal or not)
// and `GET /repos/o/r/readme`.

/// gh pointed at `server` (Support/FakeGitHub.swift) plus a user's TERM: gh picks some colours
/// from it (its grey is `ESC[38;5;242m` with xterm-256color, `ESC[0;90m` with xterm).
private func terminalGhEnv(_ sb: TestSandbox, _ server: FakeHTTPServer, glamour: String? = "dark") throws -> [String: String] {
    _ = try ghWorkDir(sb)
    var env = ghEnvironment(sb, server, token: "tty-token")
    env["TERM"] = "xterm-256color"
    env["GLAMOUR_STYLE"] = glamour
    return env
}

/// The CIDs in the store, from `ls --json`.
private func storedCIDs(_ env: [String: String], cwd: String) throws -> [String] {
    let ls = try cachewrap(["ls", "--json"], env: env, cwd: cwd)
    let entries = (try? JSONSerialization.jsonObject(with: Data(ls.stdout))) as? [[String: Any]]
    #expect(entries != nil, "ls --json: \(ls.stdoutText) / \(ls.stderrText)")
    return entries?.compactMap { $0["cid"] as? String } ?? []
}

/// What the store holds as stdout of its only entry (`show --stdout`); empty, with an issue,
/// unless there is exactly one entry.
private func onlyStoredStdout(_ env: [String: String], cwd: String) throws -> [UInt8] {
    let cids = try storedCIDs(env, cwd: cwd)
    #expect(cids.count == 1, "entries: \(cids)")
    return cids.count == 1 ? try cachewrap(["show", cids[0], "--stdout"], env: env, cwd: cwd).stdout : []
}

private let repoBody = #"{"id":4242,"full_name":"o/r","private":false,"description":"cachewrap tty"}"#
private let readme = "# Hello\n\nA *small* repository used by **cachewrap** tests.\n\n- one\n- two\n"

/// The fake GitHub for `gh repo view o/r` and `gh api repos/o/r`.
private func fakeGitHub() throws -> FakeHTTPServer {
    try FakeHTTPServer { req in
        switch (req.method, req.path) {
        case ("POST", "/graphql"): .json(#"{"data":{"repository":{"name":"r","owner":{"id":"MDQ6VXNlcjE=","login":"o"},"description":"A test repository"}}}"#)
        case ("GET", "/repos/o/r/readme"): .json(#"{"name":"README.md","encoding":"base64","content":"\#(Data(readme.utf8).base64EncodedString())"}"#)
        case ("GET", "/repos/o/r"): .json(repoBody)
        default: .json(#"{"message":"Not Found"}"#, status: 404)
        }
    }
}

/// One gh command for `ghOnATerminal`: how its terminal format starts and ends, what it prints
/// piped, and how many requests one real run makes (all as gh 2.23 does here).
struct GhTerminalCase: Sendable, CustomStringConvertible {
    var args: [String]
    var requestsPerRun: Int
    var terminalStart: String
    var terminalEnd: String
    var piped: String
    var description: String { "gh " + args.joined(separator: " ") }

    static let all = [
        GhTerminalCase(args: ["api", "repos/o/r"], requestsPerRun: 1,
                       terminalStart: "\u{1b}[1;38m{\u{1b}[m\r\n  \u{1b}[1;34m\"id\"\u{1b}[m",
                       terminalEnd: "\u{1b}[1;38m}\u{1b}[m\r\n", piped: repoBody),
        GhTerminalCase(args: ["repo", "view", "o/r"], requestsPerRun: 2,
                       terminalStart: "\u{1b}[0;1;39mo/r\u{1b}[0m\r\nA test repository\r\n",
                       terminalEnd: "\u{1b}[38;5;242mView this repository on GitHub: http://github.localhost/o/r\u{1b}[m\r\n",
                       piped: "name:\to/r\ndescription:\tA test repository\n--\n" + readme + "\n"),
    ]
}

@Suite("Terminal fidelity: a pseudo-terminal for the tool when stdout is a terminal")
struct TerminalTests {
    @Test("a tool sees a terminal of the user's size and its bytes match running it alone, miss and hit")
    func fakeToolSeesTheTerminal() throws {
        let script = try TestSandbox.requireTool("script")
        let sb = try TestSandbox()
        // `stty` queries its stdin, and cachewrap gives the tool /dev/null there: ask fd 1.
        sb.writeTool("ttyprobe", script: """
            [ -t 1 ] && echo tty || echo pipe
            stty size <&1
            printf 'a\\nb\\n'
            """)
        let env = sb.baseEnv(), cwd = sb.root
        let wrapped = try cachewrapCommand(["--", "ttyprobe"])

        let alone = try onTerminal(script, "ttyprobe", env: env, cwd: cwd)
        let miss = try onTerminal(script, wrapped, env: env, cwd: cwd)
        let hit = try onTerminal(script, wrapped, env: env, cwd: cwd)

        expectSameBytes(alone.stdout, Array("tty\r\n30 100\r\na\r\nb\r\n".utf8), "the tool alone")
        expectSameBytes(miss.stdout, alone.stdout, "miss vs the tool alone")
        expectSameBytes(hit.stdout, alone.stdout, "hit vs the tool alone")
        #expect(sb.counter("ttyprobe") == 2, "the hit must not run the tool")
        // Recorded as the tool wrote it: no ONLCR on the inner pty, so no `\r` in the store.
        expectSameBytes(try onlyStoredStdout(env, cwd: cwd), Array("tty\n30 100\na\nb\n".utf8), "stored stdout")

        // stdout piped: the tool's pipe format, under a separate key (tty: false).
        let piped = try cachewrap(["--", "ttyprobe"], env: env, cwd: cwd)
        let pipedAgain = try cachewrap(["--", "ttyprobe"], env: env, cwd: cwd)
        #expect(piped.status == 0)
        expectSameBytes(piped.stdout, Array("pipe\na\nb\n".utf8), "piped")
        #expect(pipedAgain.stdout == piped.stdout && pipedAgain.stderr == piped.stderr)
        #expect(sb.counter("ttyprobe") == 3)
        #expect(try storedCIDs(env, cwd: cwd).count == 2)
    }

    @Test("a large burst written just before exit is recorded whole (EIO only after the drain)")
    func lastBytesBeforeExitAreKept() throws {
        let script = try TestSandbox.requireTool("script")
        let sb = try TestSandbox()
        sb.writeTool("burst", script: "seq 1 100000\nprintf 'last line, no newline'")
        let env = sb.baseEnv(), cwd = sb.root
        let expected = Array(((1...100_000).map(String.init).joined(separator: "\n") + "\nlast line, no newline").utf8)

        let miss = try onTerminal(script, try cachewrapCommand(["--", "burst"]), env: env, cwd: cwd)
        #expect(miss.status == 0, "\(miss.stderrText)")
        expectSameBytes(try onlyStoredStdout(env, cwd: cwd), expected, "stored stdout")
        let hit = try onTerminal(script, try cachewrapCommand(["--", "burst"]), env: env, cwd: cwd)
        expectSameBytes(hit.stdout, miss.stdout, "hit vs miss")
        #expect(sb.counter("burst") == 1)
    }

    @Test("stdin: data cachewrap read goes through a pipe; otherwise /dev/null, never the keyboard")
    func stdinOnATerminalRun() throws {
        let script = try TestSandbox.requireTool("script")
        let sb = try TestSandbox()
        sb.writeTool("reader", script: """
            [ -t 1 ] && echo out-tty
            [ -t 0 ] && echo in-tty || echo in-not-tty
            cat
            """)
        let env = sb.baseEnv(), cwd = sb.root
        let withData = try onTerminal(script, "printf hello | " + (try cachewrapCommand(["--", "reader"])), env: env, cwd: cwd)
        expectSameBytes(withData.stdout, Array("out-tty\r\nin-not-tty\r\nhello".utf8), "with stdin data")
        // Without data, `cat` must read /dev/null and end at once instead of waiting for keys.
        let without = try onTerminal(script, try cachewrapCommand(["--", "reader"]), env: env, cwd: cwd)
        expectSameBytes(without.stdout, Array("out-tty\r\nin-not-tty\r\n".utf8), "without stdin data")
        #expect(!without.timedOut)
    }

    /// Both runs set GLAMOUR_STYLE=dark: without it gh alone would query the terminal (see
    /// `terminalQueryIsNotRecorded`). Piped is a key of its own: one more run, then a hit.
    @Test("gh: the terminal format, byte for byte as gh alone, miss and hit; piped format keyed apart",
          arguments: GhTerminalCase.all)
    func ghOnATerminal(_ gh: GhTerminalCase) throws {
        try TestSandbox.requireTool("gh")
        let script = try TestSandbox.requireTool("script")
        let sb = try TestSandbox(), server = try fakeGitHub()
        defer { server.stop() }
        let env = try terminalGhEnv(sb, server), cwd = sb.root

        let alone = try onTerminal(script, try cachewrapCommand(gh.args, binary: "gh"), env: env, cwd: cwd)
        let miss = try onTerminal(script, try cachewrapCommand(["gh"] + gh.args), env: env, cwd: cwd)
        let hit = try onTerminal(script, try cachewrapCommand(["gh"] + gh.args), env: env, cwd: cwd)
        let terminalFormat = alone.stdoutText.hasPrefix(gh.terminalStart) && alone.stdoutText.contains(gh.terminalEnd)
        #expect(alone.status == 0 && terminalFormat, "gh alone: \(shown(alone.stdout))")
        expectSameBytes(miss.stdout, alone.stdout, "miss vs gh alone")
        expectSameBytes(hit.stdout, alone.stdout, "hit vs gh alone")
        #expect(server.requestCount() == 2 * gh.requestsPerRun, "requests: \(server.requests.map { "\($0.method) \($0.path)" })")

        let piped = try cachewrap(["gh"] + gh.args, env: env, cwd: cwd)
        let pipedAgain = try cachewrap(["gh"] + gh.args, env: env, cwd: cwd)
        #expect(piped.status == 0, "\(piped.stderrText)")
        expectSameBytes(piped.stdout, Array(gh.piped.utf8), "piped")
        expectSameBytes(pipedAgain.stdout, piped.stdout, "piped hit vs miss")
        #expect(server.requestCount() == 3 * gh.requestsPerRun)
        #expect(try storedCIDs(env, cwd: cwd).count == 2)
    }

    /// Unless GLAMOUR_STYLE is set, gh alone on a terminal writes `ESC]11;?ESC\ESC[6n` (background
    /// colour?) and waits up to 5 s for an answer (5.07 s on script's mute pty). The inner pty is
    /// not gh's controlling terminal: gh skips the query (never recorded) and renders dark.
    @Test("a terminal query (OSC 11) is neither sent nor recorded, and costs no wait")
    func terminalQueryIsNotRecorded() throws {
        try TestSandbox.requireTool("gh")
        let script = try TestSandbox.requireTool("script")
        let sb = try TestSandbox(), server = try fakeGitHub()
        defer { server.stop() }
        let cwd = sb.root
        let reference = try onTerminal(script, "gh repo view o/r", env: try terminalGhEnv(sb, server), cwd: cwd)
        let wrapped = try onTerminal(script, try cachewrapCommand(["gh", "repo", "view", "o/r"]),
                                     env: try terminalGhEnv(sb, server, glamour: nil), cwd: cwd)
        // gh waits only for the answer to a query it sent, and whatever it sends, recorded or on
        // the user's terminal, reaches this terminal: neither half of it means no wait.
        #expect(!wrapped.stdoutText.contains("\u{1b}]11;?"), "the query was recorded")
        #expect(!wrapped.stdoutText.contains("\u{1b}[6n"), "gh asked for the cursor position, and waited for it")
        expectSameBytes(wrapped.stdout, reference.stdout, "through cachewrap vs gh alone with GLAMOUR_STYLE=dark")
    }

    /// A pager gh would start on a terminal would run inside the recording and replay as screen
    /// control: cached gh runs on the inner pty with GH_PAGER=cat, so the output is gh's own.
    @Test("a configured pager is not recorded: gh's output is stored as with GH_PAGER=cat")
    func pagerIsNotRecorded() throws {
        try TestSandbox.requireTool("gh")
        let script = try TestSandbox.requireTool("script")
        let sb = try TestSandbox(), server = try fakeGitHub()
        defer { server.stop() }
        sb.writeTool("fakepager", script: "echo PAGER-RAN; cat")
        var env = try terminalGhEnv(sb, server)
        let cwd = sb.root
        let reference = try onTerminal(script, "GH_PAGER=cat gh api repos/o/r", env: env, cwd: cwd)
        env["GH_PAGER"] = "fakepager"
        let alone = try onTerminal(script, "gh api repos/o/r", env: env, cwd: cwd)
        #expect(alone.stdoutText.contains("PAGER-RAN"), "gh alone uses the pager: \(shown(alone.stdout))")
        let wrapped = try onTerminal(script, try cachewrapCommand(["gh", "api", "repos/o/r"]), env: env, cwd: cwd)
        expectSameBytes(wrapped.stdout, reference.stdout, "through cachewrap vs gh with GH_PAGER=cat")
    }

    /// Ctrl-C typed on the terminal reaches the tool (docs/architecture.md, Retries), which shares cachewrap's process
    /// group. `set -m`: the shell runs the command as a foreground job, as an interactive one does;
    /// the tool ignores SIGHUP so the hangup at the session's end cannot pre-empt its SIGINT trap.
    @Test("Ctrl-C on the terminal reaches the tool; nothing is stored")
    func controlCReachesTheTool() throws {
        let script = try TestSandbox.requireTool("script")
        let sb = try TestSandbox()
        sb.writeTool("slowtool", script: """
            trap '' HUP
            trap 'echo int > "$LOG_DIR/interrupted"; exit 130' INT
            echo started
            : > "$LOG_DIR/started"
            while :; do sleep 0.1; done
            """)
        let env = sb.baseEnv(), cwd = sb.root
        let started = TestSandbox.shellQuote(sb.logDir + "/started"), ended = TestSandbox.shellQuote(sb.logDir + "/ended")
        // The session's shell outlives the ^C (`trap :`, reset to default in what it starts) to
        // say when cachewrap has ended.
        let session = TestSandbox.shellQuote("set -m; trap : INT; " + (try cachewrapCommand(["--", "slowtool"])) + "; s=$?; : > \(ended); exit $s")
        // The keyboard: wait (≤ 10 s) until the tool runs, type ^C on the terminal, and keep the
        // terminal's input open until cachewrap has ended (≤ 30 s), not for a guessed second.
        let wait = { (file: String, tries: Int) in "i=0; while [ ! -e \(file) ] && [ $i -lt \(tries) ]; do sleep 0.05; i=$((i+1)); done" }
        let keyboard = "\(wait(started, 200)); printf '\\003'; \(wait(ended, 600))"
        let result = try run("/bin/sh", ["-c", "(\(keyboard)) | \(TestSandbox.shellQuote(script)) -qec \(session) /dev/null"],
                             env: env, cwd: cwd, timeout: 30)

        #expect(!result.timedOut)
        // The tool's line reaches the user; where the terminal's own `^C` echo lands beside it
        // depends on when the held-back output is flushed, which is a race, not a promise.
        #expect(result.stdoutText.contains("started\r\n"), "\(shown(result.stdout))")
        #expect(sb.log("interrupted") == "int\n", "the tool never got SIGINT")
        #expect(result.status == 128 + SIGINT, "exit \(result.status)")
        #expect(try storedCIDs(env, cwd: cwd).isEmpty)
    }
}
