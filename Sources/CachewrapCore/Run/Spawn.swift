import Glibc

/// Starting a process and waiting for it: the one place every child of cachewrap is made
/// (recorded runs in `ChildProcess`, waited-for mutations in `WaitedChild`, detached helpers in
/// `Detached`, git in `Subprocess`).
enum Spawn {
    /// Starts `path` with `arguments` (argv, its name first) and `actions` (nil: our own
    /// descriptors, untouched). The child gets the default disposition of the signals cachewrap
    /// handles or ignores (SIGPIPE above all, which a recording cachewrap ignores) and an empty
    /// signal mask, so it behaves as if started by the shell; `newSession` makes it the leader of
    /// a session of its own (a detached helper, which a closed terminal must not end). A caller
    /// that forwards signals has called `SignalForwarding.hold()`.
    static func start(_ path: String, _ arguments: [Argument], actions: UnsafePointer<posix_spawn_file_actions_t>?,
                      newSession: Bool = false) -> (pid: pid_t, error: Int32) {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, sig) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        let setsid: Int32 = 0x80  // POSIX_SPAWN_SETSID (glibc 2.26; not in Glibc's module)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (newSession ? setsid : 0)))
        let argv = arguments.makeCArgv()
        defer { freeCArgv(argv) }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, actions, &attributes, argv, environ)
        return (pid, rc)
    }

    /// The error for a failed spawn, as the shell would report it.
    static func failure(_ path: String, _ code: Int32) -> CachewrapError {
        code == EACCES || code == ENOEXEC ? .notExecutable(path) : .spawnFailed(path, errnoText(code))
    }

    /// Waits for `pid`: its exit code, or 128+N when signal N killed it (the shell's
    /// convention), and that signal.
    static func wait(_ pid: pid_t) -> (status: Int32, signal: Int32?) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let termSig = status & 0x7f
        return termSig == 0 ? ((status >> 8) & 0xff, nil) : (128 + termSig, termSig)
    }
}

/// A mutating command run as a child that cachewrap waits for, so the cache can drop the
/// command's scope again once it has finished (a read that raced it must not survive it). The
/// child gets cachewrap's own stdin, stdout, stderr and terminal, untouched: nothing is read,
/// recorded or retried. It stays in cachewrap's process group, so Ctrl-C and Ctrl-Z reach it
/// from the terminal as they would without cachewrap; signals sent to cachewrap by a process
/// (`kill`) are passed on (`SignalForwarding`).
enum WaitedChild {
    /// The child's exit status; when a signal killed it, cachewrap dies by the same signal after
    /// `afterwards` ran (given the status the call ends with), so the shell sees what it would
    /// have seen.
    static func run(path: String, arguments: [Argument], afterwards: (Int32) -> Void) -> Int32 {
        SignalForwarding.hold()
        let (pid, rc) = Spawn.start(path, arguments, actions: nil)
        guard rc == 0 else {
            _ = SignalForwarding.end()
            let error = Spawn.failure(path, rc)
            afterwards(error.exitCode)
            Console.error(error.message)
            return error.exitCode
        }
        SignalForwarding.begin(child: pid)
        let (status, signal) = Spawn.wait(pid)
        _ = SignalForwarding.end()
        afterwards(status)
        if let signal { SignalForwarding.dieBy(signal) }
        return status
    }
}
