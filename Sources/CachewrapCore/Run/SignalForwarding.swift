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

    /// Starts forwarding to `child`. A signal from the terminal (Ctrl-C) already reached the
    /// tool, which shares cachewrap's process group; only signals sent by a process (`kill`,
    /// si_code <= 0) are passed on, so the tool never gets a Ctrl-C twice.
    static func begin(child: pid_t) {
        forwardTo = child
        receivedSignal = 0
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

    /// Stops forwarding; returns the signal received meanwhile, if any.
    static func end() -> Int32? {
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
