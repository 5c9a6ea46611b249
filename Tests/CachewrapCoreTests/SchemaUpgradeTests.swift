import Testing

@testable import CachewrapCore

/// A version-4 store is upgraded in place to the current version: its entries and lifetime
/// counters stay, and the tables and columns versions 5, 6 and 7 added exist (docs/architecture.md, Store).
@Suite struct SchemaUpgradeTests {
    @Test func aVersion4StoreKeepsItsEntriesAndCounters() throws {
        let cache = StoreTests.TempCache()
        do {
            let store = try cache.open()
            try store.save(StoreTests.info("c1", transcript: StoreTests.transcript("one\n")),
                           transcript: StoreTests.transcript("one\n"), counting: [.misses: 3])
        }
        // Back to version 4 as it was: without version 5's, 6's and 7's columns and tables.
        let db = try SQLiteDatabase(path: cache.location.databasePath)
        try db.execute("""
            DROP TABLE hourly; DROP TABLE refreshes;
            ALTER TABLE entries DROP COLUMN cost_micros; ALTER TABLE entries DROP COLUMN tokens;
            ALTER TABLE entries DROP COLUMN etag; ALTER TABLE entries DROP COLUMN last_modified;
            DROP INDEX outputs_packed; ALTER TABLE outputs DROP COLUMN codec; ALTER TABLE outputs DROP COLUMN stored_size;
            PRAGMA user_version=4;
            """)

        let store = try cache.open()
        #expect(try store.counters()["gh"]?[.misses] == 3)
        #expect(try store.entry(prefix: "c1").cid == "c1")
        let upgraded = try SQLiteDatabase(path: cache.location.databasePath)
        #expect(try upgraded.scalar("PRAGMA user_version") == Store.schemaVersion)
        #expect(try upgraded.scalar("SELECT COUNT(*) FROM hourly") == 0)
        #expect(try upgraded.scalar("SELECT COUNT(*) FROM refreshes") == 0)
        #expect(try upgraded.scalar("SELECT SUM(cost_micros + tokens) FROM entries") == 0)
        #expect(try upgraded.scalar("SELECT SUM(codec) FROM outputs") == 0)
        #expect(try upgraded.scalar("SELECT COUNT(*) FROM entries WHERE etag IS NULL AND last_modified IS NULL") == 1)
    }

    /// A version-6 store gains the validators' columns; its entries have none, so each is
    /// fetched in full once before it can be revalidated.
    @Test func aVersion6StoreGainsValidators() throws {
        let cache = StoreTests.TempCache()
        do {
            var info = StoreTests.info("c1", transcript: StoreTests.transcript("one\n"))
            info.validator = Validator(etag: "W/\"1\"", lastModified: nil)
            try cache.open().save(info, transcript: StoreTests.transcript("one\n"))
            #expect(try cache.open().validator(cid: "c1") == info.validator)
        }
        let db = try SQLiteDatabase(path: cache.location.databasePath)
        try db.execute("ALTER TABLE entries DROP COLUMN etag; ALTER TABLE entries DROP COLUMN last_modified; PRAGMA user_version=6;")
        let store = try cache.open()
        #expect(try store.entry(prefix: "c1").cid == "c1")
        #expect(try store.validator(cid: "c1") == nil)
        #expect(try SQLiteDatabase(path: cache.location.databasePath).scalar("PRAGMA user_version") == 7)
    }
}
