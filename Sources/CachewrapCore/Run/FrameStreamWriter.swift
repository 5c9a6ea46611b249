import Glibc

/// Writes frames that arrive in arbitrary pieces (reads of a blob file) to stdout and stderr: a
/// frame's header or payload may be split across pieces.
struct FrameStreamWriter {
    private var header: [UInt8] = []
    private var stream: UInt8 = 0
    private var remaining = 0
    /// False once the user's end went away, or the frames were malformed.
    private(set) var ok = true

    mutating func feed(_ piece: UnsafeRawBufferPointer) {
        var at = 0
        while ok && at < piece.count {
            if remaining == 0 {
                header.append(piece[at])
                at += 1
                if header.count == 5 {
                    stream = header[0]
                    remaining = Int(UInt32(header[1]) | UInt32(header[2]) << 8 | UInt32(header[3]) << 16 | UInt32(header[4]) << 24)
                    header.removeAll(keepingCapacity: true)
                    ok = stream == 1 || stream == 2
                }
                continue
            }
            let n = min(remaining, piece.count - at)
            ok = FileIO.writeAll(Int32(stream), UnsafeRawBufferPointer(rebasing: piece[at..<(at + n)]))
            at += n
            remaining -= n
        }
    }
}

extension FrameStreamWriter {
    /// Replays a stored blob file; false when it is unreadable, malformed, or the user's end went
    /// away.
    static func replay(file path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var writer = FrameStreamWriter()
        while writer.ok {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return n == 0 }
            writer.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return false
    }
}
