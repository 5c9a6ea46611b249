import Foundation
import Testing

@testable import CachewrapCore

/// `bench-populate` must fill a store as misses would (bench/scale.sh measures hits and
/// evictions among its entries): a row and a checked hot file for every entry, a blob file for
/// each large output, all from one batch save.
@Suite struct BenchPopulateTests {
    @Test func aBatchSaveMakesRowsHotFilesAndBlobs() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        let every = BenchPopulateCommand.blobEvery
        let indices = [0, 1, every - 1, every, 2 * every - 1]
        let entries = try indices.map { i throws(CachewrapError) in try store.benchEntry(i, tool: "bench", createdMs: 1_000 + Int64(i)) }
        try store.save(entries)
        #expect(try store.size().entries == Int64(indices.count))
        for entry in entries {
            guard case .found(let hot) = HotFile.read(cache: cache.location.directory, cid: entry.info.cid) else {
                Issue.record("no hot file for \(entry.info.display)")
                continue
            }
            let row = try #require(try store.lookup(entry.info.cid).found)
            #expect(hot.blob == row.blob && hot.frames == row.frames && hot.createdMs == entry.info.createdMs)
        }
        let blobs = try FileManager.default.contentsOfDirectory(atPath: cache.location.directory + "/blobs")
        #expect(blobs.count == 2, "one blob file per large output")
        let large = try #require(try store.lookup(entries[2].info.cid).found?.blob)
        #expect(large.size > Int64(OutputPump.memoryLimit), "a large output is one a miss would have spilled")
        #expect(try store.frames(cid: entries[2].info.cid).count == Int(large.size), "its blob passes its checks")
        let spills = try FileManager.default.contentsOfDirectory(atPath: cache.location.directory).filter { $0.hasPrefix("spill.") }
        #expect(spills.isEmpty, "every spill file became a blob")
    }
}
