import Glibc

/// Runs a helper program (git) quietly and captures its stdout: stdin and stderr are /dev/null,
/// nothing reaches the user. Used to fingerprint a workspace, never to run the wrapped tool.
enum Subprocess {
    /// stdout of `path args`, or nil when it cannot start or exits non-zero.
    static func capture(_ path: String, _ args: [String], limit: Int = 64 << 20) -> [UInt8]? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let (pid, rc) = Spawn.start(path, ([path] + args).map(Argument.init), actions: &actions)
        close(fds[1])
        defer { close(fds[0]) }
        guard rc == 0 else { return nil }
        let output = FileIO.readToEnd(fds[0], limit: limit)
        return Spawn.wait(pid).status == 0 ? output : nil
    }
}
