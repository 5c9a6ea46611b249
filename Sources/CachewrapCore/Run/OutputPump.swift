import Glibc

/// Moves a running tool's bytes: stdin data in, stdout and stderr out to the user and into the
/// transcript, in the order they were read.
///
/// Output is held back (recorded, not yet shown) while a retry or a stale answer could still
/// replace it, up to `holdBack` bytes; past that it is flushed and the rest streams live, so a
/// long output still shows as it comes and memory stays bounded.
struct OutputPump {
    let recordLimit: Int
    let holdBack: Int
    let stdinData: [UInt8]?
    private(set) var transcript = Transcript()
    /// The recording limit was passed or our reader went away: shown, but not storable.
    private(set) var overflowed = false
    /// Whether what was read so far has reached the user.
    private(set) var shown: Bool

    init(recordLimit: Int, holdBack: Int, stdinData: [UInt8]?) {
        self.recordLimit = recordLimit
        self.holdBack = holdBack
        self.stdinData = stdinData
        self.shown = holdBack == 0
    }

    /// Runs until both outputs end (EOF on a pipe, EIO on a pty master). An fd is closed only
    /// when a read returns nothing, never on POLLHUP alone, so the last bytes in a pty's buffer
    /// are read before its EIO.
    mutating func run(out: Int32, err: Int32, input: Int32?) {
        var fds = [pollfd(fd: out, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: err, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: input ?? -1, events: Int16(POLLOUT), revents: 0)]
        if let input { _ = fcntl(input, F_SETFL, fcntl(input, F_GETFL) | O_NONBLOCK) }
        var written = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while fds[0].fd >= 0 || fds[1].fd >= 0 {
            if poll(&fds, 3, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[2].fd >= 0, fds[2].revents != 0, let data = stdinData {
                let n = data.withUnsafeBytes { raw in write(fds[2].fd, raw.baseAddress! + written, raw.count - written) }
                if n > 0 { written += n }
                if n < 0 && errno != EAGAIN && errno != EINTR || written == data.count {
                    close(fds[2].fd)
                    fds[2].fd = -1
                }
            }
            for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                let delivered = n > 0 && buffer.withUnsafeBytes { raw in
                    take(stream: UInt8(i + 1), UnsafeRawBufferPointer(rebasing: raw[0..<n]))
                }
                if !delivered {
                    // End of this stream, or our reader went away (`| head`): close the tool's
                    // end too, so it meets the broken pipe it would have met alone.
                    if n > 0 { overflowed = true }
                    close(fds[i].fd)
                    fds[i].fd = -1
                }
            }
        }
        if fds[2].fd >= 0 { close(fds[2].fd) }
    }

    /// Records a chunk and shows it (now, or later when held back); false when the user's end
    /// of the stream is gone.
    private mutating func take(stream: UInt8, _ chunk: UnsafeRawBufferPointer) -> Bool {
        if !overflowed {
            if transcript.bytes.count + chunk.count > recordLimit {
                guard flush() else { return false }
                overflowed = true
                transcript = Transcript()
            } else {
                transcript.append(stream: stream, chunk)
                if shown { return FileIO.writeAll(Int32(stream), chunk) }
                return transcript.bytes.count <= holdBack || flush()
            }
        }
        return FileIO.writeAll(Int32(stream), chunk)
    }

    /// Shows everything held back so far and streams live from now on.
    private mutating func flush() -> Bool {
        guard !shown else { return true }
        shown = true
        return Replay.write(transcript.bytes)
    }
}
