import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// A 2 MB listing is kept packed (docs/architecture.md, Store, Team cache): in Redis in at most
/// 30% of its size, in the cache dir in at most half, replayed byte for byte on the machine that
/// ran it and on another sharing the team cache; and a packed value damaged in either place is
/// refused and the tool runs instead. With the real binary and a real `redis-server`.
@Suite struct CompressionTests {
    /// A fake `gh api --paginate`: 2 MB of JSON lines, the same on every run.
    static let listing = """
        awk 'BEGIN { for (i = 0; i < 18500; i++) printf "{\\"number\\":%d,\\"title\\":\\"Fix issue %d in module %d\\",\\"state\\":\\"open\\",\\"user\\":{\\"login\\":\\"user%d\\"},\\"labels\\":[{\\"name\\":\\"bug\\"}]}\\n", i, (i * 7919) % 10007, i % 97, i % 13 }'
        """

    static func machine(_ sb: TestSandbox, tools: TestSandbox, server: RedisServer) -> [String: String] {
        TeamCacheTests.env(sb, tools: tools, remote: "redis://127.0.0.1:\(server.port)")
    }

    /// Runs the listing on `a`, waits for its write to reach Redis, returns it with its value.
    static func runAndShare(_ a: TestSandbox, tools: TestSandbox, server: RedisServer) throws -> (RunResult, key: [UInt8]) {
        tools.writeTool("fakeTool", script: listing)  // the tool `runOnA` runs
        let first = try TeamCacheTests.runOnA(a, tools: tools, server: server, env: machine(a, tools: tools, server: server))
        guard case .array(let keys?) = try server.admin(["KEYS", "cw:v1:t:team:b*"]), keys.count == 1,
              case .bulk(let key?) = keys[0] else { throw RunError(description: "expected one team key") }
        return (first, key)
    }

    /// Every file's size under `dir`, the database checkpointed first so its WAL is in it.
    static func diskBytes(_ dir: String) throws -> Int {
        let python = try TestSandbox.requireTool("python3")
        let checkpoint = try run(python, ["-c", "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA wal_checkpoint(TRUNCATE)')",
                                          dir + "/cache.db"], env: [:])
        #expect(checkpoint.status == 0, "\(checkpoint.stderrText)")
        var total = 0
        let files = FileManager.default.enumerator(atPath: dir)
        while let name = files?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/" + name)
            if attributes[.type] as? FileAttributeType == .typeRegular { total += (attributes[.size] as? Int) ?? 0 }
        }
        return total
    }

    @Test func aLargeListingIsKeptPackedAndReplaysExactlyHereAndElsewhere() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), a = try TestSandbox(), b = try TestSandbox()
        let (first, key) = try Self.runAndShare(a, tools: tools, server: server)
        #expect(first.stdout.count > 2_000_000 && tools.counter("fakeTool") == 1)
        guard case .integer(let stored) = try server.admin([Array("STRLEN".utf8), key]) else {
            Issue.record("no STRLEN")
            return
        }
        #expect(stored * 10 <= first.stdout.count * 3, "Redis holds \(stored) bytes for \(first.stdout.count)")
        let disk = try Self.diskBytes(a.cacheDir)
        #expect(disk * 2 <= first.stdout.count, "the cache dir holds \(disk) bytes for \(first.stdout.count)")

        let again = try cachewrap(["--", "fakeTool", "arg"], env: Self.machine(a, tools: tools, server: server), cwd: tools.root)
        #expect(again.stdout == first.stdout && again.status == 0, "the same machine replays it exactly")
        let envB = Self.machine(b, tools: tools, server: server)
        let elsewhere = try cachewrap(["--", "fakeTool", "arg"], env: envB, cwd: tools.root)
        #expect(elsewhere.stdout == first.stdout && elsewhere.status == 0, "another machine replays it exactly")
        let local = try cachewrap(["--", "fakeTool", "arg"], env: envB, cwd: tools.root)
        #expect(local.stdout == first.stdout, "and then from its own store")
        #expect(tools.counter("fakeTool") == 1, "the tool ran once in all")
        let stats = try TeamCacheTests.stats(envB)
        #expect(TeamCacheTests.int(stats, "remote_hits") == 1 && TeamCacheTests.int(stats, "hits") == 2, "\(stats)")
        #expect(TeamCacheTests.int(stats, "stored_bytes") * 2 <= TeamCacheTests.int(stats, "bytes"), "\(stats)")
    }

    @Test func aDamagedPackedValueInRedisIsRefused() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), a = try TestSandbox(), b = try TestSandbox()
        let (first, key) = try Self.runAndShare(a, tools: tools, server: server)
        guard case .bulk(var value?) = try server.admin([Array("GET".utf8), key]) else {
            Issue.record("no value")
            return
        }
        value[value.count / 2] ^= 0x10  // inside the packed frames
        try server.admin([Array("SET".utf8), key, value])
        let envB = Self.machine(b, tools: tools, server: server)
        let second = try cachewrap(["--", "fakeTool", "arg"], env: envB, cwd: tools.root)
        #expect(second.status == 0 && second.stdout == first.stdout, "the tool's own answer")
        #expect(tools.counter("fakeTool") == 2, "a damaged value is never replayed")
        let stats = try TeamCacheTests.stats(envB)
        #expect(TeamCacheTests.int(stats, "remote_corrupt") == 1 && TeamCacheTests.int(stats, "remote_hits") == 0, "\(stats)")
    }

    @Test func aDamagedPackedHotFileIsRefused() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh-listing", script: Self.listing)
        let first = try cachewrap(["--", "gh-listing"], env: sb.baseEnv(), cwd: sb.home)
        let hot = try #require(try FileManager.default.contentsOfDirectory(atPath: sb.cacheDir + "/hot").first)
        let path = sb.cacheDir + "/hot/" + hot
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.prefix(4) == Data("CWH3".utf8), "the hot file holds the packed frames")
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: path))
        let after = try cachewrap(["--", "gh-listing"], env: sb.baseEnv(), cwd: sb.home)
        #expect(after.status == 0 && after.stdout == first.stdout, "the tool's own answer, never the damaged one")
        #expect(after.stderrText.contains("damaged") && sb.counter("gh-listing") == 2, "\(after.stderrText)")
        #expect(try IntegrityTests.damagedCount(sb) == 1)
    }
}
