import Glibc

/// Starts cachewrap itself again as a detached helper (a background refresh, the outbox
/// flusher): a new session, so closing the terminal or a Ctrl-C on the next command does not
/// end it; stdio on /dev/null, so it never holds the caller's pipes open; not waited for.
/// Best effort: a helper that does not start only means the work waits for the next one.
enum Detached {
    static func spawnSelf(_ arguments: [Argument]) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let (pid, rc) = Spawn.start("/proc/self/exe", [Argument("cachewrap")] + arguments, actions: &actions, newSession: true)
        if rc == 0 { TestEvents.spawned(pid, arguments) }
    }
}
