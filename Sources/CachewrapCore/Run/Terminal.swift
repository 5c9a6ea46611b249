import Glibc

/// Whether stdout is a terminal and how wide: tools format differently for a terminal, so the
/// shape is part of the key (DESIGN.md section 9).
public struct TerminalShape: Equatable, Sendable {
    public var isTerminal: Bool
    public var columns: Int
    public var rows: Int

    public static func ofStdout() -> TerminalShape {
        guard FileIO.isTerminal(1) else { return TerminalShape(isTerminal: false, columns: 0, rows: 0) }
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0 else { return TerminalShape(isTerminal: true, columns: 0, rows: 0) }
        return TerminalShape(isTerminal: true, columns: Int(size.ws_col), rows: Int(size.ws_row))
    }
}
