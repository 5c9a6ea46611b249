import Glibc

/// Where the cache lives and how it is protected: the directory is 0700 and the database 0600,
/// because cached output can hold private repository data.
public struct CacheLocation: Sendable {
    public let directory: String
    public var databasePath: String { directory + "/cache.db" }

    /// `$CACHEWRAP_DIR`, else `$XDG_CACHE_HOME/cachewrap`, else `~/.cache/cachewrap`.
    public static func fromEnvironment() -> CacheLocation {
        if let dir = Environment.get("CACHEWRAP_DIR"), !dir.isEmpty { return CacheLocation(directory: dir) }
        if let xdg = Environment.get("XDG_CACHE_HOME"), xdg.hasPrefix("/") {
            return CacheLocation(directory: xdg + "/cachewrap")
        }
        return CacheLocation(directory: homeDirectory() + "/.cache/cachewrap")
    }

    public init(directory: String) { self.directory = directory }

    /// `$HOME`, else the home directory /etc/passwd gives the uid (read as a file: never NSS,
    /// see `PasswdFile`), else /tmp. A hit with HOME set reads no file for this.
    static func homeDirectory() -> String {
        if let home = Environment.get("HOME"), !home.isEmpty { return home }
        if let home = PasswdFile.account(uid: getuid())?.home, !home.isEmpty { return home }
        return "/tmp"
    }

    /// Creates the directory (and parents) and the database file with private modes. SQLite
    /// gives its -wal and -shm files the database file's mode, so creating it 0600 covers them.
    func prepare() throws(CachewrapError) {
        try makeDirectories(directory)
        if let why = CacheTrust.problem(cache: directory) { throw .untrustedCache(why) }
        let fd = open(databasePath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .storeUnavailable("\(databasePath): \(errnoText(errno))") }
        defer { close(fd) }
        let files = ["-wal", "-shm"].lazy.compactMap { CacheTrust.problem(existingFile: self.databasePath + $0) }
        if let why = CacheTrust.problem(file: fd, path: databasePath) ?? files.first { throw .untrustedCache(why) }
    }

    /// `<cache>/<name>` (hot, locks, blobs), made 0700 when missing, with the cache directory
    /// itself on a first call that has not opened the store yet; nil when it cannot be made.
    func subdirectory(_ name: String) -> String? {
        let path = directory + "/" + name
        if mkdir(path, 0o700) == 0 || errno == EEXIST { return path }
        guard errno == ENOENT, (try? makeDirectories(directory)) != nil else { return nil }
        return mkdir(path, 0o700) == 0 || errno == EEXIST ? path : nil
    }

    /// The cache directory alone (and parents), 0700, for a file that must exist before the
    /// store does (the salt a key needs).
    func makeDirectory() throws(CachewrapError) { try makeDirectories(directory) }

    private func makeDirectories(_ path: String) throws(CachewrapError) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .storeUnavailable("\(path) is not a directory") }
            return
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]))
        }
        let isCacheDir = path == directory
        guard mkdir(path, isCacheDir ? 0o700 : 0o755) == 0 || errno == EEXIST else {
            throw .storeUnavailable("cannot create \(path): \(errnoText(errno))")
        }
        if isCacheDir { chmod(path, 0o700) }
    }

    /// Moves a damaged database (and its WAL/SHM) aside so a fresh one can be made; the old file
    /// is kept for inspection, not deleted.
    func moveAside() -> String {
        let target = databasePath + ".corrupt-\(Clock.nowMs())"
        rename(databasePath, target)
        // Hot files answer without the database: they go with it, or they would outlive it.
        let hot = HotFile.directory(directory)
        rename(hot, hot + ".corrupt-\(Clock.nowMs())")
        unlink(databasePath + "-wal")
        unlink(databasePath + "-shm")
        return target
    }
}
