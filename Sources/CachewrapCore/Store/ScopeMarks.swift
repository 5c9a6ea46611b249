import Glibc

/// The local marks of `Scope`: `scopes/<mark name>` holds, in decimal milliseconds, when the
/// last mutation that moved the mark ended (or began, while it runs). An answer is served only
/// if its run started after every mark it reads, which is what makes invalidation hold against
/// races: a read that started before a mutation ended may finish and be stored after the
/// mutation dropped the scope, and its answer is still refused. Deleting entries alone could
/// not see it.
///
/// Files, not database rows, because the hit path never opens the database: a hit reads one
/// or two of these (usually absent: one failed `open` each). Entry times are run starts
/// (`CachedRun`), on this machine's clock, as the marks are.
struct ScopeMarks {
    let cache: String

    static let directoryName = "scopes"
    private var directory: String { cache + "/" + Self.directoryName }

    /// The latest mark an answer of `scope` must postdate; 0 when no mutation touched it.
    func latest(for scope: Scope) -> Int64 {
        // An unreadable mark reads as "changed just now": refuse answers rather than serve them.
        scope.marksRead.reduce(0) { max($0, read(Scope.markName($1)) ?? Int64.max) }
    }

    /// Whether an answer of `scope` whose run started at `startedMs` may be served.
    func allows(_ scope: Scope, startedMs: Int64) -> Bool { startedMs > latest(for: scope) }

    /// Moves the marks a mutation of `scope` changes to `ms`, never backwards (two mutations
    /// ending out of order keep the later time), under a lock so concurrent moves cannot undo
    /// each other. False when a mark could not be written: the caller warns, since answers of
    /// the scope made before the mutation could then be served.
    @discardableResult
    func move(_ scope: Scope, to ms: Int64) -> Bool {
        guard let dir = CacheLocation(directory: cache).subdirectory(Self.directoryName) else { return false }
        let lock = open(dir + "/.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { return false }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        var written = true
        for mark in scope.marksChanged {
            let name = Scope.markName(mark)
            if let current = read(name), current >= ms { continue }
            written = AtomicFile.write(Array(String(ms).utf8), to: dir + "/" + name) && written
        }
        return written
    }

    /// One mark's time: 0 when it was never set, nil when the file is someone else's (see
    /// `CacheTrust`) or does not parse.
    private func read(_ name: String) -> Int64? {
        let path = directory + "/" + name
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        guard CacheTrust.problem(file: fd, path: path) == nil, let bytes = FileIO.read(fd, limit: 32),
              let ms = Int64(String(decoding: bytes, as: UTF8.self)) else { return nil }
        return ms
    }
}
