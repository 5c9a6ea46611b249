import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// Issue 11 with the team cache: secrets and stdin are digested with a salt, and a salt per cache
/// dir would give two machines different CIDs for the same token and stdin. With a remote the
/// salt is the namespace's (`cw:v1:<namespace>:salt`, first writer wins), kept locally after the
/// first fetch; `ro` only reads it, and an unreachable server falls back to the local salt.
@Suite struct TeamSaltTests {
    /// Reads its stdin (keyed, salted) and prints a constant.
    static let toolScript = "cat > /dev/null\nprintf 'salted out\\n'"
    static func args(_ arg: String) -> [String] { ["--env", "GH_TOKEN", "--", "fakeTool", arg] }
    static let stdin = Array("shared input\n".utf8)

    static func env(_ machine: TestSandbox, tools: TestSandbox, port: UInt16, mode: String? = nil) -> [String: String] {
        var env = TeamCacheTests.env(machine, tools: tools, remote: "redis://127.0.0.1:\(port)", mode: mode)
        env["GH_TOKEN"] = "team-token-4711"
        // About agreeing on a salt, not about the deadline (TeamCacheOutageTests is): a loaded
        // machine must not time a first fetch out and leave a machine on its local salt.
        env["CACHEWRAP_REMOTE_TIMEOUT"] = "5s"
        return env
    }

    static func run(_ env: [String: String], tools: TestSandbox, arg: String = "arg") throws -> RunResult {
        let result = try cachewrap(Self.args(arg), env: env, cwd: tools.root, stdin: Self.stdin)
        #expect(result.status == 0 && result.stdoutText == "salted out\n", "\(result.stderrText)")
        return result
    }

    static func cid(_ env: [String: String], tools: TestSandbox) throws -> String {
        let key = try cachewrap(["key"] + Self.args("arg"), env: env, cwd: tools.root, stdin: Self.stdin)
        return String(key.stdoutText.split(separator: "\n").first ?? "")
    }

    /// The namespace's salt in Redis, or nil.
    static func teamSalt(_ server: RedisServer) throws -> [UInt8]? {
        guard case .bulk(let value) = try server.admin(["GET", "cw:v1:t:team:salt"]) else { return nil }
        return value
    }

    /// The `salt.<id>` file a machine keeps (not its `.absent` note), with its mode.
    static func keptSalt(_ machine: TestSandbox) throws -> (bytes: [UInt8], mode: mode_t)? {
        let names = try FileManager.default.contentsOfDirectory(atPath: machine.cacheDir)
            .filter { $0.hasPrefix("salt.") && !$0.hasSuffix(".absent") }
        guard names.count == 1, let data = FileManager.default.contents(atPath: machine.cacheDir + "/" + names[0]) else { return nil }
        var st = stat()
        stat(machine.cacheDir + "/" + names[0], &st)
        return ([UInt8](data), st.st_mode & 0o777)
    }

    @Test func twoMachinesShareTheNamespaceSaltAndSoTheirEntries() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), a = try TestSandbox(), b = try TestSandbox()
        tools.writeTool("fakeTool", script: Self.toolScript)
        let envA = Self.env(a, tools: tools, port: server.port), envB = Self.env(b, tools: tools, port: server.port)
        _ = try Self.run(envA, tools: tools)
        let drained = try TeamCacheTests.waitFor {
            try TeamCacheTests.dbsize(server) == 2 && TeamCacheTests.int(try TeamCacheTests.stats(envA), "outbox_pending") == 0
        }
        #expect(drained, "the salt and A's entry reach Redis")
        let salt = try #require(try Self.teamSalt(server), "the salt key exists in Redis")
        #expect(salt.count == 32)

        _ = try Self.run(envB, tools: tools)
        #expect(tools.counter("fakeTool") == 1, "B replays A's run: the same CID on both machines")
        #expect(TeamCacheTests.int(try TeamCacheTests.stats(envB), "remote_hits") == 1)
        #expect(try Self.cid(envA, tools: tools) == Self.cid(envB, tools: tools))
        for machine in [a, b] {
            let kept = try #require(try Self.keptSalt(machine), "the namespace salt is kept locally")
            #expect(kept.bytes == salt && kept.mode == 0o600)
        }
        // Kept: with Redis gone, both still compute the same key and hit locally.
        server.stop()
        _ = try Self.run(envB, tools: tools)
        let (cidA, cidB) = (try Self.cid(envA, tools: tools), try Self.cid(envB, tools: tools))
        #expect(tools.counter("fakeTool") == 1 && cidA == cidB)
    }

    @Test func readOnlyMachinesOnlyReadTheSalt() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), reader = try TestSandbox(), writer = try TestSandbox(), late = try TestSandbox()
        tools.writeTool("fakeTool", script: Self.toolScript)
        let readerEnv = Self.env(reader, tools: tools, port: server.port, mode: "ro")
        _ = try Self.run(readerEnv, tools: tools)
        #expect(try server.calls("set") == 0 && Self.teamSalt(server) == nil, "ro writes no salt")
        #expect(try Self.keptSalt(reader) == nil, "nothing to keep yet: the local salt served")
        let gets = try server.calls("get")
        _ = try Self.run(readerEnv, tools: tools)
        #expect(tools.counter("fakeTool") == 1, "a local hit on the local salt")
        #expect(try server.calls("get") == gets, "a salt found missing is not asked for again at once")

        let writerEnv = Self.env(writer, tools: tools, port: server.port)
        _ = try Self.run(writerEnv, tools: tools)
        #expect(try TeamCacheTests.waitFor { try TeamCacheTests.dbsize(server) == 2 }, "the writer's salt and entry")
        _ = try Self.run(Self.env(late, tools: tools, port: server.port, mode: "ro"), tools: tools)
        #expect(tools.counter("fakeTool") == 2, "a reader that finds the salt replays the writer's entry")
        #expect(try Self.keptSalt(late)?.bytes == Self.teamSalt(server))
    }

    /// A server that lost the salt (restarted without persistence, evicted, flushed) gets the
    /// kept one back from the next flusher, so a machine that joins later still shares.
    @Test func aSaltTheServerLostIsPutBack() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), a = try TestSandbox(), b = try TestSandbox()
        tools.writeTool("fakeTool", script: Self.toolScript)
        let envA = Self.env(a, tools: tools, port: server.port)
        _ = try Self.run(envA, tools: tools)
        #expect(try TeamCacheTests.waitFor { try TeamCacheTests.dbsize(server) == 2 })
        try server.admin(["FLUSHALL"])
        _ = try Self.run(envA, tools: tools, arg: "after-the-flush")
        let kept = try #require(try Self.keptSalt(a)?.bytes)
        #expect(try TeamCacheTests.waitFor { try TeamCacheTests.dbsize(server) == 2 && Self.teamSalt(server) == kept },
                "the flusher put A's salt back beside A's new entry")
        _ = try Self.run(Self.env(b, tools: tools, port: server.port), tools: tools, arg: "after-the-flush")
        #expect(tools.counter("fakeTool") == 2, "B replays A's entry: they agree on the salt")
    }

    @Test func anUnreachableServerFallsBackToTheLocalSalt() throws {
        let tools = try TestSandbox(), machine = try TestSandbox()
        tools.writeTool("fakeTool", script: Self.toolScript)
        let env = Self.env(machine, tools: tools, port: try RedisServer.freePort())
        _ = try Self.run(env, tools: tools)
        _ = try Self.run(env, tools: tools)
        #expect(tools.counter("fakeTool") == 1, "one local salt for both calls: a local hit")
        #expect(try Self.keptSalt(machine) == nil && FileManager.default.fileExists(atPath: machine.cacheDir + "/salt"))
    }
}
