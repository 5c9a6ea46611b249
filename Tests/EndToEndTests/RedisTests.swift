import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// The team cache's building blocks against a real `redis-server` (issue 7; docs/architecture.md, Team cache):
/// RESP2 over TCP and Unix sockets with binary values, SET NX PX and GET+PTTL semantics, ACL users
/// (read-write, read-only, wrong password, NOAUTH), the one deadline against a server that never
/// answers, fast refusal, the breaker sparing the network, corrupt values, modes and the outbox.
@Suite struct RedisTests {
    /// A remote on `url` with its own cache dir (`dir`); `now` drives only the breaker's clock.
    static func remote(_ url: RedisURL, dir: String, password: String? = nil, mode: RemoteMode = .rw,
                       timeoutMs: Int64 = 2000, now: @escaping () -> Int64 = Clock.nowMs) -> RemoteCache {
        let settings = RemoteSettings(url: url, password: password.map(RedisPassword.init), namespace: "t:test",
                                      mode: mode, timeoutMs: timeoutMs)
        return RemoteCache(settings: settings, cacheDirectory: dir, breaker: CircuitBreaker(directory: dir, now: now))
    }

    static func result(_ out: [UInt8], exit: Int32 = 0, ttlMs: Int64 = 60_000) -> CachedResult {
        var t = Transcript()
        t.append(stream: 1, out)
        t.append(stream: 2, Array("warning\r\n".utf8))
        let now = Clock.nowMs()
        return CachedResult(createdMs: now, expiresMs: now + ttlMs, exitCode: exit, durationMs: 321, frames: t.bytes)
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func respRepliesOverTCPAndUnixSockets() throws {
        let server = try RedisServer()
        let binary = (0...255).map(UInt8.init) + Self.bytes("\r\n$3\r\n*1\r\n") + [13, 10, 0]
        var mebibyte = [UInt8](repeating: 0, count: 1 << 20)
        for i in mebibyte.indices { mebibyte[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        for url in [server.tcpURL, server.unixURL] {
            let c = try RESPConnection.open(url, password: nil, deadline: Deadline(milliseconds: 2000))
            let replies = try c.pipeline([
                [Self.bytes("SET"), Self.bytes("k"), binary], [Self.bytes("GET"), Self.bytes("k")], [Self.bytes("PTTL"), Self.bytes("k")],
                [Self.bytes("GET"), Self.bytes("missing")], [Self.bytes("MGET"), Self.bytes("k"), Self.bytes("missing")],
                [Self.bytes("INCR"), Self.bytes("k")], [Self.bytes("BLPOP"), Self.bytes("nolist"), Self.bytes("0.01")],
                [Self.bytes("SET"), Self.bytes("big"), mebibyte, Self.bytes("PX"), Self.bytes("60000")],
                [Self.bytes("GET"), Self.bytes("big")], [Self.bytes("PTTL"), Self.bytes("big")],
            ], deadline: Deadline(milliseconds: 3000))
            #expect(replies[0] == .simple("OK") && replies[1] == .bulk(binary) && replies[2] == .integer(-1))
            #expect(replies[3] == .bulk(nil) && replies[4] == .array([.bulk(binary), .bulk(nil)]))
            #expect(replies[5].isErrorStarting("ERR value is not an integer"), "\(replies[5])")
            #expect(replies[6] == .array(nil))
            #expect(replies[7] == .simple("OK") && replies[8] == .bulk(mebibyte))
            guard case .integer(let pttl) = replies[9] else { Issue.record("PTTL: \(replies[9])"); continue }
            #expect(pttl > 50_000 && pttl <= 60_000)
        }
    }

    @Test func setPXAndGetPTTLAcrossTwoMachines() throws {
        let server = try RedisServer()
        let a = try TestSandbox(), b = try TestSandbox()
        let machineA = Self.remote(server.tcpURL, dir: a.root), machineB = Self.remote(server.unixURL, dir: b.root)
        let result = Self.result(Self.bytes("PR #1\r\n\u{0}") + [0xff])
        #expect(machineB.get("bafkreiaaa").lookup.isMiss)
        #expect(machineA.put("bafkreiaaa", envelope: RemoteEnvelope(result).encode(cid: "bafkreiaaa"), ttlMs: 60_000) == .stored)
        let asked = Clock.nowMs()  // B's now during the lookup + the PTTL: bracketed, not estimated
        guard case .hit(let got, let pttl) = machineB.get("bafkreiaaa").lookup else { Issue.record("B must hit"); return }
        let answered = Clock.nowMs()
        #expect(got.frames == result.frames && got.exitCode == 0 && got.durationMs == 321 && got.createdMs == result.createdMs)
        #expect(pttl > 50_000 && pttl <= 60_000 && (asked + pttl...answered + pttl).contains(got.expiresMs))
        #expect(try server.admin(["PTTL", "cw:v1:t:test:bafkreiaaa"]) != .integer(-1), "written with PX")
        #expect(machineA.put("bafkreibbb", envelope: RemoteEnvelope(result).encode(cid: "bafkreibbb"), ttlMs: 30) == .stored)
        #expect(eventually { machineB.get("bafkreibbb").lookup.isMiss }, "the server expired it")
        // The last writer wins: after a mutation, the run that follows must replace the old value.
        let other = RemoteEnvelope(Self.result(Self.bytes("other")))
        #expect(machineB.put("bafkreiaaa", envelope: other.encode(cid: "bafkreiaaa"), ttlMs: 60_000) == .stored)
        guard case .hit(let replaced, _) = machineA.get("bafkreiaaa").lookup else { Issue.record("A must hit"); return }
        #expect(replaced.frames == other.frames)
        let big = Self.result([UInt8](repeating: 0x0a, count: 1 << 20))
        #expect(machineA.put("bafkreiccc", envelope: RemoteEnvelope(big).encode(cid: "bafkreiccc"), ttlMs: 60_000) == .stored)
        guard case .hit(let gotBig, _) = machineB.get("bafkreiccc").lookup else { Issue.record("1 MiB hit"); return }
        #expect(gotBig.frames == big.frames)
        #expect(machineA.connectAttempts == 1 && machineB.connectAttempts == 1, "one connection each, reused")
    }

    @Test func databaseIsSelected() throws {
        let server = try RedisServer(), sb = try TestSandbox()
        var db3 = server.unixURL
        db3.database = 3
        #expect(Self.remote(db3, dir: sb.root).put("c", envelope: RemoteEnvelope(Self.result([1])).encode(cid: "c"), ttlMs: 60_000) == .stored)
        #expect(try server.admin(["EXISTS", "cw:v1:t:test:c"]) == .integer(0), "not in db 0")
        #expect(Self.remote(db3, dir: sb.root).get("c").lookup.isHit)
        #expect(Self.remote(server.unixURL, dir: sb.root).get("c").lookup.isMiss)
    }

    @Test func aclReadWriteAndReadOnlyUsersAndWrongPassword() throws {
        let server = try RedisServer(), sb = try TestSandbox()
        try server.admin(["ACL", "SETUSER", "ci", "on", ">pw", "~cw:*", "+get", "+set", "+pttl", "+ping", "+select", "+auth"])
        try server.admin(["ACL", "SETUSER", "dev", "on", ">devpw", "~cw:*", "+get", "+pttl", "+ping", "+select", "+auth"])
        var ciURL = server.tcpURL, devURL = server.tcpURL
        ciURL.user = "ci"
        devURL.user = "dev"
        let ci = Self.remote(ciURL, dir: sb.root, password: "pw"), dev = Self.remote(devURL, dir: sb.root, password: "devpw")
        #expect(ci.put("x", envelope: RemoteEnvelope(Self.result([7])).encode(cid: "x"), ttlMs: 60_000) == .stored)
        #expect(dev.get("x").lookup.isHit && ci.get("x").lookup.isHit)
        guard case .refused(let why) = dev.put("y", envelope: RemoteEnvelope(Self.result([8])).encode(cid: "y"), ttlMs: 60_000) else {
            Issue.record("a read-only user's write must be refused"); return
        }
        #expect(why.hasPrefix("NOPERM"), "\(why)")
        #expect(!dev.breaker.state().open && dev.breaker.state().lastError == why, "refused writes are noted, reads go on")
        #expect(dev.get("x").lookup.isHit && dev.connectAttempts == 1)
        #expect(dev.enqueue("z", result: Self.result([9]), marks: []) == .queued)
        let drained = Outbox(cacheDirectory: sb.root).drain(using: dev)
        #expect(drained.refused == 1 && drained.remaining == 0 && drained.lastRefusal?.hasPrefix("NOPERM") == true)

        let wrongDir = try TestSandbox()
        let wrong = Self.remote(ciURL, dir: wrongDir.root, password: "nope")
        guard case .unavailable(let text) = wrong.get("x").lookup else { Issue.record("wrong password must fail"); return }
        #expect(text.hasPrefix("WRONGPASS"), "\(text)")
        #expect(wrong.breaker.state().open && wrong.breaker.state().lastError?.hasPrefix("WRONGPASS") == true)
        guard case .failure(.server(let checked)) = wrong.check() else { Issue.record("check must report it"); return }
        #expect(checked.hasPrefix("WRONGPASS"))
        guard case .success(let micros) = ci.check() else { Issue.record("check must pass"); return }
        #expect(micros > 0)
    }

    @Test func noauthTripsTheBreakerAndThePasswordFixesIt() throws {
        let server = try RedisServer(["--requirepass", "adminpw"]), sb = try TestSandbox()
        let anonymous = Self.remote(server.unixURL, dir: sb.root)
        guard case .unavailable(let text) = anonymous.get("x").lookup else { Issue.record("NOAUTH expected"); return }
        #expect(text == "NOAUTH Authentication required.")
        #expect(anonymous.breaker.state().lastError == "NOAUTH Authentication required." && anonymous.breaker.state().open)
        anonymous.breaker.reset()
        #expect(Self.remote(server.unixURL, dir: sb.root, password: "adminpw").get("x").lookup.isMiss, "AUTH pass (default user)")
    }

    @Test func aServerThatNeverAnswersCostsOneDeadline() throws {
        let silent = try SilentListener(), sb = try TestSandbox()
        let url = RedisURL(endpoint: .tcp(host: "127.0.0.1", port: silent.port))
        let remote = Self.remote(url, dir: sb.root, timeoutMs: 100)
        guard case .unavailable(let text) = remote.get("x").lookup else { Issue.record("timeout expected"); return }
        // The deadline ended it ("timed out") after one connection; the breaker spares the next callers.
        #expect(text == "timed out" && remote.connectAttempts == 1 && remote.breaker.state().open)
        let connection = try RESPConnection.open(url, password: nil, deadline: Deadline(milliseconds: 100))
        #expect(throws: RemoteError.timeout) { try connection.command([Self.bytes("PING")], deadline: Deadline(milliseconds: 100)) }
        #expect(connection.broken)
    }

    @Test func aClosedPortOrMissingSocketIsRefusedFast() throws {
        let sb = try TestSandbox(), port = try RedisServer.freePort()
        let urls = [RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port)), RedisURL(endpoint: .unix(path: sb.root + "/none.sock"))]
        for (i, url) in urls.enumerated() {
            let remote = Self.remote(url, dir: sb.root + "/\(i)", timeoutMs: 100)
            guard case .unavailable(let text) = remote.get("x").lookup else { Issue.record("refusal expected"); continue }
            // The kernel's answer after one attempt, not the deadline ("timed out"): no wait.
            #expect((text.contains("Connection refused") || text.contains("No such file")) && remote.connectAttempts == 1, "\(text)")
        }
    }

    @Test func namesResolveWithinTheDeadline() throws {
        let server = try RedisServer(), sb = try TestSandbox()
        #expect(Self.remote(RedisURL(endpoint: .tcp(host: "localhost", port: server.port)), dir: sb.root).get("x").lookup.isMiss)
        let lookup = Self.remote(RedisURL(endpoint: .tcp(host: "no-such-host.invalid", port: 6379)), dir: sb.root + "/x",
                                 timeoutMs: 200).get("x").lookup
        #expect(!lookup.isHit && !lookup.isMiss, "\(lookup)")
        // Every wait of a DNS lookup is a poll within the deadline: with one already passed, a
        // name not in /etc/hosts times out before a query is sent.
        #expect(throws: RemoteError.timeout) {
            try HostResolver.resolve(host: "no-such-host.invalid", port: 6379, deadline: Deadline(milliseconds: 0))
        }
    }

    @Test func anOpenBreakerSkipsTheNetworkUntilOneProbeSucceeds() throws {
        let sb = try TestSandbox(), port = try RedisServer.freePort()
        var now: Int64 = 5_000_000
        let dead = RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port))
        let first = Self.remote(dead, dir: sb.root, timeoutMs: 100, now: { now })
        #expect(!first.get("x").lookup.isMiss && first.connectAttempts == 1)
        let second = Self.remote(dead, dir: sb.root, timeoutMs: 100, now: { now })  // another process
        for _ in 0..<100 {
            guard case .unavailable(let text) = second.get("x").lookup else { Issue.record("must skip"); return }
            #expect(text.contains("remote paused"), "\(text)")
        }
        #expect(second.connectAttempts == 0, "an open breaker costs no connection at all")
        now += 30_000
        _ = second.get("x").lookup
        #expect(second.connectAttempts == 1 && second.breaker.state().windowMs == 60_000, "one probe, failed: window doubles")
        let server = try RedisServer()
        now += 60_000
        let third = Self.remote(server.tcpURL, dir: sb.root, timeoutMs: 1000, now: { now })
        #expect(third.get("x").lookup.isMiss && !third.breaker.state().open && third.breaker.state().windowMs == 30_000)
    }

    @Test func corruptValuesAreNeverReplayed() throws {
        let server = try RedisServer(), sb = try TestSandbox()
        let remote = Self.remote(server.unixURL, dir: sb.root)
        let good = RemoteEnvelope(Self.result(Self.bytes("fine"))).encode(cid: "fine")
        try server.admin([Self.bytes("SET"), Self.bytes("cw:v1:t:test:fine"), good])
        guard case .hit = remote.get("fine").lookup else { Issue.record("a good value under its own CID is a hit"); return }
        var flipped = good
        flipped[45] ^= 0x20
        // "swapped": a good value copied under another CID's key; its digest is bound to "fine".
        for (cid, value) in [("garbage", Self.bytes("not an envelope")), ("cut", Array(good.dropLast(3))), ("flip", flipped),
                             ("swapped", good)] {
            try server.admin([Self.bytes("SET"), Self.bytes("cw:v1:t:test:" + cid), value])
            guard case .corrupt = remote.get(cid).lookup else { Issue.record("\(cid) must be corrupt"); continue }
        }
        try server.admin(["LPUSH", "cw:v1:t:test:list", "a"])
        guard case .corrupt(let text) = remote.get("list").lookup else { Issue.record("WRONGTYPE is corrupt"); return }
        #expect(text.hasPrefix("WRONGTYPE") && !remote.breaker.state().open)
    }

    @Test func readOnlyNeverWritesAndOffNeverConnects() throws {
        let server = try RedisServer(), sb = try TestSandbox()
        let ro = Self.remote(server.unixURL, dir: sb.root, mode: .ro)
        #expect(ro.put("x", envelope: RemoteEnvelope(Self.result([1])).encode(cid: "x"), ttlMs: 60_000) == .skipped("remote mode is ro"))
        #expect(ro.enqueue("x", result: Self.result([1]), marks: []) == nil && ro.get("x").lookup.isMiss)
        let off = Self.remote(server.unixURL, dir: sb.root, mode: .off)
        #expect(!off.get("x").lookup.isMiss && off.put("x", envelope: [], ttlMs: 1000) == .skipped("remote mode is off"))
        #expect(off.connectAttempts == 0 && ro.connectAttempts == 1)
        #expect(RemoteCache.make(off.settings, cacheDirectory: sb.root) == nil)
        #expect(try server.admin(["DBSIZE"]) == .integer(0))
    }

    @Test func outboxDrainsWhenRedisIsUpAndWaitsWhenDown() throws {
        let sb = try TestSandbox(), port = try RedisServer.freePort()
        var now: Int64 = 9_000_000
        let down = Self.remote(RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port)), dir: sb.root, timeoutMs: 100, now: { now })
        for cid in ["a", "b", "c"] { #expect(down.enqueue(cid, result: Self.result(Self.bytes(cid)), marks: []) == .queued) }
        let outbox = Outbox(cacheDirectory: sb.root)
        let failed = outbox.drain(using: down)
        #expect(failed.ran && failed.stored == 0 && failed.remaining == 3 && failed.stoppedBy != nil)
        #expect(outbox.drain(using: down).stoppedBy?.contains("remote paused") == true && down.connectAttempts == 1)

        let server = try RedisServer()
        now += 30_000
        let up = Self.remote(server.tcpURL, dir: sb.root, now: { now })
        let lock = open(sb.root + "/outbox.lock", O_CREAT | O_RDWR, 0o600)
        flock(lock, LOCK_EX)
        #expect(!outbox.drain(using: up).ran && up.connectAttempts == 0, "another flusher holds the lock")
        close(lock)
        let drained = outbox.drain(limit: 2, using: up)
        #expect(drained.stored == 2 && drained.remaining == 1)
        #expect(outbox.drain(using: up).stored == 1 && outbox.pendingCount() == 0)
        let reader = Self.remote(server.unixURL, dir: sb.root + "/other")
        for cid in ["a", "b", "c"] {
            guard case .hit(let got, _) = reader.get(cid).lookup else { Issue.record("\(cid) not drained"); continue }
            #expect(Transcript(frames: got.frames)?.stream(1) == Self.bytes(cid))
        }
    }
}

extension RemoteLookup {
    var isHit: Bool { if case .hit = self { true } else { false } }
    var isMiss: Bool { if case .miss = self { true } else { false } }
}
