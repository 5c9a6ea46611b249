import Glibc

/// The child a signal should reach, and the first signal cachewrap received while it ran.
/// Globals because a signal handler cannot capture context; written only by the main thread
/// and the handler, and read after the child has exited.
nonisolated(unsafe) private var forwardTo: pid_t = 0
nonisolated(unsafe) private var receivedSignal: Int32 = 0

/// While a tool runs, SIGINT/SIGTERM/SIGHUP/SIGQUIT sent to cachewrap are passed on to it and
/// remembered, so the run is not stored and cachewrap ends the way the tool would have (128+N).
enum SignalForwarding {
    static let forwarded = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// Call before starting the tool: installs the handlers with the signals blocked, so one
    /// that arrives while the tool is being spawned waits and is forwarded by `begin`, instead of
    /// killing cachewrap and leaving the tool running on. A terminal signal (Ctrl-C) already
    /// reached the tool, which shares cachewrap's process group; only signals sent by a process
    /// (`kill`, si_code <= 0) are passed on, so the tool never gets a Ctrl-C twice.
    static func hold() {
        forwardTo = 0
        receivedSignal = 0
        var set = signalSet()
        sigprocmask(SIG_BLOCK, &set, nil)
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = { sig, info, _ in
            if receivedSignal == 0 { receivedSignal = sig }
            let fromProcess = (info?.pointee.si_code ?? 0) <= 0
            if fromProcess && forwardTo > 0 { kill(forwardTo, sig) }
        }
        action.sa_flags = SA_SIGINFO | SA_RESTART
        sigemptyset(&action.sa_mask)
        for sig in forwarded { sigaction(sig, &action, nil) }
    }

    /// Starts forwarding to `child` and lets held signals in. Unblocking also matters when a
    /// parent started cachewrap with them blocked (a thread's mask is inherited).
    static func begin(child: pid_t) {
        forwardTo = child
        var set = signalSet()
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in forwarded { sigaddset(&set, sig) }
        return set
    }

    /// Stops forwarding; returns the signal received meanwhile, if any.
    static func end() -> Int32? {
        var set = signalSet()
        sigprocmask(SIG_UNBLOCK, &set, nil)
        for sig in forwarded { signal(sig, SIG_DFL) }
        forwardTo = 0
        return receivedSignal == 0 ? nil : receivedSignal
    }

    /// Ends cachewrap by the same signal, so the shell sees 128+N and stops a loop on Ctrl-C.
    static func dieBy(_ sig: Int32) -> Never {
        signal(sig, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        raise(sig)
        exit(128 + sig)
    }
}
