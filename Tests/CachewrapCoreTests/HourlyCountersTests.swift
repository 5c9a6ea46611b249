import Testing

@testable import CachewrapCore

/// Guards the hourly counters (Store/HourlyCounters.swift): every increment lands in its hour as
/// well as in the lifetime counters, folded hits in the hour they happened (with what their
/// entry's answer cost), and hours past the retention are deleted by a save and by `gc`'s prune.
@Suite struct HourlyCountersTests {
    /// 2026-12-01 10:30 UTC, a fixed "now": nothing here reads the clock.
    static let now: Int64 = 1_796_121_000_000
    static let hour = Store.hourMs

    static func open(_ cache: StoreTests.TempCache) throws -> Store { try cache.open() }

    static func hits(_ rows: [Store.HourlyCount], tool: String = "gh") -> [Int64: Int64] {
        var out: [Int64: Int64] = [:]
        for row in rows where row.tool == tool { out[row.hour] = row.counters[.hits] }
        return out
    }

    @Test func hourOfRoundsDown() {
        #expect(Store.hour(ofMs: 0) == 0 && Store.hour(ofMs: Self.hour - 1) == 0 && Store.hour(ofMs: Self.hour) == 1)
        #expect(Store.hour(ofMs: -1) == -1 && Store.hour(ofMs: -Self.hour) == -1 && Store.hour(ofMs: -Self.hour - 1) == -2)
    }

    @Test func countsGoToTheirHourAndToTheLifetimeCounters() throws {
        let cache = StoreTests.TempCache()
        let store = try Self.open(cache)
        try store.count(tool: "gh", [.hits: 2, .misses: 1], atMs: Self.now)
        try store.count(tool: "gh", [.hits: 1], atMs: Self.now + 10_000)
        try store.count(tool: "gh", [.hits: 5], atMs: Self.now - 3 * Self.hour)
        try store.count(tool: "hf", [.hits: 7], atMs: Self.now)
        let rows = try store.hourlyCounts(fromHour: 0)
        let h = Store.hour(ofMs: Self.now)
        #expect(Self.hits(rows) == [h: 3, h - 3: 5])
        #expect(Self.hits(rows, tool: "hf") == [h: 7])
        #expect(rows.first { $0.hour == h && $0.tool == "gh" }?.counters[.misses] == 1)
        #expect(try store.counters()["gh"]?[.hits] == 8, "the lifetime counter has every hour")
        #expect(Self.hits(try store.hourlyCounts(fromHour: h - 1, tool: "gh")) == [h: 3], "from an hour, of one tool")
        #expect(try store.hourlyCounts(fromHour: h, tool: "hf").map(\.tool) == ["hf"])
    }

    /// Hits folded at once count in the hours they happened, not the hour of the fold; each
    /// replay adds its entry's price and tokens.
    @Test func foldedHitsGoToTheHourTheyHappened() throws {
        let cache = StoreTests.TempCache()
        let store = try Self.open(cache)
        var info = StoreTests.info("bafkreillm", tool: "claude", operation: "prompt", created: Self.now - 5 * Self.hour,
                                   expires: Self.now + Self.hour)
        info.costMicros = 50_000
        info.tokens = 120
        try store.save(info, transcript: StoreTests.transcript("answer"))
        let early = Self.now - 2 * Self.hour, late = Self.now
        let hits = [early, early + 1000, late].map {
            HitLog.Hit(cid: "bafkreillm", tool: "claude", durationMs: 40, atMs: $0, stale: false)
        } + [HitLog.Hit(cid: "bafkreigone", tool: "claude", durationMs: 10, atMs: late, stale: true)]
        try store.db.transaction { () throws(SQLiteDatabase.Failure) in try store.foldHits(hits, nowMs: Self.now) }

        let rows = try store.hourlyCounts(fromHour: 0, tool: "claude")
        #expect(Self.hits(rows, tool: "claude") == [Store.hour(ofMs: early): 2, Store.hour(ofMs: late): 2])
        let earlyRow = try #require(rows.first { $0.hour == Store.hour(ofMs: early) }).counters
        #expect(earlyRow[.costSavedMicros] == 100_000 && earlyRow[.tokensSaved] == 240 && earlyRow[.timeSavedMs] == 80)
        let lateRow = try #require(rows.first { $0.hour == Store.hour(ofMs: late) }).counters
        #expect(lateRow[.costSavedMicros] == 50_000 && lateRow[.staleServed] == 1, "a removed entry's hit costs nothing")
        let lifetime = try #require(try store.counters()["claude"])
        #expect(lifetime[.hits] == 4 && lifetime[.costSavedMicros] == 150_000 && lifetime[.tokensSaved] == 360)
        #expect(try store.list().first?.hits == 3)
    }

    @Test func pruneKeepsNinetyDays() throws {
        let cache = StoreTests.TempCache()
        let store = try Self.open(cache)
        let day: Int64 = 86_400_000
        for age in [Int64(0), 89 * day, 90 * day - Self.hour, 90 * day + Self.hour, 200 * day] {
            try store.count(tool: "gh", [.hits: 1], atMs: Self.now - age)
        }
        try store.pruneHourly(nowMs: Self.now)
        let kept = try store.hourlyCounts(fromHour: Int64.min).map(\.hour)
        #expect(kept == [0, 89 * day, 90 * day - Self.hour].reversed().map { Store.hour(ofMs: Self.now - $0) })
        #expect(try store.counters()["gh"]?[.hits] == 5, "the lifetime counters stay")
    }

    /// Every save folds (and prunes) in its transaction, so a cache that is only ever written by
    /// misses stays bounded too.
    @Test func aSavePrunesOldHours() throws {
        let cache = StoreTests.TempCache()
        let store = try Self.open(cache)
        let old = Clock.nowMs() - 100 * 86_400_000
        try store.count(tool: "gh", [.passthrough: 1], atMs: old)
        #expect(try store.hourlyCounts(fromHour: Int64.min).count == 1)
        try store.save(StoreTests.info("bafkreinew", created: Clock.nowMs(), expires: Clock.nowMs() + 60_000),
                       transcript: StoreTests.transcript("x"), counting: [.misses: 1])
        let rows = try store.hourlyCounts(fromHour: Int64.min)
        #expect(rows.count == 1 && rows[0].counters == CounterSet(values: [.misses: 1]), "\(rows)")
        #expect(try store.counters()["gh"]?[.passthrough] == 1)
    }
}
