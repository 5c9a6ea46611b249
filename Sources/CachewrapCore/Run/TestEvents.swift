import Glibc

/// A test hook, inert in production: only when `CACHEWRAP_TEST_EVENTS` names a file (the
/// end-to-end tests set it) does cachewrap append a line there, `spawned PID ROLE` when it starts
/// a detached helper (written by the parent before its call returns) and `exited PID` when a
/// helper ends (after it released its flight lock and stored its result). A test can then wait
/// for a background refresh or a flusher to be over, or see that none was started, instead of
/// sleeping and hoping. Unset, each hook costs one getenv.
enum TestEvents {
    static let variable = "CACHEWRAP_TEST_EVENTS"

    /// In the parent, once `pid` runs: ROLE is the helper's first argument (`--refresh`, `remote-flush`).
    static func spawned(_ pid: pid_t, _ arguments: [Argument]) {
        append("spawned \(pid) \(arguments.first?.text ?? "")")
    }

    /// At the end of `Cachewrap.main` in a detached helper (a refresher or the flusher).
    static func helperExits(_ arguments: [Argument]) {
        guard BackgroundRefresh.isBackground || arguments.first?.text == RemoteFlushCommand.name else { return }
        append("exited \(getpid())")
    }

    /// One O_APPEND write per line, so lines from concurrent processes never interleave.
    private static func append(_ line: String) {
        guard let path = Environment.get(variable), !path.isEmpty else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        _ = Array((line + "\n").utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
