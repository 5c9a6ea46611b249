import Glibc

/// Writes frames that arrive in arbitrary pieces (reads of a blob file) to stdout and stderr: a
/// frame's header or payload may be split across pieces.
struct FrameStreamWriter {
    private var header: [UInt8] = []
    private var stream: UInt8 = 0
    private var remaining = 0
    /// Set when a write to the user failed.
    private(set) var failure: WriteFailure?
    /// Set when the frames were malformed.
    private(set) var malformed = false
    /// Where the frames go; the user's stdout and stderr unless a test or fuzzer says otherwise.
    var sink: (Int32, UnsafeRawBufferPointer) -> WriteFailure? = WriteFailure.write

    var ok: Bool { failure == nil && !malformed }

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
                    malformed = stream != 1 && stream != 2
                }
                continue
            }
            let n = min(remaining, piece.count - at)
            failure = sink(Int32(stream), UnsafeRawBufferPointer(rebasing: piece[at..<(at + n)]))
            at += n
            remaining -= n
        }
    }

    /// True when the frames ended on a frame boundary.
    var isComplete: Bool { header.isEmpty && remaining == 0 }
}

extension FrameStreamWriter {
    /// Replays a stored blob file: first reads it whole to check its size and content check
    /// against what was stored (a damaged or cut blob is a miss, with nothing written), then
    /// streams it. Both passes read through one descriptor and a 1 MiB buffer, so memory stays
    /// flat whatever the size, and the second pass mostly hits the page cache.
    static func replay(_ blob: BlobRef) -> Replay.Outcome {
        let fd = open(blob.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .damaged(.missingBlob) }
        defer { close(fd) }
        if let why = CacheTrust.problem(file: fd, path: blob.path) { return .damaged(.untrusted(why)) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var checker = XXH64()
        var size: Int64 = 0
        var frames = FrameStreamWriter()
        frames.sink = { _, _ in nil }
        guard forEachPiece(fd, buffer, { checker.update($0); frames.feed($0); size += Int64($0.count); return true }) else {
            return .damaged(.truncated("its output file"))
        }
        guard size == blob.size else { return .damaged(.truncated("its output file")) }
        guard checker.finalize() == blob.check else { return .damaged(.digestMismatch("its output file")) }
        guard frames.ok, frames.isComplete else { return .damaged(.malformed("its output file")) }
        guard lseek(fd, 0, SEEK_SET) == 0 else { return .damaged(.truncated("its output file")) }
        var writer = FrameStreamWriter()
        _ = forEachPiece(fd, buffer) { writer.feed($0); return writer.ok }
        if let failure = writer.failure { return .failed(failure) }
        return .delivered
    }

    /// The stdout and stderr bytes in a blob, from its frame headers alone (for the call's
    /// report, after the replay checked the blob); nil when a header cannot be read.
    static func payloadBytes(_ blob: BlobRef) -> Int64? {
        let fd = open(blob.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 5)
        var at: Int64 = 0, payload: Int64 = 0
        while at < blob.size {
            guard pread(fd, &header, 5, off_t(at)) == 5 else { return nil }
            let length = Int64(header[1]) | Int64(header[2]) << 8 | Int64(header[3]) << 16 | Int64(header[4]) << 24
            payload += length
            at += 5 + length
        }
        return payload
    }

    /// Reads `fd` to its end in pieces; false when a read failed or `body` said stop.
    private static func forEachPiece(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer,
                                     _ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return false }
            if n == 0 { return true }
            guard body(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) else { return false }
        }
    }
}
