import CSQLite

/// The C API's SQLITE_TRANSIENT: SQLite copies bound bytes, so callers' buffers may die right after.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A thin, safe layer over one SQLite connection: every statement is finalized, every error carries
/// `sqlite3_errmsg`, and blobs are bound as copies.
final class SQLiteDatabase {
    /// Why a database call failed; `code` is the primary SQLite result code (e.g. SQLITE_CORRUPT).
    struct Failure: Error {
        let code: Int32
        let message: String
        /// The file is not a database or is damaged: the store moves it aside and starts over.
        var isCorruption: Bool { code == SQLITE_CORRUPT || code == SQLITE_NOTADB }
    }

    private let handle: OpaquePointer

    /// How long a statement waits for another process's lock before "database is locked".
    static let busyTimeoutMs: Int32 = 5000
    /// How long the WAL truncation after a commit waits for readers and writers: under a storm
    /// of lookups a whole busy timeout would stall the miss that happened to commit; when it
    /// gives up, the next commit tries again.
    static let checkpointWaitMs: Int32 = 20

    /// Opens (creating if needed, unless `flags` say otherwise) the database at `path` with a busy
    /// timeout, so concurrent cachewrap processes wait for each other instead of failing with
    /// "database is locked".
    init(path: String, flags: Int32 = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) throws(Failure) {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw Failure(code: rc & 0xff, message: message)
        }
        handle = db
        sqlite3_busy_timeout(db, Self.busyTimeoutMs)
        sqlite3_extended_result_codes(db, 0)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Makes closing leave the WAL in place (see `cachewrap_keep_wal_on_close` in shim.h) and
    /// truncates it once a commit leaves more than `maxPages` in it.
    ///
    /// SQLite's own auto-checkpoint cannot be used with a kept WAL: each process rebuilds the
    /// WAL index when it opens the store, which forgets how much was already checkpointed, and
    /// only a later transaction of the same process would rewind the log. Every cachewrap
    /// process is one or two transactions, so the WAL would grow without end. A TRUNCATE
    /// checkpoint empties it at once. PERSIST_WAL keeps the emptied file, so the next writer
    /// does not create it again (with a directory fsync).
    func keepWALOnClose(maxPages: Int32) {
        _ = cachewrap_keep_wal_on_close(handle)
        var persist: Int32 = 1
        _ = sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
        sqlite3_wal_hook(handle, { limit, db, name, pages in
            if pages > Int32(Int(bitPattern: limit)) {
                sqlite3_busy_timeout(db, SQLiteDatabase.checkpointWaitMs)
                _ = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
                sqlite3_busy_timeout(db, SQLiteDatabase.busyTimeoutMs)
            }
            return SQLITE_OK
        }, UnsafeMutableRawPointer(bitPattern: Int(maxPages)))
    }

    /// Runs one or more statements that return no rows (schema, pragmas, BEGIN/COMMIT).
    func execute(_ sql: String) throws(Failure) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw failure(rc) }
    }

    /// Prepares `sql`; the statement finalizes itself when released.
    func prepare(_ sql: String) throws(Failure) -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw failure(rc) }
        return Statement(stmt, database: self)
    }

    /// Runs `body` inside one IMMEDIATE transaction: the write lock is taken up front, so two
    /// writers never deadlock upgrading a read lock, and the busy timeout applies to the wait.
    func transaction<T>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }

    /// The first column of the first row of `sql` (0 when there is none); the statement is
    /// finalized before returning, so no read stays open.
    func scalar(_ sql: String) throws(Failure) -> Int64 {
        let stmt = try prepare(sql)
        return try stmt.step() ? stmt.int(0) : 0
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    fileprivate func failure(_ rc: Int32) -> Failure {
        Failure(code: rc & 0xff, message: String(cString: sqlite3_errmsg(handle)))
    }

    /// One prepared statement. Parameters are 1-based, columns 0-based, as in the C API.
    final class Statement {
        private let stmt: OpaquePointer
        private let database: SQLiteDatabase

        fileprivate init(_ stmt: OpaquePointer, database: SQLiteDatabase) {
            self.stmt = stmt
            self.database = database
        }

        deinit { sqlite3_finalize(stmt) }

        /// Binds values in order; `nil` binds NULL. Returns self so calls chain into `step`.
        @discardableResult
        func bind(_ values: SQLiteValue?...) throws(Failure) -> Statement {
            try bind(values: values)
        }

        @discardableResult
        func bind(values: [SQLiteValue?]) throws(Failure) -> Statement {
            sqlite3_reset(stmt)
            sqlite3_clear_bindings(stmt)
            for (offset, value) in values.enumerated() {
                let index = Int32(offset + 1)
                let rc: Int32
                switch value {
                case nil: rc = sqlite3_bind_null(stmt, index)
                case .int(let v): rc = sqlite3_bind_int64(stmt, index, v)
                case .text(let v): rc = sqlite3_bind_text(stmt, index, v, -1, transient)
                case .blob(let v):
                    rc = v.withUnsafeBytes { raw in
                        // A zero-length array may have no base address; SQLite wants a non-NULL
                        // pointer for an empty (not NULL) blob, so use zeroblob(0).
                        guard let base = raw.baseAddress, raw.count > 0 else {
                            return sqlite3_bind_zeroblob(stmt, index, 0)
                        }
                        return sqlite3_bind_blob64(stmt, index, base, sqlite3_uint64(raw.count), transient)
                    }
                }
                guard rc == SQLITE_OK else { throw database.failure(rc) }
            }
            return self
        }

        /// Advances one row: true while a row is available, false when done.
        @discardableResult
        func step() throws(Failure) -> Bool {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_ROW { return true }
            if rc == SQLITE_DONE { return false }
            throw database.failure(rc)
        }

        /// Runs the statement to completion, for writes.
        func run() throws(Failure) {
            while try step() {}
        }

        func int(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }

        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(stmt, column) == SQLITE_NULL }

        func text(_ column: Int32) -> String {
            guard let p = sqlite3_column_text(stmt, column) else { return "" }
            return String(cString: p)
        }

        /// A blob column's bytes; a zero-length blob comes back as a NULL pointer and means empty.
        func blob(_ column: Int32) -> [UInt8] {
            let count = Int(sqlite3_column_bytes(stmt, column))
            guard count > 0, let p = sqlite3_column_blob(stmt, column) else { return [] }
            return [UInt8](UnsafeRawBufferPointer(start: p, count: count))
        }
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case int(Int64)
    case text(String)
    case blob([UInt8])
}
