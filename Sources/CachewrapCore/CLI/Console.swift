/// The one place cachewrap speaks: everything goes to stderr with the `cachewrap:` prefix, so a
/// wrapped tool's stdout stays exactly the tool's.
public enum Console {
    /// Set from `--quiet` / `CACHEWRAP_QUIET=1`; silences notices and warnings, never errors.
    nonisolated(unsafe) public static var quiet = false

    public static func error(_ message: String) {
        FileIO.writeAll(2, "cachewrap: \(message)\n")
    }

    /// Something went wrong in cachewrap but the command still runs (fail open).
    public static func warn(_ message: String) {
        guard !quiet else { return }
        FileIO.writeAll(2, "cachewrap: warning: \(message)\n")
    }

    public static func notice(_ message: String) {
        guard !quiet else { return }
        FileIO.writeAll(2, "cachewrap: \(message)\n")
    }

    /// How a wrapped call ended (`--status`, CACHEWRAP_STATUS=1): asked for by name, so
    /// `--quiet` does not silence it.
    static func status(_ line: String) {
        FileIO.writeAll(2, "cachewrap: \(line)\n")
    }

    /// Output of a management command (stats, ls, show...): that is its data, so stdout.
    public static func output(_ text: String) {
        FileIO.writeAll(1, text)
    }
}
