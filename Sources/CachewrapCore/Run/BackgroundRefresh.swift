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
        var args = [Argument("--refresh"), Argument("--quiet")]
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
        Detached.spawnSelf(args)
    }

    /// The shape a refresher must key and run with, from its parent's call.
    static func inheritedTerminal() -> TerminalShape? {
        guard isBackground, let text = Environment.get(terminalVariable) else { return nil }
        let parts = text.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        return TerminalShape(isTerminal: true, columns: parts[0], rows: parts[1])
    }
}
