import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// The team cache wired into the run path (issue 7, docs/architecture.md, Team cache), with the real binary
/// and a real `redis-server`: two cache dirs ("machines") sharing one Redis, a dead remote, a
/// corrupted value, and `off` mode.
@Suite struct TeamCacheTests {
    /// The fake tool both machines run: one binary dir and one cwd shared by both "machines", so
    /// their keys agree, and one counts file, so `counter` is the total over both.
    static let toolScript = """
        printf 'team out\\n\\001\\377 bytes\\n'
        printf 'team warning\\n' >&2
        exit 0
        """

    /// A machine's environment: its own HOME and cache dir, the shared tools first on PATH.
    static func env(_ machine: TestSandbox, tools: TestSandbox, remote: String?, mode: String? = nil) -> [String: String] {
        var env = machine.baseEnv()
        env["PATH"] = "\(tools.binDir):/usr/local/bin:/usr/bin:/bin"
        if let remote { env["CACHEWRAP_REMOTE"] = remote }
        env["CACHEWRAP_REMOTE_NAMESPACE"] = "t:team"
        // A loaded machine misses the 50 ms default, and a lookup that timed out looks like a
        // miss: these tests are about what the server answers, not about the deadline
        // (TeamCacheOutageTests is).
        env["CACHEWRAP_REMOTE_TIMEOUT"] = "20s"
        if let mode { env["CACHEWRAP_REMOTE_MODE"] = mode }
        return env
    }

    static func stats(_ env: [String: String]) throws -> [String: Any] {
        let result = try cachewrap(["stats", "--json"], env: env)
        #expect(result.status == 0, "\(result.stderrText)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
    }

    static func int(_ doc: [String: Any], _ name: String) -> Int { (doc[name] as? NSNumber)?.intValue ?? -1 }

    static func dbsize(_ server: RedisServer) throws -> Int64 {
        guard case .integer(let n) = try server.admin(["DBSIZE"]) else { return -1 }
        return n
    }

    /// Polls until `condition` holds; the bound (60 s) is for a loaded machine, never a claim.
    static func waitFor(_ condition: () throws -> Bool) rethrows -> Bool {
        try eventually(timeout: 60, condition)
    }

    /// Machine A runs the tool; waits until its flusher has exited, then its write must be in
    /// Redis and its outbox empty. `envA` is A's environment when not the plain `redis://` one.
    static func runOnA(_ a: TestSandbox, tools: TestSandbox, server: RedisServer, env envA: [String: String]? = nil) throws -> RunResult {
        let envA = envA ?? env(a, tools: tools, remote: "redis://127.0.0.1:\(server.port)")
        let first = try cachewrap(["--", "fakeTool", "arg"], env: envA, cwd: tools.root)
        #expect(first.status == 0, "\(first.stderrText)")
        #expect(try a.waitForHelpers().started == ["remote-flush"], "the write started one flusher")
        #expect(try dbsize(server) == 1 && int(try stats(envA), "outbox_pending") == 0,
                "the flusher must drain A's outbox into Redis")
        return first
    }

    @Test func machineBReplaysWhatMachineARan() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), a = try TestSandbox(), b = try TestSandbox()
        tools.writeTool("fakeTool", script: Self.toolScript)
        let first = try Self.runOnA(a, tools: tools, server: server)
        #expect(Self.int(try Self.stats(Self.env(a, tools: tools, remote: nil)), "remote_misses") == 1)

        let envB = Self.env(b, tools: tools, remote: "redis://127.0.0.1:\(server.port)")
        let second = try cachewrap(["--", "fakeTool", "arg"], env: envB, cwd: tools.root)
        #expect(tools.counter("fakeTool") == 1, "the tool ran once in total")
        #expect(second.status == first.status && second.status == 0)
        #expect(second.stdout == first.stdout && second.stdoutText.hasPrefix("team out\n"))
        #expect(second.stderr == first.stderr)
        var statsB = try Self.stats(envB)
        #expect(Self.int(statsB, "remote_hits") == 1 && Self.int(statsB, "hits") == 1, "\(statsB)")
        #expect(Self.int(statsB, "misses") == 0 && Self.int(statsB, "outbox_pending") == 0)

        // B stored it locally: with Redis gone, B still hits (the local tier never asks).
        server.stop()
        let third = try cachewrap(["--", "fakeTool", "arg"], env: envB, cwd: tools.root)
        #expect(third.stdout == first.stdout && third.status == 0 && tools.counter("fakeTool") == 1)
        statsB = try Self.stats(envB)
        #expect(Self.int(statsB, "hits") == 2 && Self.int(statsB, "remote_errors") == 0, "\(statsB)")
    }

    @Test func aDeadRemoteStillRunsTheTool() throws {
        let tools = try TestSandbox(), a = try TestSandbox()
        tools.writeTool("fakeTool", script: Self.toolScript)
        let port = try RedisServer.freePort()
        let env = Self.env(a, tools: tools, remote: "redis://127.0.0.1:\(port)")
        let first = try cachewrap(["--", "fakeTool", "arg"], env: env, cwd: tools.root)
        #expect(first.status == 0 && first.stdoutText.hasPrefix("team out\n"), "\(first.stderrText)")
        #expect(tools.counter("fakeTool") == 1)
        let second = try cachewrap(["--", "fakeTool", "arg"], env: env, cwd: tools.root)
        #expect(second.stdout == first.stdout && tools.counter("fakeTool") == 1, "a local hit")
        let stats = try Self.stats(env)
        #expect(Self.int(stats, "remote_errors") == 1 && Self.int(stats, "hits") == 1, "\(stats)")
    }

    @Test func aCorruptedValueIsAMissNotAReplay() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), a = try TestSandbox(), b = try TestSandbox()
        tools.writeTool("fakeTool", script: Self.toolScript)
        _ = try Self.runOnA(a, tools: tools, server: server)
        guard case .array(let keys?) = try server.admin(["KEYS", "cw:v1:t:team:*"]), keys.count == 1,
              case .bulk(let key?) = keys[0], case .bulk(var value?) = try server.admin([Array("GET".utf8), key]) else {
            Issue.record("expected one team key")
            return
        }
        value[value.count / 2] ^= 0x20  // one flipped bit in the payload
        try server.admin([Array("SET".utf8), key, value])
        let envB = Self.env(b, tools: tools, remote: "redis://127.0.0.1:\(server.port)")
        let second = try cachewrap(["--", "fakeTool", "arg"], env: envB, cwd: tools.root)
        #expect(second.status == 0 && second.stdoutText.hasPrefix("team out\n"))
        #expect(tools.counter("fakeTool") == 2, "a corrupt value is never replayed")
        let stats = try Self.stats(envB)
        #expect(Self.int(stats, "remote_corrupt") == 1 && Self.int(stats, "remote_hits") == 0, "\(stats)")
    }

    @Test func offModeNeverConnects() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), a = try TestSandbox()
        tools.writeTool("fakeTool", script: Self.toolScript)
        let before = try server.connectionsReceived()
        let env = Self.env(a, tools: tools, remote: "redis://127.0.0.1:\(server.port)", mode: "off")
        for _ in 0..<2 {
            let result = try cachewrap(["--", "fakeTool", "arg"], env: env, cwd: tools.root)
            #expect(result.status == 0)
        }
        // Both calls have returned, so a flusher they started would be in the events file; and
        // Redis accepts in order, so any connection they made is counted before our INFO's.
        #expect(a.helpers().started.isEmpty, "off starts no flusher")
        #expect(try server.connectionsReceived() == before + 1, "only our own INFO connection")
        #expect(try Self.dbsize(server) == 0)
        let stats = try Self.stats(env)
        #expect(Self.int(stats, "outbox_pending") == 0 && Self.int(stats, "remote_misses") == 0)
        #expect(tools.counter("fakeTool") == 1)
    }

    /// The human `stats` report shows the team cache's counters, queue and breaker when a remote
    /// is set or has left counts behind, and nothing of it for a purely local user; `--json` keeps
    /// its shape (a contract).
    @Test func statsReportShowsTheTeamCache() throws {
        let tools = try TestSandbox(), local = try TestSandbox(), machine = try TestSandbox()
        tools.writeTool("fakeTool", script: Self.toolScript)
        let localEnv = Self.env(local, tools: tools, remote: nil)
        #expect(try cachewrap(["--", "fakeTool", "arg"], env: localEnv, cwd: tools.root).status == 0)
        let plain = try cachewrap(["stats"], env: localEnv).stdoutText
        #expect(!plain.contains("team cache") && !plain.contains("remote") && !plain.contains("outbox"), "\(plain)")

        let port = try RedisServer.freePort()  // nobody listens there: refused
        let env = Self.env(machine, tools: tools, remote: "redis://127.0.0.1:\(port)")
        #expect(try cachewrap(["--", "fakeTool", "arg"], env: env, cwd: tools.root).status == 0)
        let report = try cachewrap(["stats"], env: env).stdoutText
        #expect(report.contains("  team cache    redis://127.0.0.1:\(port) (mode rw, namespace t:team)\n"), "\(report)")
        #expect(report.contains("  remote        0 hits, 0 misses, 0 stale, 1 error, 0 corrupt\n"), "\(report)")
        // Nothing queued: a lookup that failed read no scope marks, and a value without them
        // could outlive a mutation made elsewhere.
        #expect(report.contains("  outbox        0 writes pending\n"), "\(report)")
        #expect(report.contains("  remote state  paused for ") && report.contains("Connection refused"), "\(report)")
        let unset = try cachewrap(["stats"], env: Self.env(machine, tools: tools, remote: nil)).stdoutText
        #expect(unset.contains("  team cache    not configured now\n") && unset.contains(", 1 error, "), "\(unset)")

        let doc = try Self.stats(env)
        let keys = CachewrapCore.Counter.allCases.map(\.rawValue)
            + ["hit_rate", "entries", "bytes", "stored_bytes", "tools", "outbox_pending", "cost_saved_usd", "days"]
        #expect(Set(doc.keys) == Set(keys), "\(doc.keys.sorted())")
    }
}
