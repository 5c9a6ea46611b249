import Glibc

/// CACHEWRAP_LOG: one JSON line appended per wrapped call (docs/event-log.md). Many processes
/// (parallel agents, shells, CI jobs) share one file, so each line is built whole first and
/// written with one write(2) on a descriptor opened with O_APPEND: the kernel moves to the end
/// and writes in one step, so lines are never cut or interleaved and no lock is needed. The
/// log serves the user, not the call: a file that cannot be written costs one warning, never
/// the call's output or exit code (fail open).
enum EventLog {
    static func append(_ line: String, to path: String) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return warn(path, errno) }
        defer { close(fd) }
        var line = line
        let written = line.withUTF8 { write(fd, $0.baseAddress, $0.count) }
        // A short write to a regular file means the disk filled up mid-line.
        if written != line.utf8.count { warn(path, written < 0 ? errno : ENOSPC) }
    }

    private static func warn(_ path: String, _ code: Int32) {
        Console.warn("cannot append to the event log \(path) (CACHEWRAP_LOG): \(errnoText(code)); this call is not logged")
    }
}
