import Glibc

/// Stale-while-revalidate (`--stale DUR`): a hit older than DUR is replayed at once and a
/// detached cachewrap refreshes the entry, so the next call gets new data without anyone
/// waiting. The refresher holds the key's flight lock, so one refresh runs per key, and stores
/// only a successful run, so a failed refresh never replaces the good entry.
enum BackgroundRefresh {
    /// Set in the refresher's environment; it then refreshes, quietly, or exits when a run for
    /// the key is already under way.
    static let marker = "CACHEWRAP_BACKGROUND"
    /// The output shape the original call keyed on (`COLSxROWS` or `pipe`, then `+merged` when
    /// its stdout and stderr were one output): the refresher's stdout and stderr are /dev/null,
    /// but it must store the entry the original call looks up. Always set, because /dev/null on
    /// both would otherwise read as a merged pipe.
    static let terminalVariable = "CACHEWRAP_TERMINAL"

    static var isBackground: Bool { Environment.flag(marker) }

    /// Starts a detached `cachewrap --refresh ...` for this request (new session, stdio on
    /// /dev/null, not waited for). Best effort: a failure to start only means no refresh.
    /// `revalidates`: the answer can be asked about (docs/architecture.md, Revalidation), so the
    /// refresher runs `--revalidate` instead: a 304 renews it without a full fetch.
    static func start(_ request: WrapRequest, terminal: TerminalShape, revalidates: Bool) {
        var args = [Argument(revalidates ? "--revalidate" : "--refresh"), Argument("--quiet")]
        if let ttl = request.options.ttlSeconds { args += [Argument("--ttl"), Argument("\(ttl)s")] }
        if let retries = request.options.retries { args += [Argument("--retries"), Argument("\(retries)")] }
        for name in request.options.keyEnv { args += [Argument("--env"), Argument(name)] }
        // gh runs as the user asked: without `--include` added when they said --no-revalidate.
        if request.options.revalidate == false { args.append(Argument("--no-revalidate")) }
        if request.generic { args.append(Argument("--")) }
        args += request.commandLine

        setenv(marker, "1", 1)
        setenv(terminalVariable, text(of: terminal), 1)
        defer {
            unsetenv(marker)
            unsetenv(terminalVariable)
        }
        Detached.spawnSelf(args)
    }

    /// The shape a refresher must key and run with, from its parent's call; never read from
    /// its own /dev/null (a split pipe when the variable is missing or unreadable).
    static func inheritedTerminal() -> TerminalShape? {
        guard isBackground else { return nil }
        return Environment.get(terminalVariable).flatMap(shape(fromText:))
            ?? TerminalShape(isTerminal: false, columns: 0, rows: 0)
    }

    /// `terminalVariable`'s value for `shape`.
    static func text(of shape: TerminalShape) -> String {
        (shape.isTerminal ? "\(shape.columns)x\(shape.rows)" : "pipe") + (shape.merged ? "+merged" : "")
    }

    /// The shape `text(of:)` wrote; nil when the text is not one it writes.
    static func shape(fromText text: String) -> TerminalShape? {
        let merged = text.hasSuffix("+merged")
        let size = merged ? String(text.dropLast("+merged".count)) : text
        if size == "pipe" { return TerminalShape(isTerminal: false, columns: 0, rows: 0, merged: merged) }
        let parts = size.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let columns = parts[0], let rows = parts[1] else { return nil }
        return TerminalShape(isTerminal: true, columns: columns, rows: rows, merged: merged)
    }
}
