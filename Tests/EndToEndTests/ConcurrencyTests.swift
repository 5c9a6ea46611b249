import Foundation
import Testing

/// Many callers, killed processes and background refreshes (docs/architecture.md: The path of one call, Retries, Store): identical misses
/// run the tool once, a signal reaches the tool and stores nothing, a killed cachewrap leaves
/// nothing behind, and a storm of processes never meets "database is locked".
@Suite struct ConcurrencyTests {
    /// Runs `count` calls at once on their own threads and returns their results in order.
    static func together(_ count: Int, _ call: @escaping @Sendable (Int) throws -> RunResult) -> [RunResult?] {
        let results = Results(count)
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            Thread {
                results.set(i, try? call(i))
                group.leave()
            }.start()
        }
        group.wait()
        return results.all
    }

    @Test func thirtyTwoIdenticalMissesMakeOneRequest() throws {
        try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        let server = try FakeHTTPServer { _ in
            var r = FakeHTTPServer.Response.json(#"{"id":4242,"full_name":"o/r"}"#)
            r.delay = 0.3
            return r
        }
        defer { server.stop() }
        _ = try ghWorkDir(sb)
        let env = ghEnvironment(sb, server), cwd = sb.root
        let results = Self.together(32) { _ in try cachewrap(["gh", "api", "repos/o/r"], env: env, cwd: cwd, timeout: 120) }
        #expect(server.requestCount() == 1, "single flight: one request for 32 identical misses")
        #expect(results.allSatisfy { $0?.status == 0 && $0?.stdoutText == #"{"id":4242,"full_name":"o/r"}"# },
                "\(results.map { $0?.stderrText ?? "no result" }.filter { !$0.isEmpty })")
    }

    @Test func sigintReachesTheToolAndNothingIsStored() throws {
        let sb = try TestSandbox()
        sb.writeTool("slow", script: """
            trap 'echo got-int > "$LOG_DIR/signal"; exit 130' INT
            : > "$LOG_DIR/started"
            while :; do sleep 0.05; done
            """)
        let env = sb.baseEnv()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try cachewrapBinary())
        process.arguments = ["--", "slow"]
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try Self.waitFor(sb.logDir + "/started")
        kill(process.processIdentifier, SIGINT)
        try Self.waitForExit(process)
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGINT,
                "cachewrap ends by SIGINT (the shell's 130)")
        #expect(sb.log("signal") == "got-int\n", "the tool received the SIGINT")
        #expect(try sb.storedEntries(env) == 0)
    }

    @Test func killMinusNineLeavesNoEntryAndNoLock() throws {
        let sb = try TestSandbox()
        // First run hangs (and is orphaned when cachewrap dies); later runs answer at once.
        sb.writeTool("once", script: """
            if [ -e "$LOG_DIR/hung" ]; then echo answer; exit 0; fi
            echo $$ > "$LOG_DIR/hung"
            sleep 30
            """)
        let env = sb.baseEnv(), cwd = sb.home
        // A shell starts cachewrap, kills it with -9 once the tool runs, and reports how it ended.
        // (Not Foundation's Process: it notices an exit only when every inheritor of its status
        // socket is gone, and the orphaned tool keeps one.)
        let hung = TestSandbox.shellQuote(sb.logDir + "/hung")
        let driver = """
            \(TestSandbox.shellQuote(try cachewrapBinary())) -- once & p=$!
            i=0; while [ ! -e \(hung) ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
            kill -9 $p; wait $p; echo "status $?"
            """
        let killed = try run("/bin/sh", ["-c", driver], env: env, cwd: cwd, timeout: 20)
        defer { if let pid = Int32((sb.log("hung") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) } }
        #expect(killed.stdoutText == "status 137\n", "\(killed.stdoutText) \(killed.stderrText)")
        // The kernel is asked directly, rather than timing the next call: a lock left behind
        // would make it wait (up to the flight wait) before running the tool itself.
        #expect(!sb.flightLockHeld(try IntegrityTests.cid(sb, ["--", "once"])), "no lock left behind by the killed process")
        let next = try cachewrap(["--", "once"], env: env, cwd: cwd)
        #expect(next.status == 0 && next.stdoutText == "answer\n", "\(next.stderrText)")
        #expect(try sb.storedEntries(env) == 1)
    }

    /// The tool blocks each refresh run on a gate file the test creates only after the stale
    /// answer arrived, so "answered without waiting for the tool" is an order of events, not a
    /// time. `--stale 0`: every hit is old enough to refresh, so no entry has to age first.
    @Test func staleWhileRevalidateAnswersAtOnceAndRefreshesInTheBackground() throws {
        let sb = try TestSandbox()
        // Prints its run number; a refresh run (2, 3) waits for its gate, and from run 3 on it fails.
        sb.writeTool("slowcount", script: """
            n=$(wc -l < "$COUNT_FILE")
            if [ "$n" -ge 2 ]; then
              i=0; while [ ! -e "$LOG_DIR/gate-$n" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done
              [ -e "$LOG_DIR/gate-$n" ] || { echo "gate $n never opened" >&2; exit 2; }
            fi
            if [ "$n" -ge 3 ]; then echo "broken" >&2; exit 1; fi
            echo "run $n"
            """)
        let env = sb.baseEnv(), cwd = sb.home
        #expect(try cachewrap(["--", "slowcount"], env: env, cwd: cwd).stdoutText == "run 1\n")
        let stale = try cachewrap(["--stale", "0", "--", "slowcount"], env: env, cwd: cwd, timeout: 30)
        #expect(!stale.timedOut && stale.stdoutText == "run 1\n", "answered without waiting for the tool: \(stale.stderrText)")
        #expect(sb.helpers().started == ["--refresh"], "the stale hit started a refresh")
        let cid = try IntegrityTests.cid(sb, ["--", "slowcount"])
        #expect(eventually { sb.flightLockHeld(cid) }, "the refresh runs under the key's flight lock")
        try Self.openGate(2, sb)
        #expect(try sb.waitForHelpers().started == ["--refresh"])
        #expect(sb.counter("slowcount") == 2)
        #expect(try cachewrap(["--", "slowcount"], env: env, cwd: cwd).stdoutText == "run 2\n", "the refresh was stored")

        let again = try cachewrap(["--stale", "0", "--", "slowcount"], env: env, cwd: cwd)
        #expect(again.stdoutText == "run 2\n")
        try Self.openGate(3, sb)
        #expect(try sb.waitForHelpers().started == ["--refresh", "--refresh"])
        #expect(sb.counter("slowcount") == 3, "the second refresh ran the tool")
        #expect(try cachewrap(["--", "slowcount"], env: env, cwd: cwd).stdoutText == "run 2\n", "a failed refresh keeps the good entry")
    }

    /// Lets the fake tool's run `n` go on (see `slowcount`).
    static func openGate(_ n: Int, _ sb: TestSandbox) throws {
        try Data().write(to: URL(fileURLWithPath: sb.logDir + "/gate-\(n)"))
    }

    @Test func twoHundredProcessStormHasNoLockErrorsAndConsistentCounters() throws {
        let sb = try TestSandbox()
        let env = sb.baseEnv()
        // 20 distinct commands, each called 10 times, all at once: misses and hits mixed.
        let results = Self.together(200) { i in try cachewrap(["--", "echo", "key-\(i % 20)"], env: env, timeout: 120) }
        let failures = results.enumerated().filter { i, r in r?.status != 0 || r?.stdoutText != "key-\(i % 20)\n" }
        #expect(failures.isEmpty, "\(failures.prefix(3).map { $0.element?.stderrText ?? "none" })")
        #expect(!results.contains { $0?.stderrText.contains("locked") ?? true }, "no database is locked: \(results.compactMap { $0?.stderrText }.filter { !$0.isEmpty }.prefix(3))")
        let stats = try cachewrap(["stats", "--json"], env: env)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout)) as? [String: Any])
        let hits = doc["hits"] as? Int ?? -1, misses = doc["misses"] as? Int ?? -1
        #expect(hits + misses == 200, "\(stats.stdoutText)")
        #expect(misses == 20 && doc["calls_made"] as? Int == 20, "one run per distinct command: \(stats.stdoutText)")
        #expect(doc["entries"] as? Int == 20)
        // Each holder removes its lock file: locks/ does not keep a file per key ever run.
        #expect(try FileManager.default.contentsOfDirectory(atPath: sb.cacheDir + "/locks").isEmpty)
    }

    /// Waits for `process` to end; kills it and throws after `seconds`, so a hang fails the test
    /// instead of stalling the suite.
    static func waitForExit(_ process: Process, seconds: Double = 60) throws {
        do {
            try waitUntil(seconds: seconds) { !process.isRunning }
        } catch {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw error
        }
    }

    static func waitFor(_ path: String, seconds: Double = 60) throws {
        try waitUntil(seconds: seconds) { FileManager.default.fileExists(atPath: path) }
    }

    /// `eventually`, throwing when the bound passes (generous: a guard against a hang, not a claim).
    static func waitUntil(seconds: Double = 60, _ condition: () -> Bool) throws {
        guard eventually(timeout: seconds, condition) else { throw RunError(description: "timed out after \(seconds) s") }
    }
}

/// Results gathered from threads.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [RunResult?]
    init(_ count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: RunResult?) { lock.withLock { items[i] = r } }
    var all: [RunResult?] { lock.withLock { items } }
}
