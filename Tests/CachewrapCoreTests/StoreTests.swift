import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// Guards the SQLite CID store (docs/architecture.md, Store): exact round trips of frames and exit codes,
/// private file modes, content-addressed outputs stored once, hit/counter bookkeeping, removal,
/// LRU eviction, prefix lookup, persistence across reopen, and recovery from a corrupt database.
@Suite struct StoreTests {
    /// A fresh, not yet existing cache directory under a new temporary directory.
    final class TempCache {
        let root: String
        let location: CacheLocation

        init() {
            var template = Array((NSTemporaryDirectory() + "/cachewrap-store-XXXXXX").utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
            root = made.map { String(cString: $0) } ?? NSTemporaryDirectory() + "/cachewrap-store-\(UUID())"
            location = CacheLocation(directory: root + "/nested/cache")
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        func open() throws -> Store { try Store(location: location) }
    }

    static func info(_ cid: String, tool: String = "gh", operation: String = "pr list", scope: Scope = .tool("gh"),
                     created: Int64 = 1_000, expires: Int64 = 61_000, exit: Int32 = 0,
                     transcript: Transcript = Transcript()) -> EntryInfo {
        EntryInfo(cid: cid, tool: tool, operation: operation, display: "\(tool) \(operation)", scope: scope,
                  createdMs: created, expiresMs: expires, exitCode: exit, durationMs: 42,
                  stdoutBytes: Int64(transcript.stdoutCount), stderrBytes: Int64(transcript.stderrCount))
    }

    static func transcript(_ out: String, err: String = "") -> Transcript {
        var t = Transcript()
        t.append(stream: 1, Array(out.utf8))
        t.append(stream: 2, Array(err.utf8))
        return t
    }

    static func mode(_ path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o777 : nil
    }

    @Test func saveThenLookupIsExact() throws {
        let cache = TempCache()
        let store = try cache.open()
        var t = Transcript()
        t.append(stream: 1, (0...255).map { UInt8($0) })
        t.append(stream: 2, Array("warning\n".utf8))
        t.append(stream: 1, [0, 0, 0xff])
        let info = Self.info("bafkreiaaa", created: 5_000, expires: 65_000, exit: 3, transcript: t)
        try store.save(info, transcript: t)
        let hit = try #require(try store.lookup("bafkreiaaa").found)
        #expect(hit.frames == t.bytes)
        #expect(hit.exitCode == 3)
        #expect(hit.createdMs == 5_000)
        #expect(hit.expiresMs == 65_000)
        #expect(hit.durationMs == 42)
        #expect(try store.lookup("bafkreizzz").found == nil)

        let listed = try store.list()
        #expect(listed.count == 1)
        #expect(listed.first?.stdoutBytes == 259)
        #expect(listed.first?.stderrBytes == 8)
        #expect(listed.first?.display == "gh pr list")
        #expect(try store.frames(cid: "bafkreiaaa") == t.bytes)
    }

    @Test func negativeExitCodeAndZeroLengthOutputRoundTrip() throws {
        let cache = TempCache()
        let store = try cache.open()
        try store.save(Self.info("bafkreiempty", exit: -1), transcript: Transcript())
        let hit = try #require(try store.lookup("bafkreiempty").found)
        #expect(hit.frames.isEmpty)
        #expect(hit.exitCode == -1)
        #expect(try store.size().entries == 1)
    }

    @Test func privateModes() throws {
        let cache = TempCache()
        let store = try cache.open()
        try store.save(Self.info("bafkreimode"), transcript: Self.transcript("x"))
        #expect(Self.mode(cache.location.directory) == 0o700)
        #expect(Self.mode(cache.location.databasePath) == 0o600)
        if let wal = Self.mode(cache.location.databasePath + "-wal") { #expect(wal == 0o600) }
    }

    @Test func replacingAnEntry() throws {
        let cache = TempCache()
        let store = try cache.open()
        try store.save(Self.info("bafkreirep", exit: 0), transcript: Self.transcript("old"))
        HitLog.append(directory: store.location.directory, cid: "bafkreirep", tool: "gh", durationMs: 1, stale: false)
        try store.save(Self.info("bafkreirep", created: 2_000, expires: 9_000, exit: 1), transcript: Self.transcript("new"))
        let hit = try #require(try store.lookup("bafkreirep").found)
        #expect(hit.frames == Self.transcript("new").bytes)
        #expect(hit.exitCode == 1)
        #expect(hit.expiresMs == 9_000)
        #expect(try store.list().count == 1)
        // The old output has no entry any more and is gone.
        #expect(try store.db.scalar("SELECT COUNT(*) FROM outputs") == 1)
    }

    @Test func identicalOutputsAreStoredOnce() throws {
        let cache = TempCache()
        let store = try cache.open()
        let same = Self.transcript("same output\n", err: "same warning\n")
        try store.save(Self.info("bafkreione"), transcript: same)
        try store.save(Self.info("bafkreitwo", operation: "issue list"), transcript: same)
        try store.save(Self.info("bafkreithree"), transcript: Self.transcript("other"))
        #expect(try store.db.scalar("SELECT COUNT(*) FROM outputs") == 2)
        #expect(try store.db.scalar("SELECT COUNT(DISTINCT output_id) FROM entries") == 2)
        #expect(try store.size().bytes == Int64(same.bytes.count + Self.transcript("other").bytes.count))
        // Removing one sharer keeps the output for the other.
        #expect(try store.remove(cids: ["bafkreione"]) == 1)
        #expect(try store.lookup("bafkreitwo").found?.frames == same.bytes)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM outputs") == 2)
        #expect(try store.remove(cids: ["bafkreitwo"]) == 1)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM outputs") == 1)
    }

    @Test func outputsAreBlobs() throws {
        let cache = TempCache()
        let store = try cache.open()
        try store.save(Self.info("bafkreiblob"), transcript: Self.transcript("text that could be TEXT"))
        try store.save(Self.info("bafkreinil"), transcript: Transcript())
        #expect(try store.db.scalar("SELECT COUNT(*) FROM outputs WHERE typeof(frames) <> 'blob'") == 0)
    }

    /// Hits are appended to the hit log and folded in by the next writer or management command.
    @Test func loggedHitsAreFoldedIntoEntriesAndCounters() throws {
        let cache = TempCache()
        let store = try cache.open()
        try store.save(Self.info("bafkreihit", created: 1_000), transcript: Self.transcript("x"),
                       counting: [.misses: 1, .callsMade: 1])
        let before = Clock.nowMs()
        for _ in 0..<2 {
            HitLog.append(directory: store.location.directory, cid: "bafkreihit", tool: "gh", durationMs: 42, stale: false)
        }
        #expect(try store.entry(prefix: "bafkreihit").hits == 0, "not folded yet")
        try store.foldHitLog()
        let entry = try store.entry(prefix: "bafkreihit")
        #expect(entry.hits == 2)
        #expect(entry.lastUsedMs >= before)
        let gh = try #require(try store.counters()["gh"])
        #expect(gh[.hits] == 2)
        #expect(gh[.misses] == 1)
        #expect(gh[.callsMade] == 1)
        #expect(gh[.callsSaved] == 2)
        #expect(gh[.timeSavedMs] == 84)
        #expect(gh.hitRate == 2.0 / 3.0)
    }

    @Test func countersAddPerTool() throws {
        let cache = TempCache()
        let store = try cache.open()
        try store.count(tool: "gh", [.passthrough: 2])
        try store.count(tool: "gh", [.passthrough: 3, .retries: 1])
        try store.count(tool: "hf", [.passthrough: 1])
        let counters = try store.counters()
        #expect(counters["gh"]?[.passthrough] == 5)
        #expect(counters["gh"]?[.retries] == 1)
        #expect(counters["hf"]?[.passthrough] == 1)
        #expect(CounterSet().hitRate == 0)
    }

    @Test func removeByCID() throws {
        let cache = TempCache()
        let store = try cache.open()
        for cid in ["bafkreia", "bafkreib", "bafkreic"] { try store.save(Self.info(cid), transcript: Self.transcript(cid)) }
        #expect(try store.remove(cids: ["bafkreia", "bafkreic", "bafkreinone"]) == 2)
        #expect(try store.list().map(\.cid) == ["bafkreib"])
        #expect(try store.db.scalar("SELECT COUNT(*) FROM outputs") == 1)
    }

    @Test func removeByToolAndOperation() throws {
        let cache = TempCache()
        let store = try cache.open()
        try store.save(Self.info("bafkrei1", operation: "pr list"), transcript: Self.transcript("1"))
        try store.save(Self.info("bafkrei2", operation: "pr view"), transcript: Self.transcript("2"))
        try store.save(Self.info("bafkrei4", tool: "hf", operation: "models info"), transcript: Self.transcript("4"))
        #expect(try store.remove(tool: "gh", operation: "pr list") == 1)
        #expect(Set(try store.list().map(\.cid)) == ["bafkrei2", "bafkrei4"])
        #expect(try store.remove(tool: "gh") == 1)
        #expect(try store.list().map(\.cid) == ["bafkrei4"])
        #expect(try store.list(tool: "hf").count == 1)
        #expect(try store.list(tool: "gh").isEmpty)
    }

    /// A mutation of one repository drops that repository's answers and the host's own (a
    /// search may show it), not another repository's; a host-wide mutation drops them all.
    @Test func removeChangedByScope() throws {
        let cache = TempCache()
        let store = try cache.open()
        let host = Scope(area: "gh:github.com"), a = Scope(area: "gh:github.com", item: "o/a")
        let b = Scope(area: "gh:github.com", item: "o/b"), other = Scope(area: "gh:ghe.corp", item: "o/a")
        for (cid, scope) in [("bafkreihost", host), ("bafkreia", a), ("bafkreib", b), ("bafkreiother", other)] {
            try store.save(Self.info(cid, scope: scope), transcript: Self.transcript(cid))
        }
        #expect(try store.remove(changedBy: a) == 2)
        #expect(Set(try store.list().map(\.cid)) == ["bafkreib", "bafkreiother"])
        #expect(try store.remove(changedBy: host) == 1)
        #expect(try store.list().map(\.cid) == ["bafkreiother"])
        #expect(try store.list().first?.scope == other, "the scope is stored and read back")
    }

    @Test func removeExpired() throws {
        let cache = TempCache()
        let store = try cache.open()
        try store.save(Self.info("bafkreiold", expires: 1_000), transcript: Self.transcript("old"))
        try store.save(Self.info("bafkreiedge", expires: 2_000), transcript: Self.transcript("edge"))
        try store.save(Self.info("bafkreinew", expires: 3_000), transcript: Self.transcript("new"))
        #expect(try store.removeExpired(before: 2_000) == 2)
        #expect(try store.list().map(\.cid) == ["bafkreinew"])
        let fresh = Clock.nowMs() + 3_600_000
        try store.save(Self.info("bafkreilater", expires: fresh), transcript: Self.transcript("later"))
        #expect(try store.removeExpired() == 1)
        #expect(try store.list().map(\.cid) == ["bafkreilater"])
    }

    @Test func clearDropsEntriesButKeepsCounters() throws {
        let cache = TempCache()
        let store = try cache.open()
        try store.save(Self.info("bafkreix"), transcript: Self.transcript("x"), counting: [.misses: 1])
        try store.save(Self.info("bafkreiy"), transcript: Self.transcript("y"))
        try store.clear()
        #expect(try store.list().isEmpty)
        #expect(try store.size().entries == 0)
        #expect(try store.size().bytes == 0)
        #expect(try store.db.scalar("SELECT COUNT(*) FROM outputs") == 0)
        #expect(try store.counters()["gh"]?[.misses] == 1)
    }

    @Test func evictionIsLeastRecentlyUsedFirst() throws {
        let cache = TempCache()
        let store = try cache.open()
        let outputs = ["a", "b", "c"].map { Self.transcript(String(repeating: $0, count: 100)) }
        let size = Int64(outputs[0].bytes.count)
        #expect(outputs.allSatisfy { Int64($0.bytes.count) == size })
        try store.save(Self.info("bafkreilru1", created: 1_000), transcript: outputs[0])
        try store.save(Self.info("bafkreilru2", tool: "hf", created: 2_000), transcript: outputs[1])
        try store.save(Self.info("bafkreilru3", created: 3_000), transcript: outputs[2])
        // Using the oldest makes the second the least recently used.
        HitLog.append(directory: store.location.directory, cid: "bafkreilru1", tool: "gh", durationMs: 1, stale: false)
        try store.foldHitLog()
        let total = try store.size().bytes
        #expect(try store.evict(toFit: total) == 0)
        let evicted = try store.evict(toFit: total - 1)
        #expect(evicted == 1)
        #expect(Set(try store.list().map(\.cid)) == ["bafkreilru1", "bafkreilru3"])
        #expect(try store.counters()["hf"]?[.evictions] == 1)
        // Fit one output: the next least recently used (lru3, last used at 3 000) goes.
        #expect(try store.evict(toFit: size) == 1)
        #expect(try store.list().map(\.cid) == ["bafkreilru1"])
        #expect(try store.counters()["gh"]?[.evictions] == 1)
        #expect(try store.size().bytes <= size)
        #expect(try store.evict(toFit: 0) == 1)
        #expect(try store.size().entries == 0)
        #expect(try store.size().bytes == 0)
        #expect(try store.counters()["gh"]?[.evictions] == 2)
    }

    @Test func evictionCountsSharedOutputsOnce() throws {
        let cache = TempCache()
        let store = try cache.open()
        let shared = Self.transcript(String(repeating: "s", count: 100))
        let other = Self.transcript(String(repeating: "o", count: 100))
        try store.save(Self.info("bafkreisha", created: 1_000), transcript: shared)
        try store.save(Self.info("bafkreishb", created: 2_000), transcript: shared)
        try store.save(Self.info("bafkreioth", created: 3_000), transcript: other)
        let total = try store.size().bytes
        #expect(total == Int64(shared.bytes.count + other.bytes.count))
        // Fitting one output needs both entries of the shared one gone, not just the first.
        #expect(try store.evict(toFit: total - 1) == 2)
        #expect(try store.size().bytes <= total - 1)
        #expect(try store.list().map(\.cid) == ["bafkreioth"])
    }

    @Test func entryByPrefix() throws {
        let cache = TempCache()
        let store = try cache.open()
        try store.save(Self.info("bafkreiabc1"), transcript: Self.transcript("1"))
        try store.save(Self.info("bafkreiabc2"), transcript: Self.transcript("2"))
        try store.save(Self.info("bafkreixyz"), transcript: Self.transcript("3"))
        #expect(try store.entry(prefix: "bafkreixy").cid == "bafkreixyz")
        #expect(try store.entry(prefix: "bafkreiabc2").cid == "bafkreiabc2")
        #expect(throws: CachewrapError.noEntry("bafkreiq")) { try store.entry(prefix: "bafkreiq") }
        #expect(throws: CachewrapError.noEntry("")) { try store.entry(prefix: "") }
        #expect(throws: CachewrapError.ambiguousPrefix("bafkreiabc", 2)) { try store.entry(prefix: "bafkreiabc") }
        #expect(throws: CachewrapError.self) { try store.entry(prefix: "bafkrei_") }
        #expect(throws: CachewrapError.self) { try store.entry(prefix: "bafkrei%") }
    }

    @Test func countersAndEntriesSurviveReopening() throws {
        let cache = TempCache()
        do {
            let store = try cache.open()
            try store.save(Self.info("bafkreikeep"), transcript: Self.transcript("kept"), counting: [.misses: 1])
            try store.count(tool: "gh", [.hits: 4, .retries: 2])
        }
        let reopened = try cache.open()
        let gh = try #require(try reopened.counters()["gh"])
        #expect(gh[.hits] == 4)
        #expect(gh[.retries] == 2)
        #expect(gh[.misses] == 1)
        #expect(try reopened.lookup("bafkreikeep").found?.frames == Self.transcript("kept").bytes)
    }

    /// Each cachewrap process is one short connection that leaves the WAL behind. The WAL must
    /// still stay short (the next process re-reads all of it), and nothing may be lost when it
    /// is truncated. 300 connections of one save each wrote about 2,400 pages; SQLite's own
    /// auto-checkpoint would have left them all in the WAL.
    @Test func theWALStaysShortAcrossManyShortConnections() throws {
        let cache = TempCache()
        var largest: Int64 = 0
        for i in 0..<300 {
            let store = try cache.open()
            try store.save(Self.info("bafkreiwal\(i)", operation: "pr view \(i)"), transcript: Self.transcript("answer \(i)\n"))
            var st = stat()
            if stat(cache.location.databasePath + "-wal", &st) == 0 { largest = max(largest, Int64(st.st_size)) }
        }
        let pageWithHeader = Int64(4096 + 24)
        #expect(largest > 0, "the WAL is kept between connections")
        #expect(largest <= (Int64(Store.walPages) + 16) * pageWithHeader + 32, "WAL reached \(largest) bytes")
        let store = try cache.open()
        for i in [0, 150, 299] {
            #expect(try store.lookup("bafkreiwal\(i)").found?.frames == Self.transcript("answer \(i)\n").bytes)
        }
    }

    @Test func corruptDatabaseIsMovedAsideAndRecreated() throws {
        let cache = TempCache()
        try FileManager.default.createDirectory(atPath: cache.location.directory, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let garbage = (0..<8192).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        try Data(garbage).write(to: URL(fileURLWithPath: cache.location.databasePath))
        let store = try cache.open()
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.location.directory)
        let aside = names.filter { $0.hasPrefix("cache.db.corrupt-") }
        #expect(aside.count == 1)
        if let name = aside.first {
            let kept = try Data(contentsOf: URL(fileURLWithPath: cache.location.directory + "/" + name))
            #expect([UInt8](kept) == garbage)
        }
        try store.save(Self.info("bafkreifresh"), transcript: Self.transcript("works"))
        #expect(try store.lookup("bafkreifresh").found?.frames == Self.transcript("works").bytes)
        #expect(Self.mode(cache.location.databasePath) == 0o600)
    }

    @Test func sizeByTool() throws {
        let cache = TempCache()
        let store = try cache.open()
        let t = Self.transcript("abc", err: "de")
        try store.save(Self.info("bafkreis1", transcript: t), transcript: t)
        try store.save(Self.info("bafkreis2", tool: "hf", transcript: t), transcript: t)
        let sizes = try store.sizeByTool()
        #expect(sizes["gh"]?.entries == 1)
        #expect(sizes["gh"]?.bytes == 5)
        #expect(sizes["hf"]?.entries == 1)
    }
}

/// The hit log asks for a fold once it passes its threshold, so a cache that only hits stays small.
@Suite struct HitLogGrowthTests {
    @Test func appendSignalsAFoldPastTheThreshold() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        let dir = store.location.directory
        var signalled = 0
        for _ in 0..<(HitLog.foldThreshold / 20) {
            if HitLog.append(directory: dir, cid: "bafkreigrowth", tool: "gh", durationMs: 1, stale: false) {
                signalled += 1
                try store.foldHitLog()
            }
        }
        #expect(signalled >= 1)
        let size = (try? FileManager.default.attributesOfItem(atPath: HitLog.path(dir))[.size] as? Int) ?? 0
        #expect(size < HitLog.foldThreshold)
    }
}
