import Glibc

/// Feeds a tool's stdin from inside the output pump's poll loop, so input and output move
/// together and neither side can block the other: first the bytes cachewrap read (and keyed),
/// then, for stdin past the key limit, the rest of ours as it comes, 64 KiB at a time, so memory
/// stays bounded however long the input runs (`yes | cachewrap -- head -1`).
struct StdinFeed {
    private var pending: [UInt8]
    private var written = 0
    /// Our end of the tool's stdin pipe; -1 once closed (the tool then reads end of file).
    private var toTool: Int32
    /// Our own stdin while relaying it; -1 when there is nothing more to relay. Never closed or
    /// made non-blocking: it is shared with whoever started cachewrap.
    private var fromUser: Int32

    init(bytes: [UInt8], relay: Bool, toTool fd: Int32) {
        pending = bytes
        toTool = fd
        fromUser = relay ? 0 : -1
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        if pending.isEmpty && !relay { finish() }
    }

    /// What to wait for: room in the tool's pipe while bytes are pending, else input from ours.
    var pollDescriptors: (tool: pollfd, user: pollfd) {
        let feeding = toTool >= 0 && written < pending.count
        return (pollfd(fd: feeding ? toTool : -1, events: Int16(POLLOUT), revents: 0),
                pollfd(fd: !feeding && toTool >= 0 ? fromUser : -1, events: Int16(POLLIN), revents: 0))
    }

    /// Moves what can move without blocking, after `poll` reported readiness.
    mutating func step(toolReady: Bool, userReady: Bool) {
        if toolReady, toTool >= 0, written < pending.count {
            let n = pending.withUnsafeBytes { write(toTool, $0.baseAddress! + written, $0.count - written) }
            if n > 0 { written += n }
            // EPIPE: the tool stopped reading (head -1); nothing more is sent, as without us.
            if n < 0 && errno != EAGAIN && errno != EINTR { return finish() }
            if written == pending.count {
                guard fromUser >= 0 else { return finish() }
                pending = []  // the keyed head can be large: free it before relaying the rest
                written = 0
            }
        }
        if userReady, fromUser >= 0, written == pending.count {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(fromUser, $0.baseAddress, $0.count) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { return }
            guard n > 0 else { return finish() }
            pending = Array(chunk[0..<n])
            written = 0
        }
    }

    /// Ends the tool's input: it reads end of file.
    mutating func finish() {
        if toTool >= 0 { close(toTool) }
        toTool = -1
        fromUser = -1
        pending = []
        written = 0
    }
}
