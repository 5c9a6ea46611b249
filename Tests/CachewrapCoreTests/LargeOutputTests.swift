import Foundation
import Testing

@testable import CachewrapCore

/// Outputs too large for memory (100 MiB with a bounded resident size; docs/architecture.md, Performance targets): they are
/// recorded into a spill file, stored as a content-addressed blob file, replayed in pieces, and
/// removed with their entry; `gc` sweeps what a crash left.
@Suite struct LargeOutputTests {
    /// A spill file holding `count` frames of `size` bytes alternating between the streams.
    static func spill(in directory: String, frames count: Int, size: Int) throws -> (SpillFile, [UInt8]) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = try #require(SpillFile.create(in: directory))
        var stdout: [UInt8] = []
        for i in 0..<count {
            let chunk = [UInt8]((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) })
            let stream: UInt8 = i % 3 == 2 ? 2 : 1
            if stream == 1 { stdout += chunk }
            _ = chunk.withUnsafeBytes { file.append(stream: stream, $0) }
        }
        return (file, stdout)
    }

    @Test func spilledOutputIsStoredAsABlobAndRemovedWithItsEntry() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        let (file, stdout) = try Self.spill(in: cache.location.directory, frames: 30, size: 100_000)
        let info = StoreTests.info("bafkreibig")
        try store.save(info, transcript: Transcript(), spill: file)
        let cached = try #require(try store.lookup("bafkreibig").found)
        #expect((cached.blob != nil) && cached.frames.isEmpty)
        #expect(FileManager.default.fileExists(atPath: cached.blob!.path))
        let frames = try store.frames(cid: "bafkreibig")
        #expect(Transcript(frames: frames)?.stream(1) == stdout, "the blob holds every frame in order")
        #expect(try store.size().bytes == Int64(frames.count))
        let spills = try FileManager.default.contentsOfDirectory(atPath: cache.location.directory).filter { $0.hasPrefix("spill.") }
        #expect(spills.isEmpty, "the spill file became the blob")
        try store.remove(cids: ["bafkreibig"])
        #expect(!FileManager.default.fileExists(atPath: cached.blob!.path), "the blob goes with its last entry")
    }

    @Test func frameStreamWriterHandlesFramesSplitAcrossPieces() throws {
        let cache = StoreTests.TempCache()
        let (file, _) = try Self.spill(in: cache.root, frames: 3, size: 10)
        let store = try cache.open()
        try store.save(StoreTests.info("bafkreismall"), transcript: Transcript(), spill: file)
        let frames = try store.frames(cid: "bafkreismall")
        // Feed the frames one byte at a time to a writer bound to /dev/null: it must stay in sync.
        let saved = dup(1)
        let null = open("/dev/null", O_WRONLY)
        dup2(null, 1)
        defer { dup2(saved, 1); close(saved); close(null) }
        var writer = FrameStreamWriter()
        for byte in frames { [byte].withUnsafeBytes { writer.feed($0) } }
        #expect(writer.ok)
        var broken = FrameStreamWriter()
        [UInt8(9), 1, 0, 0, 0, 65].withUnsafeBytes { broken.feed($0) }
        #expect(!broken.ok, "a stream byte other than 1 or 2 is malformed")
    }

    @Test func gcSweepsStraySpillAndBlobFiles() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        let dir = cache.location.directory
        try FileManager.default.createDirectory(atPath: dir + "/blobs", withIntermediateDirectories: true)
        let old = Date(timeIntervalSinceNow: -7200)
        for path in [dir + "/spill.abc123", dir + "/blobs/00ff", dir + "/hits.log.folding-1"] {
            FileManager.default.createFile(atPath: path, contents: Data("x".utf8))
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        }
        FileManager.default.createFile(atPath: dir + "/spill.fresh", contents: Data("x".utf8))
        #expect(try store.sweepFiles() == 3)
        #expect(FileManager.default.fileExists(atPath: dir + "/spill.fresh"), "a young spill may belong to a run")
        #expect(FileManager.default.fileExists(atPath: dir + "/cache.db"))
    }
}
