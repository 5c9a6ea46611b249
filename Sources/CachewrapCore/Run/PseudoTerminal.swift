import CPTY
import Glibc

/// A pseudo-terminal for a tool's stdout when cachewrap's own stdout is a terminal, and for its
/// stderr too when ours is that same terminal, so the tool prints its terminal format (tables,
/// colour, width) while cachewrap still records every byte (docs/architecture.md, Terminal shape).
///
/// Why it looks the way it does:
/// - Output processing is off on the inner terminal (no OPOST, so no ONLCR): the master reads
///   exactly the bytes the tool wrote (`\n`, not `\r\n`), and the user's own terminal translates
///   them once when cachewrap writes them out, live or on replay. With OPOST on, the user would
///   get `\r\r\n` and the cache would hold bytes the tool never wrote.
/// - The other modes (and the window size, pixels included) are copied from the user's terminal,
///   so `stty -a` or a width query from the tool sees what it would see without cachewrap.
/// - Both ends are opened O_NOCTTY and close-on-exec: the pty never becomes anybody's controlling
///   terminal (see `ChildProcess` for why the tool stays in our session), and only the copy that
///   is dup'ed onto the tool's fd 1 (and fd 2, on a merged run) reaches the tool.
struct PseudoTerminal {
    /// Our end: reading it yields what the tool wrote; EIO once every slave copy is closed.
    let master: Int32
    /// The tool's end, dup'ed onto its stdout (and stderr, on a merged run); the parent closes
    /// its copy after spawning.
    let slave: Int32

    /// Opens a pair sized `size` with the user's modes from `modesFrom` (minus output
    /// processing). Throws the failing step and its errno text so the caller can fall back.
    static func open(size: winsize, modesFrom fd: Int32) throws(PseudoTerminalError) -> PseudoTerminal {
        let master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw .failed("posix_openpt", errno) }
        var name = [CChar](repeating: 0, count: 128)
        guard grantpt(master) == 0, unlockpt(master) == 0, ptsname_r(master, &name, name.count) == 0 else {
            let code = errno
            close(master)
            throw .failed("grantpt/unlockpt/ptsname_r", code)
        }
        let slave = Glibc.open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else {
            let code = errno
            close(master)
            throw .failed("open pty slave", code)
        }
        var modes = termios()
        if tcgetattr(fd, &modes) != 0 { _ = tcgetattr(slave, &modes) }
        modes.c_oflag &= ~tcflag_t(OPOST | ONLCR)
        var window = size
        guard tcsetattr(slave, TCSANOW, &modes) == 0, ioctl(slave, UInt(TIOCSWINSZ), &window) == 0 else {
            let code = errno
            close(master); close(slave)
            throw .failed("tcsetattr/TIOCSWINSZ", code)
        }
        return PseudoTerminal(master: master, slave: slave)
    }
}

/// Why no pseudo-terminal could be made; the run then goes on without one (fail open).
enum PseudoTerminalError: Error {
    case failed(String, Int32)

    var message: String {
        switch self {
        case .failed(let step, let code): return "\(step): \(errnoText(code))"
        }
    }
}
