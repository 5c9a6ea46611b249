import Glibc

/// Replacing a small file so that a reader sees the old content or the new, never half of
/// either: write a private temp file beside it (same file system), then rename it over the
/// name. Hot files, pending team-cache writes and the breaker's state are written this way.
enum AtomicFile {
    /// False when the temp file could not be made or written, or the rename failed; the old
    /// file, if any, is then untouched and no temp file is left behind. The temp name starts
    /// with a dot, so directory scans (the outbox) can skip writes under way.
    @discardableResult
    static func write(_ bytes: [UInt8], to path: String) -> Bool {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let temp = String(path[..<slash]) + ".\(path[slash...]).tmp-\(getpid())-\(Deadline.nowNs())"
        let fd = open(temp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        let written = FileIO.writeAll(fd, bytes)
        close(fd)
        guard written, rename(temp, path) == 0 else {
            unlink(temp)
            return false
        }
        return true
    }
}
