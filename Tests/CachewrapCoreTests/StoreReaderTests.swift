import Foundation
import Testing

@testable import CachewrapCore

/// The read-only open (`Store.forReading`) in the process: any directory name reaches SQLite
/// intact, a missing store reads as empty without being made, and a read-only store never moves
/// a damaged file aside. The end-to-end tests cover other users' caches and read-only mounts.
@Suite struct StoreReaderTests {
    @Test func pathsAreEscapedForSQLiteURIs() {
        #expect(Store.uri("/a b/c%d?e#f/cache.db", query: "mode=ro") == "file:///a b/c%25d%3Fe%23f/cache.db?mode=ro")
        #expect(Store.uri("rel/cache.db", query: "immutable=1") == "file:rel/cache.db?immutable=1")
    }

    @Test func anOddDirectoryNameIsReadBack() throws {
        let cache = StoreTests.TempCache()
        let location = CacheLocation(directory: cache.root + "/we?ird #100%")
        let writer = try Store(location: location)
        try writer.save(StoreTests.info("bafkreiodd"), transcript: StoreTests.transcript("odd\n"))
        let reader = try Store.forReading(location)
        #expect(try reader.list().map(\.cid) == ["bafkreiodd"])
        #expect(try reader.frames(cid: "bafkreiodd") == StoreTests.transcript("odd\n").bytes)
    }

    @Test func aMissingStoreIsEmptyAndStaysMissing() throws {
        let cache = StoreTests.TempCache()
        let reader = try Store.forReading(cache.location)
        #expect(try reader.list().isEmpty && reader.counters().isEmpty && reader.size() == (0, 0))
        #expect(try reader.lookup("bafkreix").found == nil)
        #expect(!FileManager.default.fileExists(atPath: cache.location.directory))
        #expect(!Store.canWrite(cache.location), "nothing to write to yet")
    }

    @Test func aDamagedStoreIsReportedNotMovedAside() throws {
        let cache = StoreTests.TempCache()
        try FileManager.default.createDirectory(atPath: cache.location.directory, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: cache.location.databasePath))
        #expect(throws: CachewrapError.self) { try Store.forReading(cache.location).list() }
        #expect(FileManager.default.fileExists(atPath: cache.location.databasePath), "left where it was")
        #expect(FileManager.default.subpaths(atPath: cache.location.directory) == ["cache.db"])
    }
}
