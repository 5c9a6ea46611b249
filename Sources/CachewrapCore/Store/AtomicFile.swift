import Glibc

/// Replacing a small file so that a reader sees the old content or the new, never half of
/// either: write a private temp file beside it (same file system), then rename it over the
/// name. Hot files, pending team-cache writes, the breaker's state, scope marks, binary memos and
/// salts are written this way.
enum AtomicFile {
    /// False when the temp file could not be made or written, or the rename failed; the old
    /// file, if any, is then untouched and no temp file is left behind. The temp name starts
    /// with a dot, so directory scans (the outbox) can skip writes under way.
    @discardableResult
    static func write(_ bytes: [UInt8], to path: String) -> Bool {
        guard let temp = temporary(bytes, beside: path, sync: false) else { return false }
        guard rename(temp, path) == 0 else {
            unlink(temp)
            return false
        }
        return true
    }

    /// What `create` did.
    enum Created: Equatable {
        case written
        /// Another writer was first: its file is left as it is.
        case exists
        case failed
    }

    /// Puts `bytes` at `path` whole and synced, only if nothing is there yet (`link` refuses an
    /// existing name, so of concurrent creators exactly one wins), or in any case when
    /// `replacing`. For a file every later call depends on (a salt), where the first writer must
    /// win and a crash must not leave it empty.
    static func create(_ bytes: [UInt8], at path: String, replacing: Bool) -> Created {
        guard let temp = temporary(bytes, beside: path, sync: true) else { return .failed }
        defer { unlink(temp) }
        if !replacing {
            if link(temp, path) == 0 { return .written }
            return errno == EEXIST ? .exists : .failed
        }
        return rename(temp, path) == 0 ? .written : .failed
    }

    /// A private (0600, whatever the umask) temp file beside `path` holding `bytes`; nil when it
    /// could not be made or written (then nothing is left behind).
    private static func temporary(_ bytes: [UInt8], beside path: String, sync: Bool) -> String? {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let temp = String(path[..<slash]) + ".\(path[slash...]).tmp-\(getpid())-\(Deadline.nowNs())"
        let fd = open(temp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return nil }
        fchmod(fd, 0o600)
        let written = FileIO.writeAll(fd, bytes) && (!sync || fsync(fd) == 0)
        close(fd)
        guard written else {
            unlink(temp)
            return nil
        }
        return temp
    }
}
