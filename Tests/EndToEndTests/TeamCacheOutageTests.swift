import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// Issue 7, "Must show" 2, through the built binary: a team cache that accepts connections and
/// never answers (a silent listener, or a real `redis-server` frozen with SIGSTOP) costs a local
/// miss at most one deadline; the next 100 calls pay nothing while the breaker is open (the server
/// sees at most one connection per breaker window); a local hit never contacts the network.
///
/// Counted, not timed: against a server that never answers, a call waits only on a connection
/// it made, and each connection ends in a deadline the breaker records as a failure ("timed
/// out"). So connections = the breaker's failures, and a call that made none paid nothing. The
/// breaker's window doubles on each failed probe: window = 30 s · 2^(failures − 1) says every
/// connection after the first was the one probe a passed window allowed, however slow the machine.
@Suite struct TeamCacheOutageTests {
    /// A machine whose team cache is `remote`, with a 1 s deadline (`CACHEWRAP_REMOTE_TIMEOUT`).
    static func env(_ machine: TestSandbox, tools: TestSandbox, remote: String) -> [String: String] {
        var env = TeamCacheTests.env(machine, tools: tools, remote: remote)
        env["CACHEWRAP_REMOTE_TIMEOUT"] = "1000ms"
        return env
    }

    static func miss(_ arg: String, env: [String: String], tools: TestSandbox) throws -> RunResult {
        try cachewrap(["--", "fakeTool", arg], env: env, cwd: tools.root)
    }

    /// The machine's breaker file, as cachewrap wrote it.
    static func breaker(_ machine: TestSandbox) -> BreakerState {
        CircuitBreaker(directory: machine.cacheDir).state()
    }

    /// The window after `failures` failures in a row, each after the window before had passed.
    static func window(afterFailures failures: Int) -> Int64 {
        min(CircuitBreaker.initialWindowMs << Int64(max(0, failures - 1)), CircuitBreaker.maxWindowMs)
    }

    /// The shared scenario: a first miss against the silent `remote` (one deadline, tool run,
    /// output intact), then 100 distinct misses that must not wait for it. Returns the breaker
    /// as the outage left it.
    static func missesDuringAnOutage(remote: String, machine: TestSandbox, tools: TestSandbox) throws -> BreakerState {
        let env = Self.env(machine, tools: tools, remote: remote)
        let first = try miss("first", env: env, tools: tools)
        #expect(first.status == 0 && first.stdoutText.hasPrefix("team out\n"), "\(first.stderrText)")
        #expect(tools.counter("fakeTool") == 1, "a miss still runs the tool")
        let opened = breaker(machine)
        #expect(opened.open && opened.failures == 1 && opened.lastError == "timed out",
                "the lookup waited for the deadline, once, and opened the breaker: \(opened)")

        for i in 0..<100 {
            let result = try cachewrap(["--", "fakeTool", "k\(i)"], env: env, cwd: tools.root)
            #expect(result.status == 0 && result.stdoutText.hasPrefix("team out\n"), "call \(i): \(result.stderrText)")
        }
        #expect(tools.counter("fakeTool") == 101)
        let stats = try TeamCacheTests.stats(env)
        #expect(TeamCacheTests.int(stats, "misses") == 101 && TeamCacheTests.int(stats, "remote_errors") == 101, "\(stats)")
        #expect(TeamCacheTests.int(stats, "remote_hits") == 0 && TeamCacheTests.int(stats, "remote_misses") == 0, "\(stats)")
        // Nothing was queued (a failed lookup reads no marks), so no flusher connected either.
        #expect(machine.helpers().started.isEmpty, "\(machine.helpers())")
        let after = breaker(machine)
        #expect(after.open && after.windowMs == window(afterFailures: after.failures),
                "every failure after the first was a probe of a passed window: \(after)")
        return after
    }

    /// `missesDuringAnOutage` against a server that takes every connection and never says a
    /// word, spoken to as `scheme://` (over TLS the silence is in the handshake); every
    /// connection it saw must be one the breaker counted. Returns the machine and its tools.
    static func silentServerOutage(scheme: String) throws -> (machine: TestSandbox, tools: TestSandbox) {
        let hung = try HangingServer()
        let tools = try TestSandbox(), machine = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        let outage = try missesDuringAnOutage(remote: "\(scheme)://127.0.0.1:\(hung.port)", machine: machine, tools: tools)
        #expect(hung.connections == outage.failures, "\(hung.connections) connections, breaker \(outage)")
        return (machine, tools)
    }

    @Test func aServerThatNeverAnswersCostsOneDeadlineThenNothing() throws {
        let (machine, tools) = try Self.silentServerOutage(scheme: "redis")
        // A local hit, with the breaker closed again and a fresh silent server: it must not
        // connect. It has returned, so a helper it started would be in the events file.
        unlink(machine.cacheDir + "/remote-breaker")
        let fresh = try HangingServer()
        let env = Self.env(machine, tools: tools, remote: "redis://127.0.0.1:\(fresh.port)")
        let hit = try Self.miss("k7", env: env, tools: tools)
        #expect(hit.status == 0 && hit.stdoutText.hasPrefix("team out\n") && tools.counter("fakeTool") == 101)
        #expect(machine.helpers().started.isEmpty, "a hit starts no helper")
        #expect(fresh.connections == 0, "a local hit never touches the network, so never waits for it")
        #expect(!Self.breaker(machine).open, "nor does it fail against the remote")
        let stats = try TeamCacheTests.stats(env)
        #expect(TeamCacheTests.int(stats, "hits") == 1 && TeamCacheTests.int(stats, "remote_errors") == 101, "\(stats)")
    }

    @Test func aFrozenRedisCostsOneDeadlineThenNothing() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), machine = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        let before = try server.connectionsReceived()
        server.pause()
        defer { server.resume() }
        let outage = try Self.missesDuringAnOutage(remote: "redis://127.0.0.1:\(server.port)", machine: machine, tools: tools)
        server.resume()
        // Connections made while frozen are accepted now, in order, before our INFO connection.
        let made = try server.connectionsReceived() - before - 1
        #expect(made == outage.failures, "\(made) connections, breaker \(outage)")
        #expect(try TeamCacheTests.dbsize(server) == 0, "nothing was written while the breaker was open")
    }

    /// A stopped server (its port refuses at once) costs nothing noticeable and is counted.
    @Test func aStoppedRedisIsRefusedAtOnceAndTheToolRuns() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), machine = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        let env = Self.env(machine, tools: tools, remote: "redis://127.0.0.1:\(server.port)")
        let warm = try Self.miss("warm", env: env, tools: tools)
        #expect(warm.status == 0)
        #expect(try machine.waitForHelpers().started == ["remote-flush"])
        #expect(try TeamCacheTests.dbsize(server) == 1 && TeamCacheTests.int(try TeamCacheTests.stats(env), "outbox_pending") == 0,
                "the flusher is done before the server goes")
        server.stop()
        let miss = try Self.miss("cold", env: env, tools: tools)
        #expect(miss.status == 0 && miss.stdout == warm.stdout && tools.counter("fakeTool") == 2, "\(miss.stderrText)")
        // The kernel's refusal, not the deadline ("timed out"), ended the attempt: no wait.
        let refused = Self.breaker(machine)
        #expect(refused.failures == 1 && refused.lastError?.contains("Connection refused") == true, "\(refused)")
        let hit = try Self.miss("warm", env: env, tools: tools)
        #expect(hit.stdout == warm.stdout && tools.counter("fakeTool") == 2, "a local hit with Redis gone")
        let stats = try TeamCacheTests.stats(env)
        #expect(TeamCacheTests.int(stats, "remote_errors") >= 1 && TeamCacheTests.int(stats, "hits") == 1, "\(stats)")
        let breaker = try String(contentsOfFile: machine.cacheDir + "/remote-breaker", encoding: .utf8)
        #expect(breaker.contains("state=open") && breaker.contains("Connection refused"), "\(breaker)")
    }
}
