import Foundation
import Testing

@testable import CachewrapCore

/// Outputs over `PackedFrames.threshold` are stored packed with zstd, in the store, the hot file
/// and the team cache value, and only verified frames come back out (docs/architecture.md,
/// Store, Formats); smaller ones are stored exactly as before packing existed.
@Suite struct PackedFramesTests {
    /// JSON lines like `gh api --paginate`'s: compressible, as real listings are.
    static func listing(bytes: Int) -> Transcript {
        var text = "", i = 0
        while text.utf8.count < bytes {
            text += #"{"number":\#(i),"title":"Fix issue \#(i * 7919 % 10007)","state":"open","user":{"login":"u\#(i % 13)"}}"# + "\n"
            i += 1
        }
        return StoreTests.transcript(text)
    }

    static func row(_ cache: StoreTests.TempCache) throws -> (codec: Int64, stored: Int64?, frames: [UInt8]) {
        let db = try SQLiteDatabase(path: cache.location.databasePath)
        let stmt = try db.prepare("SELECT codec, stored_size, frames FROM outputs")
        #expect(try stmt.step())
        return (stmt.int(0), stmt.isNull(1) ? nil : stmt.int(1), stmt.blob(2))
    }

    static func hotFile(_ cache: StoreTests.TempCache, _ cid: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: HotFile.path(cache.location.directory, cid))))
    }

    @Test func anOutputUnderTheThresholdIsStoredAsItIs() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        let t = StoreTests.transcript(String(repeating: "a", count: 1024))
        try store.save(StoreTests.info("bafkreismall", transcript: t), transcript: t)
        let row = try Self.row(cache)
        #expect(row.codec == 0 && row.stored == nil && row.frames == t.bytes, "the row holds the frames themselves")
        let hot = try Self.hotFile(cache, "bafkreismall")
        #expect(Array(hot.prefix(4)) == Array("CWH2".utf8) && hot[32] == 0, "the hot file is the CWH2 one, kind 0")
        #expect(Array(hot[33..<(hot.count - 8)]) == t.bytes)
        #expect(try store.sizeByTool()["gh"]?.stored == 1024)
    }

    @Test func aLargeOutputIsStoredPackedAndReplaysExactly() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        let t = Self.listing(bytes: 2_000_000)
        try store.save(StoreTests.info("bafkreilarge", transcript: t), transcript: t)
        let row = try Self.row(cache)
        #expect(row.codec == 1 && row.stored == Int64(row.frames.count) && row.frames.count < t.bytes.count / 4)
        #expect(try store.lookup("bafkreilarge").found?.frames == t.bytes, "the row unpacks to the frames")
        let hot = HotFile.read(cache: cache.location.directory, cid: "bafkreilarge")
        #expect(hot.found?.frames == t.bytes, "the hot file unpacks to the frames")
        #expect(Array(try Self.hotFile(cache, "bafkreilarge").prefix(4)) == Array("CWH3".utf8))
        let size = try #require(try store.sizeByTool()["gh"])
        #expect(size.bytes == Int64(t.stdoutCount) && size.stored == row.stored)
    }

    @Test func incompressibleOutputsStayAsTheyAre() throws {
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(PackedFrames(noise).packed == nil)
        #expect(PackedFrames(Self.listing(bytes: 5000).bytes).packed != nil)
    }

    /// A flipped byte inside the packed frames, with the row's own digests left as they were:
    /// the unpacked frames fail their content check (or do not unpack at all).
    @Test func aDamagedPackedRowIsRefused() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        let t = Self.listing(bytes: 100_000)
        try store.save(StoreTests.info("bafkreiflip", transcript: t), transcript: t)
        var frames = try Self.row(cache).frames
        frames[frames.count / 2] ^= 0x04
        let db = try SQLiteDatabase(path: cache.location.databasePath)
        try db.prepare("UPDATE outputs SET frames = ?").bind(.blob(frames)).run()
        guard case .damaged = try store.lookup("bafkreiflip") else {
            Issue.record("a damaged packed row was accepted")
            return
        }
    }

    @Test func garbageNeverUnpacksPastItsRecordedSize() throws {
        let frames = Self.listing(bytes: 50_000).bytes
        let packed = try #require(PackedFrames(frames).packed)
        let check = AnswerCheck.content(frames)
        #expect(PackedFrames.unpack(packed, size: Int64(frames.count), check: check) == frames)
        #expect(PackedFrames.unpack(packed, size: Int64(frames.count - 1), check: check) == nil, "smaller than it decodes to")
        #expect(PackedFrames.unpack(packed, size: Int64(frames.count + 1), check: check) == nil, "larger than it decodes to")
        #expect(PackedFrames.unpack(packed, size: Int64(frames.count), check: check ^ 1) == nil)
        #expect(PackedFrames.unpack(packed + [0], size: Int64(frames.count), check: check) == nil, "bytes after the frame")
        #expect(PackedFrames.unpack(Array(packed.dropLast()), size: Int64(frames.count), check: check) == nil)
        #expect(PackedFrames.unpack(Array(repeating: 0x28, count: 64), size: 10_000, check: 0) == nil)
        #expect(PackedFrames.unpack(packed, size: Int64(PackedFrames.maxSize) + 1, check: check) == nil)
    }

    @Test func aPackedEnvelopeRoundTripsAndRefusesDamage() throws {
        let frames = Self.listing(bytes: 300_000).bytes
        let envelope = RemoteEnvelope(exitCode: 0, createdMs: 1_000, expiresMs: 61_000, durationMs: 5, marks: [3], frames: frames)
        let bytes = envelope.encode(cid: "bafkreienv")
        #expect(bytes[4] == RemoteEnvelope.packedVersion && bytes.count < frames.count / 4)
        let decoded = try RemoteEnvelope.decode(bytes, cid: "bafkreienv").get()
        #expect(decoded == envelope && decoded.packed != nil)
        #expect(decoded.encode(cid: "bafkreienv") == bytes, "the packed bytes are sent on as they came")
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x01
        #expect(throws: RemoteEnvelope.Corruption.checksumMismatch) { try RemoteEnvelope.decode(flipped, cid: "bafkreienv").get() }
        // Damage under a digest made for it (a writer's bug, not bit rot): unpacked and refused.
        var forged = Array(flipped.dropLast(RemoteEnvelope.digestSize))
        forged += forged.withUnsafeBytes { RemoteEnvelope.digest(cid: "bafkreienv", $0) }
        #expect(throws: RemoteEnvelope.Corruption.badPacking) { try RemoteEnvelope.decode(forged, cid: "bafkreienv").get() }
        let small = RemoteEnvelope(exitCode: 0, createdMs: 1_000, expiresMs: 61_000, durationMs: 5, frames: StoreTests.transcript("hi").bytes)
        #expect(small.encode(cid: "c")[4] == RemoteEnvelope.version, "a small value stays version 3")
    }

    /// A version-5 store (no codec, no stored size, no validators) is upgraded in place: its entries replay.
    @Test func aVersion5StoreIsUpgradedAndItsEntriesReplay() throws {
        let cache = StoreTests.TempCache()
        let t = StoreTests.transcript("five\n")
        do {
            let store = try cache.open()
            try store.save(StoreTests.info("bafkreifive", transcript: t), transcript: t)
        }
        let db = try SQLiteDatabase(path: cache.location.databasePath)
        try db.execute("""
            DROP INDEX outputs_packed; ALTER TABLE outputs DROP COLUMN codec; ALTER TABLE outputs DROP COLUMN stored_size;
            ALTER TABLE entries DROP COLUMN etag; ALTER TABLE entries DROP COLUMN last_modified;
            PRAGMA user_version=5;
            """)
        let store = try cache.open()
        #expect(try store.lookup("bafkreifive").found?.frames == t.bytes)
        #expect(try db.scalar("PRAGMA user_version") == Store.schemaVersion)
        #expect(try db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'outputs_packed'") == 1)
        #expect(try store.sizeByTool()["gh"]?.stored == 5)
    }
}
