import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// Guards the pure parts of the team cache (docs/architecture.md, Team cache), no server needed: the
/// `CACHEWRAP_REMOTE*` settings and their refusals, the envelope and every way it can be damaged,
/// the RESP2 codec on split and binary input, the breaker's file-shared state machine, and the outbox.
@Suite struct RemoteTests {
    static func url(_ text: String) throws -> RedisURL { try RedisURL.parse(text) }

    @Test func urlForms() throws {
        #expect(try Self.url("redis://cache.internal") == RedisURL(endpoint: .tcp(host: "cache.internal", port: 6379)))
        #expect(try Self.url("redis://ci@10.0.0.5:6380/2") == RedisURL(endpoint: .tcp(host: "10.0.0.5", port: 6380), user: "ci", database: 2))
        #expect(try Self.url("REDIS://[::1]:7000/") == RedisURL(endpoint: .tcp(host: "::1", port: 7000)))
        #expect(try Self.url("redis://a%40b@h") .user == "a@b")
        #expect(try Self.url("redis+unix:///run/redis/redis.sock") == RedisURL(endpoint: .unix(path: "/run/redis/redis.sock")))
        #expect(try Self.url("redis+unix://ci@/tmp/r%20s.sock?db=5") == RedisURL(endpoint: .unix(path: "/tmp/r s.sock"), user: "ci", database: 5))
        #expect(try Self.url("redis://ci@h:6380/3").description == "redis://ci@h:6380/3")
        #expect(try Self.url("redis+unix:///s?db=1").description == "redis+unix:///s?db=1")
    }

    @Test(arguments: [
        ("redis://ci:secret@h", RemoteConfigError.passwordInURL), ("rediss://ci:secret@h", .passwordInURL), ("redis://:secret@h:6379", .passwordInURL),
        ("redis+unix://u:pw@/s", .passwordInURL),
    ])
    func urlRefusals(text: String, error: RemoteConfigError) {
        #expect(throws: error) { try RedisURL.parse(text) }
        #expect(!error.message.contains("secret"))
    }

    @Test(arguments: ["http://h", "redis://", "redis://h:0", "redis://h:70000", "redis://h/x", "redis://h?db=1",
                      "redis://::1", "redis://h h", "redis+unix://host/s", "redis+unix://", "redis+unix:///s?timeout=1",
                      "redis://%zz@h", "redis+unix:///" + String(repeating: "a", count: 120)])
    func urlMistakes(text: String) {
        #expect(throws: RemoteConfigError.self) { try RedisURL.parse(text) }
    }

    static func settings(_ env: [String: String]) throws -> RemoteSettings? {
        try RemoteSettings.fromEnvironment { env[$0] }
    }

    @Test func settingsFromEnvironment() throws {
        #expect(try Self.settings([:]) == nil)
        let plain = try #require(try Self.settings(["CACHEWRAP_REMOTE": "redis://h"]))
        #expect(plain.mode == .rw && plain.timeoutMs == 50 && plain.password == nil && plain.namespace.hasPrefix("u:"))
        #expect(plain.key(for: "bafkreiabc") == "cw:v1:\(plain.namespace):bafkreiabc")
        let full = try #require(try Self.settings([
            "CACHEWRAP_REMOTE": "redis://ci@h/1", "CACHEWRAP_REMOTE_PASSWORD": "hunter2", "CACHEWRAP_REMOTE_MODE": "RO",
            "CACHEWRAP_REMOTE_NAMESPACE": "t:infra-team", "CACHEWRAP_REMOTE_TIMEOUT": "1s",
        ]))
        #expect(full.mode == .ro && full.timeoutMs == 1000 && full.key(for: "x") == "cw:v1:t:infra-team:x")
        #expect(full.password?.bytes == Array("hunter2".utf8))
        for shown in ["\(full)", String(describing: full.password!), String(reflecting: full.password!), full.redactedFields.map(\.value).joined()] {
            #expect(!shown.contains("hunter2"), "\(shown)")
        }
        #expect(full.description.contains("password=set (from CACHEWRAP_REMOTE_PASSWORD), <redacted>"))
        #expect(try Self.settings(["CACHEWRAP_REMOTE": "redis://h", "CACHEWRAP_REMOTE_TIMEOUT": "250ms"])?.timeoutMs == 250)
        #expect(try Self.settings(["CACHEWRAP_REMOTE": "redis://h", "CACHEWRAP_REMOTE_MODE": "off"])?.mode == .off)
    }

    @Test func settingsRefusals() {
        let base = ["CACHEWRAP_REMOTE": "redis://h"]
        for (name, value) in [("CACHEWRAP_REMOTE_MODE", "write"), ("CACHEWRAP_REMOTE_TIMEOUT", "50"),
                              ("CACHEWRAP_REMOTE_TIMEOUT", "0ms"), ("CACHEWRAP_REMOTE_TIMEOUT", "2m"),
                              ("CACHEWRAP_REMOTE_NAMESPACE", "t:a b"), ("CACHEWRAP_REMOTE_NAMESPACE", "t:*"),
                              ("CACHEWRAP_REMOTE_PASSWORD_FILE", "/nonexistent/pw")] {
            #expect(throws: RemoteConfigError.self, "\(name)=\(value)") { try Self.settings(base.merging([name: value]) { $1 }) }
        }
        let both = base.merging(["CACHEWRAP_REMOTE_PASSWORD": "a", "CACHEWRAP_REMOTE_PASSWORD_FILE": "/x"]) { $1 }
        #expect(throws: RemoteConfigError.twoPasswords) { try Self.settings(both) }
    }

    @Test func passwordFileDropsTheTrailingNewline() throws {
        let temp = StoreTests.TempCache(), path = temp.root + "/pw"
        defer { withExtendedLifetime(temp) {} }
        try "s3cret\r\n".write(toFile: path, atomically: true, encoding: .utf8)
        let settings = try Self.settings(["CACHEWRAP_REMOTE": "redis://h", "CACHEWRAP_REMOTE_PASSWORD_FILE": path])
        #expect(settings?.password == RedisPassword("s3cret") && settings?.passwordSource == path)
    }

    static let envelope: RemoteEnvelope = {
        var t = Transcript()
        t.append(stream: 1, Array("out\r\n\u{0}".utf8))
        t.append(stream: 2, [0xff, 0xfe, 13, 10])
        return RemoteEnvelope(exitCode: -3, createdMs: 1_700_000_000_000, expiresMs: 1_700_000_060_000, durationMs: 1234, frames: t.bytes)
    }()

    @Test func envelopeRoundTrip() throws {
        let bytes = Self.envelope.encode(cid: "bafkreitest")
        #expect(Array(bytes.prefix(5)) == Array("CWR1".utf8) + [3])
        #expect(try RemoteEnvelope.decode(bytes, cid: "bafkreitest").get() == Self.envelope)
        var marked = Self.envelope
        marked.marks = [7, 0]
        #expect(try RemoteEnvelope.decode(marked.encode(cid: "bafkreitest"), cid: "bafkreitest").get() == marked)
        let empty = RemoteEnvelope(exitCode: 0, createdMs: 0, expiresMs: 1, durationMs: 0, frames: [])
        #expect(try RemoteEnvelope.decode(empty.encode(cid: "bafkreitest"), cid: "bafkreitest").get() == empty)
    }

    @Test func everyCorruptionIsDetected() {
        let good = Self.envelope.encode(cid: "bafkreitest")
        func outcome(_ bytes: [UInt8]) -> RemoteEnvelope.Corruption? {
            if case .failure(let c) = RemoteEnvelope.decode(bytes, cid: "bafkreitest") { return c }
            return nil
        }
        for i in good.indices {  // every single-byte flip is caught
            var bad = good
            bad[i] ^= 0x01
            #expect(outcome(bad) != nil, "flip at \(i)")
        }
        #expect(outcome(Array(good.dropLast())) == .lengthMismatch)
        #expect(outcome(good + [0]) == .lengthMismatch)
        #expect(outcome(Array(good.prefix(20))) == .tooShort)
        #expect(outcome(Array("hello world, not an envelope at all, no no no no no no no no no no".utf8)) == .badMagic)
        var v1 = good
        v1[4] = 1
        #expect(outcome(v1) == .unsupportedVersion(1), "version 1 digests were not bound to the CID")
        var hash = good
        hash[50] ^= 0x80
        #expect(outcome(hash) == .checksumMismatch)
        let badFrames = RemoteEnvelope(exitCode: 0, createdMs: 0, expiresMs: 1, durationMs: 0, frames: [7, 1, 0, 0, 0, 65])
        #expect(outcome(badFrames.encode(cid: "bafkreitest")) == .badFrames)
        #expect(outcome(Self.envelope.encode(cid: "bafkreiother")) == .checksumMismatch,
                "a value stored under another CID's key is refused")
        var tooManyMarks = good
        tooManyMarks[33] = UInt8(RemoteEnvelope.maxMarks + 1)
        #expect(outcome(tooManyMarks) == .badMarks)
    }

    /// A value is served only when the marks it was made under are the scope's marks now: a
    /// mutation anywhere (an INCR) supersedes it, and marks that cannot be read serve nothing.
    @Test func aValueMadeBeforeAMutationIsSuperseded() {
        let now = Clock.nowMs()
        var result = Self.envelope
        result.createdMs = now - 1000
        result.expiresMs = now + 60_000
        result.marks = [4, 1]
        let value = result.encode(cid: "bafkreifuzz")
        func lookup(_ marks: [Int64]?) -> RemoteLookup {
            RemoteCache.found(value, cid: "bafkreifuzz", pttl: .integer(59_000), marks: marks, now: now, refused: { _ in })
        }
        guard case .hit = lookup([4, 1]) else { Issue.record("the same marks: a hit"); return }
        for marks in [[5, 1], [4, 2], [4], [], nil] as [[Int64]?] {
            guard case .superseded = lookup(marks) else { Issue.record("marks \(String(describing: marks)) must supersede"); continue }
        }
    }

    /// Found by the envelope fuzzer (fuzz/corpus/envelope/crash-0dfa1f560b5589bc5aaa0e3740ac1727e49109a5):
    /// a value anyone with write access can store, with a valid checksum and a negative
    /// duration. Times the hit path cannot compute with (its age, `created + ttl`, how long ago
    /// it expired all trap on overflow) are refused like any other damage.
    @Test func envelopeWithTimesOutOfRangeIsRefused() {
        func outcome(_ e: RemoteEnvelope) -> RemoteEnvelope.Corruption? {
            if case .failure(let c) = RemoteEnvelope.decode(e.encode(cid: "bafkreifuzz"), cid: "bafkreifuzz") { return c }
            return nil
        }
        let frames: [UInt8] = [2, 1, 0, 0, 0, 0xbe]
        let fuzzed = RemoteEnvelope(exitCode: 50_331_648, createdMs: 114_349_213_679_616, expiresMs: 1_142_696_116_224,
                                    durationMs: -6_124_895_492_116_447_232, frames: frames)
        #expect(outcome(fuzzed) == .badTimes)
        for (created, expires) in [(Int64.min, Int64(1)), (-1, 1), (Int64.max, Int64.max), (0, Int64.min),
                                   (0, RemoteEnvelope.maxTimeMs + 1)] {
            let e = RemoteEnvelope(exitCode: 0, createdMs: created, expiresMs: expires, durationMs: 0, frames: frames)
            #expect(outcome(e) == .badTimes, "created \(created), expires \(expires)")
        }
        let latest = RemoteEnvelope(exitCode: 0, createdMs: 0, expiresMs: RemoteEnvelope.maxTimeMs,
                                    durationMs: RemoteEnvelope.maxTimeMs, frames: frames)
        #expect(outcome(latest) == nil)
    }

    /// A PTTL reply is the server's word on how long a hit lives here: one beyond any TTL
    /// cachewrap writes with (`:9223372036854775807`) made `now + PTTL` overflow and trap.
    @Test func hugePTTLIsCappedAtTheLongestTTL() throws {
        let now = Clock.nowMs()
        var result = Self.envelope
        result.createdMs = now - 1000
        result.expiresMs = now + 60_000
        for pttl in [Int64.max, Int64.max - now + 1, UserNumbers.duration.range.upperBound * 1000 + 1] {
            guard case .hit(let hit, let ms) = RemoteCache.found(result.encode(cid: "bafkreifuzz"), cid: "bafkreifuzz", pttl: .integer(pttl), marks: [], now: now, refused: { _ in })
            else { Issue.record("PTTL \(pttl) is not a hit"); continue }
            #expect(hit.expiresMs == now + UserNumbers.duration.range.upperBound * 1000 && ms == pttl)
        }
        guard case .hit(let hit, _) = RemoteCache.found(result.encode(cid: "bafkreifuzz"), cid: "bafkreifuzz", pttl: .integer(59_000), marks: [], now: now, refused: { _ in })
        else { Issue.record("PTTL 59000 is not a hit"); return }
        #expect(hit.expiresMs == now + 59_000)
    }

    @Test func respEncodesBinarySafeCommands() {
        #expect(RESPEncoder.encode([Array("SET".utf8), [13, 10, 0], []]) == Array("*3\r\n$3\r\nSET\r\n$3\r\n".utf8) + [13, 10, 0] + Array("\r\n$0\r\n\r\n".utf8))
    }

    @Test func respReaderHandlesEveryTypeInAnySplit() throws {
        let wire = Array("+OK\r\n-NOPERM no\r\n:-42\r\n$5\r\n".utf8) + [13, 10, 0, 255, 10] + Array("\r\n$-1\r\n*-1\r\n*3\r\n:1\r\n$0\r\n\r\n*1\r\n+x\r\n".utf8)
        let expected: [RESPValue] = [.simple("OK"), .error("NOPERM no"), .integer(-42), .bulk([13, 10, 0, 255, 10]), .bulk(nil),
                                     .array(nil), .array([.integer(1), .bulk([]), .array([.simple("x")])])]
        for step in [1, 2, 7, wire.count] {  // byte by byte, odd chunks, all at once
            var reader = RESPReader(), got: [RESPValue] = []
            for start in stride(from: 0, to: wire.count, by: step) {
                reader.feed(Array(wire[start..<min(start + step, wire.count)]))
                while let value = try reader.next() { got.append(value) }
            }
            #expect(got == expected, "step \(step)")
        }
    }

    @Test(arguments: ["?x\r\n", "$abc\r\n", "$3\r\nabcd\r\n", "$-5\r\n", "*99999999999\r\n", ":12x\r\n"])
    func respReaderRefusesGarbage(wire: String) {
        var reader = RESPReader(maxReplyBytes: 1 << 20)
        reader.feed(Array(wire.utf8))
        #expect(throws: RemoteError.self) { _ = try reader.next() }
    }

    @Test func breakerOpensDoublesProbesOnceAndCloses() throws {
        let temp = StoreTests.TempCache(), dir = temp.root
        defer { withExtendedLifetime(temp) {} }
        var now: Int64 = 1_000_000
        let breaker = CircuitBreaker(directory: dir) { now }
        guard case .go(let first) = breaker.permit() else { Issue.record("closed breaker must allow"); return }
        breaker.recordSuccess(first)
        #expect(!FileManager.default.fileExists(atPath: breaker.path), "a success while closed writes nothing")
        breaker.recordFailure("NOAUTH Authentication required.", first)
        var state = breaker.state()
        #expect(state.open && state.openUntilMs == now + 30_000 && state.lastError == "NOAUTH Authentication required.")
        guard case .skip = breaker.permit() else { Issue.record("open breaker must skip"); return }
        for (step, window) in [(30_000, 60_000), (60_000, 120_000), (120_000, 240_000), (240_000, 300_000), (300_000, 300_000)] {
            now += Int64(step)
            guard case .go(let probe) = breaker.permit() else { Issue.record("window over: one probe"); return }
            #expect(probe.isProbe)
            guard case .skip = CircuitBreaker(directory: dir, now: { now }).permit() else { Issue.record("only one prober"); return }
            breaker.recordFailure("timed out", probe)
            state = breaker.state()
            #expect(state.windowMs == Int64(window) && state.openUntilMs == now + Int64(window))
        }
        now += 300_000
        guard case .go(let probe) = breaker.permit() else { Issue.record("probe expected"); return }
        breaker.recordSuccess(probe)
        state = breaker.state()
        #expect(!state.open && state.windowMs == 30_000 && state.failures == 0 && state.lastError == "timed out")
        breaker.noteRefusal("NOPERM no set\nfor you")
        #expect(breaker.state().lastError == "NOPERM no set for you" && !breaker.state().open)
    }

    @Test func outboxQueuesReplacesCapsAndParses() throws {
        let temp = StoreTests.TempCache(), dir = temp.root
        defer { withExtendedLifetime(temp) {} }
        let outbox = Outbox(cacheDirectory: dir, maxPending: 2)
        let env = Self.envelope.encode(cid: "bafkreitest")
        #expect(outbox.enqueue(key: "cw:v1:t:a:one", envelope: env, expiresMs: 42) == .queued)
        #expect(outbox.enqueue(key: "cw:v1:t:a:one", envelope: env, expiresMs: 43) == .queued)
        #expect(outbox.pendingCount() == 1, "same key replaces")
        #expect(outbox.enqueue(key: "cw:v1:t:a:two", envelope: env, expiresMs: 44) == .queued)
        #expect(outbox.enqueue(key: "cw:v1:t:a:three", envelope: env, expiresMs: 45) == .full)
        let files = outbox.pendingFiles().sorted()
        let parsed = files.compactMap { FileIO.readFile(outbox.directory + "/" + $0, limit: 1 << 20).flatMap(Outbox.Pending.init) }
        #expect(Set(parsed.map(\.key)) == ["cw:v1:t:a:one", "cw:v1:t:a:two"])
        #expect(parsed.allSatisfy { $0.envelope == env } && Set(parsed.map(\.expiresMs)) == [43, 44])
        #expect(Outbox.Pending(Array("CWO1".utf8) + [1, 2]) == nil)
    }
}
