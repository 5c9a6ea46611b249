import Testing

@testable import CachewrapCore

/// What the store records when a run replaces an entry (RefreshLog.swift): identical or not,
/// the old entry's TTL, age and hits, which replacements count, and that the table stays bounded.
@Suite struct RefreshLogTests {
    /// Saves `output` for the CID `c` as made at `created` ms with a TTL of `ttl` seconds.
    static func save(_ store: Store, output: String, created: Int64, ttl: Int64 = 60, cid: String = "bafkreiref",
                     operation: String = "pr list") throws {
        let t = StoreTests.transcript(output)
        try store.save(StoreTests.info(cid, operation: operation, created: created, expires: created + ttl * 1000, transcript: t),
                       transcript: t)
    }

    @Test func aReRunAfterExpiryIsRecordedIdenticalOrNot() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        try Self.save(store, output: "same\n", created: 1_000)
        #expect(try store.refreshes(nowMs: 1_000).isEmpty, "a first run replaces nothing")
        try Self.save(store, output: "same\n", created: 70_000)
        try Self.save(store, output: "other\n", created: 140_000)
        let ops = try store.refreshes(nowMs: 140_000)
        let op = try #require(ops.count == 1 ? ops.first : nil, "\(ops)")
        #expect(op.tool == "gh" && op.operation == "pr list")
        #expect(op.records == [
            RefreshRecord(atMs: 140_000, ttlSeconds: 60, identical: false, hits: 0, ageMs: 70_000),
            RefreshRecord(atMs: 70_000, ttlSeconds: 60, identical: true, hits: 0, ageMs: 69_000),
        ])
    }

    /// Hits logged while the old entry lived are folded just before the insert, so the record
    /// carries them.
    @Test func theOldEntrysHitsAreCarried() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        try Self.save(store, output: "v1\n", created: 1_000)
        for _ in 0..<3 {
            HitLog.append(directory: store.location.directory, cid: "bafkreiref", tool: "gh", durationMs: 5, stale: false)
        }
        try Self.save(store, output: "v2\n", created: 90_000)
        let record = try #require(try store.refreshes(nowMs: 90_000).first?.records.first)
        #expect(record.hits == 3 && !record.identical)
    }

    /// Before expiry (`--refresh`, a stale-while-revalidate refresher) only a change says
    /// something; an entry stored with TTL 0 was never meant to be served.
    @Test func earlyRefreshesCountOnlyWhenTheOutputChanged() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        try Self.save(store, output: "v1\n", created: 1_000)
        try Self.save(store, output: "v1\n", created: 11_000)
        #expect(try store.refreshes(nowMs: 11_000).isEmpty, "an identical refresh 10s into a 60s TTL")
        try Self.save(store, output: "v2\n", created: 21_000)
        let records = try store.refreshes(nowMs: 21_000).first?.records ?? []
        #expect(records.count == 1 && records.first?.afterExpiry == false && records.first?.ageMs == 10_000)

        try Self.save(store, output: "a\n", created: 1_000, ttl: 0, cid: "bafkreizero")
        try Self.save(store, output: "b\n", created: 5_000, ttl: 0, cid: "bafkreizero")
        #expect(try store.refreshes(nowMs: 21_000).flatMap(\.records).count == 1, "TTL 0 records nothing")
    }

    /// A replacement that is not newer (a team-cache answer older than the row) records nothing.
    @Test func anOlderReplacementIsNoRefresh() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        try Self.save(store, output: "new\n", created: 100_000)
        try Self.save(store, output: "old\n", created: 50_000)
        #expect(try store.refreshes(nowMs: 200_000).isEmpty)
    }

    @Test func anOperationKeepsItsNewestRowsWithinTheWindow() throws {
        let cache = StoreTests.TempCache()
        let store = try cache.open()
        var at: Int64 = 1_000
        try Self.save(store, output: "x\n", created: at)
        for _ in 0..<(Store.refreshesKept + 10) {
            at += 61_000
            try Self.save(store, output: "x\n", created: at)
        }
        try Self.save(store, output: "y\n", created: 1_000, cid: "bafkreiother", operation: "repo view")
        try Self.save(store, output: "y\n", created: 70_000, cid: "bafkreiother", operation: "repo view")
        let ops = try store.refreshes(nowMs: at)
        let prs = try #require(ops.first { $0.operation == "pr list" })
        #expect(prs.records.count == Store.refreshesKept, "the oldest went")
        #expect(prs.records.first?.atMs == at && prs.records.last?.atMs == at - Int64(Store.refreshesKept - 1) * 61_000)
        #expect(ops.first { $0.operation == "repo view" }?.records.count == 1, "pruning is per operation")

        // A refresh 91 days on drops the operation's rows older than 90 days.
        let later = at + Store.refreshWindowMs + 86_400_000
        try Self.save(store, output: "x\n", created: later)
        let db = try SQLiteDatabase(path: cache.location.databasePath)
        #expect(try db.scalar("SELECT COUNT(*) FROM refreshes WHERE operation = 'pr list'") == 1)
        #expect(try store.refreshes(nowMs: later).first { $0.operation == "repo view" } == nil, "out of the window")
    }
}
