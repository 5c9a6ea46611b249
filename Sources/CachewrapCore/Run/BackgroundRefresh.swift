import Glibc

/// Stale-while-revalidate (`--stale DUR`): a hit older than DUR is replayed at once and a
/// detached cachewrap refreshes the entry, so the next call gets new data without anyone
/// waiting. The refresher holds the key's flight lock, so one refresh runs per key, and stores
/// only a successful run, so a failed refresh never replaces the good entry.
enum BackgroundRefresh {
    /// Set in the refresher's environment; it then refreshes, quietly, or exits when a run for
    /// the key is already under way.
    static let marker = "CACHEWRAP_BACKGROUND"
    /// The terminal shape the original call keyed on (`COLSxROWS`): the refresher's stdout is
    /// /dev/null, but it must store the entry the terminal call looks up.
    static let terminalVariable = "CACHEWRAP_TERMINAL"

    static var isBackground: Bool { Environment.flag(marker) }

    /// Starts a detached `cachewrap --refresh ...` for this request (new session, stdio on
    /// /dev/null, not waited for). Best effort: a failure to start only means no refresh.
    static func start(_ request: WrapRequest, terminal: TerminalShape) {
        var args = [Argument("cachewrap"), Argument("--refresh"), Argument("--quiet")]
        if let ttl = request.options.ttlSeconds { args += [Argument("--ttl"), Argument("\(ttl)s")] }
        if let retries = request.options.retries { args += [Argument("--retries"), Argument("\(retries)")] }
        for name in request.options.keyEnv { args += [Argument("--env"), Argument(name)] }
        if request.generic { args.append(Argument("--")) }
        args += request.commandLine

        setenv(marker, "1", 1)
        if terminal.isTerminal { setenv(terminalVariable, "\(terminal.columns)x\(terminal.rows)", 1) }
        defer {
            unsetenv(marker)
            unsetenv(terminalVariable)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc 2.26): out of the caller's session, so closing the terminal
        // or Ctrl-C on the next command does not end the refresh.
        posix_spawnattr_setflags(&attributes, Int16(0x80))
        let argv = args.makeCArgv()
        defer { freeCArgv(argv) }
        var pid: pid_t = 0
        _ = posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, argv, environ)
    }

    /// The shape a refresher must key and run with, from its parent's call.
    static func inheritedTerminal() -> TerminalShape? {
        guard isBackground, let text = Environment.get(terminalVariable) else { return nil }
        let parts = text.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        return TerminalShape(isTerminal: true, columns: parts[0], rows: parts[1])
    }
}
