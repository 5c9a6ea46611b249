import Glibc

/// Whether the cache dir may be used at all. Anyone who can write into it can plant an answer
/// that is replayed as a tool's output (and a digest to match: digests catch damage, not
/// forgery), so, as ssh does with its keys, only a place that no one else can change is
/// trusted: the cache dir and its subdirectories must be directories owned by this user and
/// not writable by group or others, and so must every file read from them. A symlink is
/// followed, and its target must pass the same test. Otherwise nothing is read from or written
/// to the cache: the tool runs uncached, with one warning that says why and how to fix it.
enum CacheTrust {
    /// The subdirectories a call may read or write (see `CacheLocation.subdirectory`).
    static let subdirectories = ["hot", "blobs", "locks", "outbox", "binaries", ScopeMarks.directoryName]

    /// Why `directory` and its subdirectories cannot be trusted, or nil. A path that does not
    /// exist yet is fine: cachewrap creates it 0700.
    static func problem(cache directory: String) -> String? {
        if let problem = problem(directory: directory) { return problem }
        for name in subdirectories {
            if let problem = problem(directory: directory + "/" + name) { return problem }
        }
        return nil
    }

    /// One directory: nil when it is missing or private to this user.
    static func problem(directory path: String) -> String? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        var shown = path
        if st.st_mode & S_IFMT == S_IFLNK {
            guard stat(path, &st) == 0 else { return nil }  // a dangling link: nothing is there yet
            if let real = realpath(path, nil) {
                shown = String(cString: real)  // the warning names the place the link leads to
                free(real)
            }
        }
        guard st.st_mode & S_IFMT == S_IFDIR else { return "\(shown) is not a directory" }
        return problem(shown, st, fix: "chmod 700")
    }

    /// An open file about to be read (a hot file, a blob): it must be this user's and not
    /// writable by others, or someone else may have written it.
    static func problem(file fd: Int32, path: String) -> String? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return "\(path): \(errnoText(errno))" }
        return problem(path, st, fix: "chmod 600")
    }

    /// A file by name (the database's -wal and -shm): nil when it is missing or private.
    static func problem(existingFile path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return problem(path, st, fix: "chmod 600")
    }

    private static func problem(_ path: String, _ st: stat, fix: String) -> String? {
        let me = geteuid()
        if st.st_uid != me {
            return "\(path) is owned by uid \(st.st_uid), not by you (uid \(me)); use a cache dir of your own (CACHEWRAP_DIR)"
        }
        let mode = st.st_mode & 0o7777
        if mode & 0o022 != 0 {
            let who = mode & 0o002 != 0 ? "others" : "its group"
            return "\(path) is writable by \(who) (mode \(String(mode, radix: 8))); fix: \(fix) \(Display.quote(path))"
        }
        return nil
    }
}
