import CSQLite
import Glibc

/// Opening the store only to read it, for `ls`, `stats`, `show` and `explain`: they must work on
/// a cache that cannot be written (another user's directory 0500 with its database 0400, a
/// read-only mount) and must never create a cache directory, a database or any other file. A
/// cache not made yet, or made by a cachewrap whose schema is not this one, reads as empty.
///
/// SQLite reads a WAL database read-only in place only through its `-shm` index: when the index
/// is missing it would create it beside the database, and fails where it cannot. So:
/// - `-wal` and `-shm` both there (as cachewrap leaves them): `mode=ro` in place, which sees
///   every committed write, even while another process writes.
/// - no WAL, or an empty one: the main file holds everything, and `immutable=1` reads it
///   without looking for, or making, any other file.
/// - a WAL with entries but no `-shm` (a copy that left it out): see `privateCopy`.
extension Store {
    /// The store at `location`, read-only; the empty store when there is no database yet.
    public static func forReading(_ location: CacheLocation = .fromEnvironment()) throws(CachewrapError) -> Store {
        let path = location.databasePath
        guard fileSize(path) != nil else { return try empty(location) }
        let db: SQLiteDatabase, version: Int64
        do throws(SQLiteDatabase.Failure) {
            db = try openReadOnly(path)
            version = try db.scalar("PRAGMA user_version")
        } catch {
            throw .storeUnavailable("\(path): \(error.message)")
        }
        return version >= schemaVersion ? Store(location: location, readOnly: db) : try empty(location)
    }

    /// True when this user may write the existing store: then a reading command may fold the hit
    /// log first (a write), and the normal open creates nothing that is not there.
    static func canWrite(_ location: CacheLocation) -> Bool {
        fileSize(location.databasePath) != nil && access(location.directory, W_OK | X_OK) == 0
            && access(location.databasePath, W_OK) == 0
    }

    /// An in-memory database with the schema and no rows: every reading command works on it
    /// unchanged, and it is no file.
    static func empty(_ location: CacheLocation) throws(CachewrapError) -> Store {
        do throws(SQLiteDatabase.Failure) {
            let db = try SQLiteDatabase(path: ":memory:")
            try db.execute(schema)
            return Store(location: location, readOnly: db)
        } catch {
            throw .storeUnavailable(error.message)
        }
    }

    private static func openReadOnly(_ path: String) throws(SQLiteDatabase.Failure) -> SQLiteDatabase {
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
        if fileSize(path + "-wal") != nil && fileSize(path + "-shm") != nil {
            return try SQLiteDatabase(path: uri(path, query: "mode=ro"), flags: flags)
        }
        if (fileSize(path + "-wal") ?? 0) == 0 {
            return try SQLiteDatabase(path: uri(path, query: "immutable=1"), flags: flags)
        }
        return try privateCopy(path)
    }

    /// A WAL with entries but no index: reading it in place would create the index next to the
    /// database. The database and its WAL are copied to a private temporary directory instead,
    /// checkpointed there into one file, and that file opened immutable and unlinked at once,
    /// so nothing is left behind, there or here. Costs a copy, in a case only a partial copy of
    /// a cache produces.
    private static func privateCopy(_ path: String) throws(SQLiteDatabase.Failure) -> SQLiteDatabase {
        let base = Environment.get("TMPDIR").flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
        var template = Array((base + "/cachewrap-read.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SQLiteDatabase.Failure(code: SQLITE_CANTOPEN, message: "cannot copy it to \(base) to read it: \(errnoText(errno))")
        }
        let directory = String(cString: made), copy = directory + "/cache.db"
        defer {
            for suffix in ["", "-wal", "-shm"] { unlink(copy + suffix) }
            rmdir(directory)
        }
        for suffix in ["", "-wal"] where !copyFile(path + suffix, to: copy + suffix) {
            throw SQLiteDatabase.Failure(code: SQLITE_CANTOPEN, message: "cannot copy \(path + suffix) to read it: \(errnoText(errno))")
        }
        do {  // a scope: the writer must be closed (leaving one file) before the reopen
            let writer = try SQLiteDatabase(path: copy)
            try writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        return try SQLiteDatabase(path: uri(copy, query: "immutable=1"), flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_URI)
    }

    /// `path` as an SQLite URI: `%`, `?` and `#` escaped, so any directory name works.
    static func uri(_ path: String, query: String) -> String {
        var out = path.hasPrefix("/") ? "file://" : "file:"
        for scalar in path.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "?": out += "%3F"
            case "#": out += "%23"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "?" + query
    }

    /// The size of the file at `path`, or nil when there is none.
    private static func fileSize(_ path: String) -> Int64? {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : nil
    }

    /// Copies a file to a new private one; false when either side fails.
    private static func copyFile(_ source: String, to target: String) -> Bool {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { return false }
        defer { close(input) }
        let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { return false }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return false }
            if n == 0 { return true }
            guard buffer.withUnsafeBytes({ FileIO.writeAll(output, UnsafeRawBufferPointer(rebasing: $0[0..<n])) }) else { return false }
        }
    }
}
