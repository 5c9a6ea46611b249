import Foundation
import Testing

@testable import CachewrapCore

/// Batched eviction (`Store.evict(toFit:batch:)`) must evict exactly what evicting one entry at
/// a time in LRU order would, whatever the batch size and wherever a batch boundary falls
/// (between two entries of one shared output, on the entry that makes the store fit); hot files
/// and blob files go with their entries; `bench-populate`'s batch save makes what a miss makes.
@Suite struct EvictionTests {
    /// Nine entries, last used in this order, over six outputs of distinct sizes: "a" is shared
    /// by entries 0, 3 and 7, "b" by 1 and 2 (adjacent), "c" by 4 and 8 (the ends of a batch of 4).
    static let outputs = ["a", "b", "b", "a", "c", "d", "e", "a", "c"]
    static let sizes: [String: Int] = ["a": 40, "b": 70, "c": 110, "d": 130, "e": 170]

    static func cid(_ i: Int) -> String { "bafkreievict\(i)" }

    static func transcript(_ output: String) -> Transcript {
        StoreTests.transcript(String(repeating: output, count: sizes[output]!))
    }

    static func filled(_ cache: StoreTests.TempCache) throws -> Store {
        let store = try cache.open()
        for (i, output) in outputs.enumerated() {
            try store.save(StoreTests.info(cid(i), tool: i % 2 == 0 ? "gh" : "hf", created: 1_000 + Int64(i)),
                           transcript: transcript(output))
        }
        return store
    }

    /// The bytes of the distinct outputs of these entries.
    static func bytes(of entries: some Sequence<Int>) -> Int64 {
        Set(entries.map { outputs[$0] }).reduce(0) { $0 + Int64(transcript($1).bytes.count) }
    }

    /// What one-at-a-time LRU eviction leaves: entries go in order until the distinct outputs
    /// of the survivors fit.
    static func expectedSurvivors(fitting maxBytes: Int64) -> Set<String> {
        let first = outputs.indices.first { bytes(of: $0..<outputs.count) <= maxBytes } ?? outputs.count
        return Set((first..<outputs.count).map(cid))
    }

    @Test(arguments: [1, 2, 3, 4, 9, 10_000])
    func everyBatchSizeEvictsWhatOneAtATimeWould(batch: Int) throws {
        // Every size the store passes through while evicting, and one byte either side.
        let limits = Set((0...Self.outputs.count).flatMap { k -> [Int64] in
            let left = Self.bytes(of: k..<Self.outputs.count)
            return [left - 1, left, left + 1]
        }).filter { $0 >= 0 }
        for limit in limits.sorted() {
            let cache = StoreTests.TempCache()
            let store = try Self.filled(cache)
            let expected = Self.expectedSurvivors(fitting: limit)
            // Hot files handed to the unlinking threads two at a time: chunks end mid-batch.
            let evicted = try store.evict(toFit: limit, batch: batch, unlinkChunk: 2)
            let survivors = Set(try store.list().map(\.cid))
            #expect(survivors == expected, "batch \(batch), limit \(limit)")
            #expect(evicted == Self.outputs.count - expected.count)
            #expect(try store.size().bytes <= limit)
            let counted = try store.counters().values.reduce(Int64(0)) { $0 + $1[.evictions] }
            #expect(counted == Int64(evicted), "every eviction counted once, per tool")
            for i in Self.outputs.indices {
                let hot = FileManager.default.fileExists(atPath: HotFile.path(cache.location.directory, Self.cid(i)))
                #expect(hot == survivors.contains(Self.cid(i)), "a hot file lives exactly as long as its entry")
            }
            #expect(try store.db.scalar("SELECT COUNT(*) FROM outputs WHERE id NOT IN (SELECT output_id FROM entries)") == 0)
        }
    }

    @Test func blobFilesGoWithTheirLastEntry() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        let dir = cache.location.directory
        // Entries 2 and 3 record the same output: one blob file. Spill files are released in
        // the block, so none is left for the sweep at the end.
        for (i, frames) in [3, 2, 2].enumerated() {
            let (file, _) = try LargeOutputTests.spill(in: dir, frames: frames, size: 1000)
            try store.save(StoreTests.info("bafkreiblob\(i + 1)", created: 1_000 * Int64(i + 1)), transcript: Transcript(), spill: file)
        }
        let sharedPath = try #require(try store.lookup("bafkreiblob2").found?.blob?.path)
        let alonePath = try #require(try store.lookup("bafkreiblob1").found?.blob?.path)
        // Fitting the shared blob alone: the lone blob goes, then entry 2 (its blob still named by 3).
        let sharedSize = try store.db.scalar("SELECT size FROM outputs WHERE frames IS NULL ORDER BY size LIMIT 1")
        #expect(try store.evict(toFit: sharedSize, batch: 1) == 1)
        #expect(!FileManager.default.fileExists(atPath: alonePath))
        #expect(FileManager.default.fileExists(atPath: sharedPath))
        #expect(try store.evict(toFit: 0, batch: 1) == 2)
        #expect(!FileManager.default.fileExists(atPath: sharedPath), "the last entry takes the shared blob")
        #expect(try store.sweepFiles(minimumAgeSeconds: -10) == 0, "nothing left behind for the sweep")
    }

    @Test func sweepKeepsNamedBlobsAndRemovesTheRest() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        let dir = cache.location.directory
        let (file, _) = try LargeOutputTests.spill(in: dir, frames: 2, size: 1000)
        try store.save(StoreTests.info("bafkreikept"), transcript: Transcript(), spill: file)
        let kept = try #require(try store.lookup("bafkreikept").found?.blob?.path)
        let stray = dir + "/blobs/" + String(repeating: "ab", count: 32)
        _ = FileManager.default.createFile(atPath: stray, contents: Data("x".utf8))
        #expect(try store.sweepFiles(minimumAgeSeconds: -10) == 1)
        #expect(FileManager.default.fileExists(atPath: kept))
        #expect(!FileManager.default.fileExists(atPath: stray))
        #expect(Store.hashOfBlob(named: "AB" + String(repeating: "0", count: 62)) == nil, "names are lowercase")
    }

    @Test(arguments: [0, 1, FileRemoval.threadMinimum - 1, FileRemoval.threadMinimum, 1000])
    func fileRemovalRemovesEveryFile(count: Int) throws {
        let cache = StoreTests.TempCache()
        let dir = cache.root + "/f"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var names = PackedNames()
        for i in 0..<count {
            _ = FileManager.default.createFile(atPath: dir + "/bafkrei\(i)", contents: Data())
            names.append("bafkrei\(i)")
        }
        names.append("missing")
        let removal = FileRemoval(directory: dir, names: names)
        removal.wait()
        removal.wait()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func packedNamesKeepTheirText() {
        var names = PackedNames()
        let words = ["bafkreiz", "bafkreia", "", "bafkreiab", "bafkrei\u{e9}"]
        for word in words { names.append(word) }
        #expect((0..<names.count).map { names[$0] } == words)
    }
}
