import Glibc

/// Whether stdout is a terminal and how big, and whether stderr is the same output: tools format
/// differently for a terminal, so the shape is part of the key (docs/architecture.md, Terminal shape), and a
/// terminal run gives the tool a pseudo-terminal of exactly this shape (`ChildProcess`), so what
/// is stored matches the key.
public struct TerminalShape: Equatable, Sendable {
    public var isTerminal: Bool
    public var columns: Int
    public var rows: Int
    /// Pixel size as the terminal reports it (often 0). Not keyed: copied to the inner
    /// pseudo-terminal only so tools that size images from it see the real terminal.
    public var pixelWidth: Int = 0
    public var pixelHeight: Int = 0
    /// Our stdout and stderr are one output (`2>&1`, or one terminal on both; see
    /// `SharedOutput`). The tool then gets one channel for both, so its writes keep their order,
    /// and the key says so: a recording of one merged stream cannot answer a call that shows
    /// stdout and stderr apart, nor the other way round.
    public var merged = false

    /// Not a terminal, stderr apart: what a test or a report states when no terminal matters.
    public static let pipe = TerminalShape(isTerminal: false, columns: 0, rows: 0)

    public static func ofStdout() -> TerminalShape {
        if let inherited = BackgroundRefresh.inheritedTerminal() { return inherited }
        let merged = SharedOutput.same(1, 2)
        guard FileIO.isTerminal(1) else { return TerminalShape(isTerminal: false, columns: 0, rows: 0, merged: merged) }
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0 else {
            return TerminalShape(isTerminal: true, columns: 0, rows: 0, merged: merged)
        }
        return TerminalShape(isTerminal: true, columns: Int(size.ws_col), rows: Int(size.ws_row),
                             pixelWidth: Int(size.ws_xpixel), pixelHeight: Int(size.ws_ypixel), merged: merged)
    }

    /// The shape as TIOCSWINSZ wants it, for the tool's pseudo-terminal.
    var windowSize: winsize {
        winsize(ws_row: UInt16(clamping: rows), ws_col: UInt16(clamping: columns),
                ws_xpixel: UInt16(clamping: pixelWidth), ws_ypixel: UInt16(clamping: pixelHeight))
    }
}
