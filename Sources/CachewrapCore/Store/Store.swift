/// The SQLite CID store: entries keyed by CID, outputs stored once per distinct content, and
/// counters that survive restarts. One short transaction per write; WAL so readers never wait.
public final class Store {
    let db: SQLiteDatabase
    public let location: CacheLocation
    /// False for a store opened only to read (StoreReader.swift): it never moves a file aside.
    let writable: Bool
    /// Version 2: an output too large for memory lives in a file under `blobs/` named by its
    /// hash (its `frames` column is NULL). Version 3: every output has a content check and
    /// every entry a digest bound to its CID (`AnswerCheck`), checked before a replay.
    /// Version 4: every entry records its scope (`Scope`), so a mutation drops only its own.
    /// Version 5: counters per hour (`hourly`), what an LLM answer cost (`cost_micros`,
    /// `tokens`), and how each re-run after expiry compared with the answer it replaced
    /// (`refreshes`), for `stats --since` and `stats --advice`. Added to a version-4 store in
    /// place (the ALTERs in `open`), so the lifetime counters survive the upgrade.
    /// Version 6: an output larger than `PackedFrames.threshold` may be stored packed
    /// (`codec` 1, zstd; `stored_size` the bytes it takes; `outputs_packed` indexes those), its size and digests still those of
    /// the frames. Added to a version-4 or -5 store in place (`sinceVersion5`); a version-5
    /// cachewrap reading a packed row finds its size wrong and drops it, never replays it.
    /// Version 7: an entry may keep the server's validators (`etag`, `last_modified`), so an
    /// expired answer can be renewed by a conditional request (docs/architecture.md,
    /// Revalidation). Added in place (`sinceVersion6`); a version-6 cachewrap leaves them NULL.
    static let schemaVersion: Int64 = 7
    /// The WAL length (in pages) past which a writer checkpoints. A miss writes about 8 pages,
    /// so this is a checkpoint (three fsyncs) every 16 or so misses, while every process that
    /// opens the store re-reads at most this much WAL (0.1–0.2 ms). 128 measured best of 16, 32,
    /// 128, 256 and 512.
    static let walPages: Int32 = 128

    static let schema = """
        CREATE TABLE IF NOT EXISTS outputs(
            id INTEGER PRIMARY KEY,
            hash BLOB NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            check_value INTEGER NOT NULL,
            frames BLOB,
            codec INTEGER NOT NULL DEFAULT 0,
            stored_size INTEGER
        );
        CREATE TABLE IF NOT EXISTS entries(
            cid TEXT PRIMARY KEY,
            tool TEXT NOT NULL,
            operation TEXT NOT NULL,
            display TEXT NOT NULL,
            scope TEXT NOT NULL,
            scope_item TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            expires_ms INTEGER NOT NULL,
            exit_code INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            hits INTEGER NOT NULL DEFAULT 0,
            last_used_ms INTEGER NOT NULL,
            stdout_bytes INTEGER NOT NULL,
            stderr_bytes INTEGER NOT NULL,
            output_id INTEGER NOT NULL REFERENCES outputs(id),
            digest INTEGER NOT NULL,
            cost_micros INTEGER NOT NULL DEFAULT 0,
            tokens INTEGER NOT NULL DEFAULT 0,
            etag TEXT,
            last_modified TEXT
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS entries_by_tool ON entries(tool, operation);
        CREATE INDEX IF NOT EXISTS entries_by_scope ON entries(scope, scope_item);
        CREATE INDEX IF NOT EXISTS entries_by_output ON entries(output_id);
        CREATE INDEX IF NOT EXISTS entries_by_use ON entries(last_used_ms);
        CREATE INDEX IF NOT EXISTS outputs_packed ON outputs(id) WHERE stored_size IS NOT NULL;
        CREATE TABLE IF NOT EXISTS counters(
            tool TEXT NOT NULL,
            name TEXT NOT NULL,
            value INTEGER NOT NULL,
            PRIMARY KEY(tool, name)
        ) WITHOUT ROWID;
        """ + sinceVersion4

    /// What version 5 added to version 4: run alone on a version-4 store, with the two columns.
    static let sinceVersion4 = """
        CREATE TABLE IF NOT EXISTS hourly(
            hour INTEGER NOT NULL,
            tool TEXT NOT NULL,
            name TEXT NOT NULL,
            value INTEGER NOT NULL,
            PRIMARY KEY(hour, tool, name)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS refreshes(
            tool TEXT NOT NULL,
            operation TEXT NOT NULL,
            at_ms INTEGER NOT NULL,
            ttl_s INTEGER NOT NULL,
            identical INTEGER NOT NULL,
            hits INTEGER NOT NULL,
            age_ms INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS refreshes_by_operation ON refreshes(tool, operation, at_ms);
        """

    /// What version 6 added to version 5's `outputs` (the full schema has them already). The
    /// partial index holds the packed outputs alone, so `stats` finds them without reading the
    /// table (a gigabyte of rows at 1,000,000 entries).
    static let sinceVersion5 = """
        ALTER TABLE outputs ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outputs ADD COLUMN stored_size INTEGER;
        CREATE INDEX IF NOT EXISTS outputs_packed ON outputs(id) WHERE stored_size IS NOT NULL;
        """

    /// What version 7 added to version 6's `entries` (the full schema has them already).
    static let sinceVersion6 = """
        ALTER TABLE entries ADD COLUMN etag TEXT;
        ALTER TABLE entries ADD COLUMN last_modified TEXT;
        """

    /// Opens the store, creating it on first use. A damaged database is moved aside and a new one
    /// made, with one warning: losing a cache is cheap, refusing to run is not.
    public init(location: CacheLocation = .fromEnvironment()) throws(CachewrapError) {
        self.location = location
        writable = true
        try location.prepare()
        do {
            db = try Store.open(location)
        } catch let failure where failure.isCorruption {
            let aside = location.moveAside()
            Console.warn("cache database was damaged (\(failure.message)); moved it to \(aside) and started a new one")
            try location.prepare()
            do { db = try Store.open(location) } catch { throw .storeUnavailable(error.message) }
        } catch {
            throw .storeUnavailable("\(location.databasePath): \(error.message)")
        }
    }

    /// A store over a connection opened only to read (see StoreReader.swift).
    init(location: CacheLocation, readOnly db: SQLiteDatabase) {
        self.location = location
        self.db = db
        writable = false
    }

    private static func open(_ location: CacheLocation) throws(SQLiteDatabase.Failure) -> SQLiteDatabase {
        let db = try SQLiteDatabase(path: location.databasePath)
        // The version check reads the header: a file that is not a database fails here, early.
        let version = try db.scalar("PRAGMA user_version")
        if version < schemaVersion {
            try db.execute("PRAGMA journal_mode=WAL")
            try db.transaction { () throws(SQLiteDatabase.Failure) in
                // Re-checked under the write lock: another process may have just done it.
                let current = try db.scalar("PRAGMA user_version")
                guard current < schemaVersion else { return }
                if (4...6).contains(current) {
                    if current == 4 {
                        try db.execute("""
                            ALTER TABLE entries ADD COLUMN cost_micros INTEGER NOT NULL DEFAULT 0;
                            ALTER TABLE entries ADD COLUMN tokens INTEGER NOT NULL DEFAULT 0;
                            """ + sinceVersion4)
                    }
                    if current < 6 { try db.execute(sinceVersion5) }
                    try db.execute(sinceVersion6)
                } else {
                    // Older versions lack the digests (and version 1 kept every output in one
                    // blob); a cache is cheap to lose, so an old one is dropped, not migrated.
                    if current > 0 { try db.execute("DROP TABLE IF EXISTS entries; DROP TABLE IF EXISTS outputs; DROP TABLE IF EXISTS counters") }
                    try db.execute(schema)
                }
                try db.execute("PRAGMA user_version=\(schemaVersion)")
            }
        }
        // NORMAL sync: a WAL commit is not fsynced (durable at checkpoint), as fits a cache.
        // Closing leaves the WAL behind rather than checkpointing it: each cachewrap process is
        // a connection's whole life, and a checkpoint per process cost a miss four fsyncs
        // (~1.5 ms). The price is that the next process re-reads the WAL to rebuild its index,
        // so the WAL is kept short.
        try db.execute("PRAGMA synchronous=NORMAL")
        db.keepWALOnClose(maxPages: walPages)
        return db
    }

    /// Maps a database failure to the user-facing error, moving a damaged file aside so the next
    /// call starts clean.
    func wrap<T>(_ body: () throws(SQLiteDatabase.Failure) -> T) throws(CachewrapError) -> T {
        do {
            return try body()
        } catch {
            if error.isCorruption && writable {
                let aside = location.moveAside()
                throw .storeUnavailable("cache database is damaged (\(error.message)); moved it to \(aside)")
            }
            throw .storeUnavailable(error.message)
        }
    }
}
