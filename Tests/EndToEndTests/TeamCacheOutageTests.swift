import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// Issue 7, "Must show" 2, through the built binary: a team cache that accepts connections and
/// never answers (a silent listener, or a real `redis-server` frozen with SIGSTOP) costs a local
/// miss at most one deadline; the next 100 calls pay nothing while the breaker is open (the server
/// sees at most one connection per breaker window); a local hit never contacts the network.
///
/// Timing checks compare with multiples of the deadline, never with tight numbers: the deadline is
/// 1 s, so "no remote delay" (100 calls well under 25 s) and "one deadline per call" (≥ 100 s)
/// are far apart even on a loaded machine. The connection counts are the exact evidence.
@Suite struct TeamCacheOutageTests {
    static let deadlineSeconds = 1.0

    /// A machine whose team cache is `remote`, with a 1 s deadline (`CACHEWRAP_REMOTE_TIMEOUT`).
    static func env(_ machine: TestSandbox, tools: TestSandbox, remote: String) -> [String: String] {
        var env = TeamCacheTests.env(machine, tools: tools, remote: remote)
        env["CACHEWRAP_REMOTE_TIMEOUT"] = "\(Int(deadlineSeconds * 1000))ms"
        return env
    }

    /// Runs `cachewrap -- fakeTool ARG` and returns it with its wall time in seconds.
    static func timedMiss(_ arg: String, env: [String: String], tools: TestSandbox) throws -> (RunResult, Double) {
        let start = Date()
        let result = try cachewrap(["--", "fakeTool", arg], env: env, cwd: tools.root)
        return (result, Date().timeIntervalSince(start))
    }

    /// The breaker may let one probe through per window (30 s, doubling), so a slow machine that
    /// needs longer than a window for the 100 calls may see one more connection per window passed.
    static func allowedConnections(after seconds: Double) -> Int {
        1 + Int(seconds * 1000) / Int(CircuitBreaker.initialWindowMs)
    }

    /// The shared scenario: a first miss against the silent `remote` (≈ one deadline, tool run,
    /// output intact), then 100 distinct misses that must not wait for it. Returns how long the
    /// whole outage lasted, for `allowedConnections`.
    static func missesDuringAnOutage(remote: String, machine: TestSandbox, tools: TestSandbox) throws -> Double {
        let env = Self.env(machine, tools: tools, remote: remote)
        let outageStart = Date()
        let (first, firstSeconds) = try timedMiss("first", env: env, tools: tools)
        #expect(first.status == 0 && first.stdoutText.hasPrefix("team out\n"), "\(first.stderrText)")
        #expect(tools.counter("fakeTool") == 1, "a miss still runs the tool")
        #expect(firstSeconds >= deadlineSeconds * 0.9, "the lookup waited for the deadline: \(firstSeconds) s")
        #expect(firstSeconds < deadlineSeconds * 3, "at most about one deadline added: \(firstSeconds) s")

        let start = Date()
        for i in 0..<100 {
            let result = try cachewrap(["--", "fakeTool", "k\(i)"], env: env, cwd: tools.root)
            #expect(result.status == 0 && result.stdoutText.hasPrefix("team out\n"), "call \(i): \(result.stderrText)")
        }
        let hundred = Date().timeIntervalSince(start)
        #expect(hundred < 100 * deadlineSeconds / 4, "100 calls took \(hundred) s: the open breaker must spare the network")
        #expect(tools.counter("fakeTool") == 101)
        let stats = try TeamCacheTests.stats(env)
        #expect(TeamCacheTests.int(stats, "misses") == 101 && TeamCacheTests.int(stats, "remote_errors") == 101, "\(stats)")
        #expect(TeamCacheTests.int(stats, "remote_hits") == 0 && TeamCacheTests.int(stats, "remote_misses") == 0, "\(stats)")
        return Date().timeIntervalSince(outageStart)
    }

    @Test func aServerThatNeverAnswersCostsOneDeadlineThenNothing() throws {
        let hung = try HangingServer()
        let tools = try TestSandbox(), machine = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        let remote = "redis://127.0.0.1:\(hung.port)"
        let outage = try Self.missesDuringAnOutage(remote: remote, machine: machine, tools: tools)
        // Flushers started by the misses find the breaker open too, so this counts them as well.
        #expect(hung.connections >= 1 && hung.connections <= Self.allowedConnections(after: outage),
                "\(hung.connections) connections in \(outage) s")

        // A local hit, with the breaker closed again and a fresh silent server: it must not connect.
        unlink(machine.cacheDir + "/remote-breaker")
        let fresh = try HangingServer()
        let env = Self.env(machine, tools: tools, remote: "redis://127.0.0.1:\(fresh.port)")
        let (hit, seconds) = try Self.timedMiss("k7", env: env, tools: tools)
        #expect(hit.status == 0 && hit.stdoutText.hasPrefix("team out\n") && tools.counter("fakeTool") == 101)
        usleep(200_000)  // anything the hit started (it must start nothing) has had time to connect
        #expect(fresh.connections == 0, "a local hit never touches the network")
        #expect(seconds < Self.deadlineSeconds, "a local hit never waits for the remote: \(seconds) s")
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
        // Connections made while frozen are accepted now and counted; minus our own INFO connection.
        var made = 0
        _ = TeamCacheTests.waitFor { made = ((try? server.connectionsReceived()) ?? before) - before - 1; return made >= 1 }
        #expect(made >= 1 && made <= Self.allowedConnections(after: outage), "\(made) connections in \(outage) s")
        #expect(try TeamCacheTests.dbsize(server) == 0, "nothing was written while the breaker was open")
    }

    /// A stopped server (its port refuses at once) costs nothing noticeable and is counted.
    @Test func aStoppedRedisIsRefusedAtOnceAndTheToolRuns() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), machine = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        let env = Self.env(machine, tools: tools, remote: "redis://127.0.0.1:\(server.port)")
        let (warm, _) = try Self.timedMiss("warm", env: env, tools: tools)
        #expect(warm.status == 0)
        let drained = try TeamCacheTests.waitFor { try TeamCacheTests.dbsize(server) == 1 && TeamCacheTests.int(try TeamCacheTests.stats(env), "outbox_pending") == 0 }
        #expect(drained, "the flusher is done before the server goes")
        server.stop()
        let (miss, seconds) = try Self.timedMiss("cold", env: env, tools: tools)
        #expect(miss.status == 0 && miss.stdout == warm.stdout && tools.counter("fakeTool") == 2, "\(miss.stderrText)")
        #expect(seconds < Self.deadlineSeconds, "a refused connection must not wait for the deadline: \(seconds) s")
        let (hit, _) = try Self.timedMiss("warm", env: env, tools: tools)
        #expect(hit.stdout == warm.stdout && tools.counter("fakeTool") == 2, "a local hit with Redis gone")
        let stats = try TeamCacheTests.stats(env)
        #expect(TeamCacheTests.int(stats, "remote_errors") >= 1 && TeamCacheTests.int(stats, "hits") == 1, "\(stats)")
        let breaker = try String(contentsOfFile: machine.cacheDir + "/remote-breaker", encoding: .utf8)
        #expect(breaker.contains("state=open") && breaker.contains("Connection refused"), "\(breaker)")
    }
}
