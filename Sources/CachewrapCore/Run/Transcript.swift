/// A recorded run's output: stdout and stderr chunks in the order they were read, so a replay
/// interleaves the two streams as the user first saw them.
///
/// Stored as one blob of frames — 1 byte stream (1 = stdout, 2 = stderr), 4 bytes little-endian
/// length, the bytes — which is binary-safe and never re-encoded.
public struct Transcript: Equatable, Sendable {
    public private(set) var bytes: [UInt8] = []
    public private(set) var stdoutCount = 0
    public private(set) var stderrCount = 0
    /// The tool's stdout and stderr were one channel (`TerminalShape.merged`): everything it
    /// wrote is in the stdout frames, in its order, and nothing tells which bytes went to fd 2.
    /// Checks that look for a pattern on stderr (gh's `(HTTP 503)`) look there too. Not stored:
    /// the key already says the entry is merged.
    public var merged = false
    /// Where the last frame's length field starts, so a chunk of the same stream extends it.
    private var lastFrame: (stream: UInt8, lengthAt: Int)?

    public init() {}

    public static func == (a: Transcript, b: Transcript) -> Bool { a.bytes == b.bytes }

    /// Rebuilds a transcript from stored frames; nil when the frames are malformed.
    public init?(frames: [UInt8]) {
        guard Transcript.isWellFormed(frames) else { return nil }
        Transcript.forEachFrame(in: frames, { stream, chunk in self.append(stream: stream, chunk) }, ifMalformed: {})
    }

    /// Whether `frames` parse to the end with streams 1 and 2 only: a damaged entry is then a
    /// miss before any byte of it is written.
    static func isWellFormed(_ frames: [UInt8]) -> Bool {
        var ok = true
        forEachFrame(in: frames, { stream, _ in if stream != 1 && stream != 2 { ok = false } }, ifMalformed: { ok = false })
        return ok
    }

    /// Appends a chunk read from `stream` (1 or 2), merging it into the previous frame when
    /// the stream did not change.
    public mutating func append(stream: UInt8, _ chunk: UnsafeRawBufferPointer) {
        guard chunk.count > 0 else { return }
        if stream == 1 { stdoutCount += chunk.count } else { stderrCount += chunk.count }
        if let last = lastFrame, last.stream == stream {
            let old = Int(readLength(bytes, at: last.lengthAt))
            writeLength(UInt32(old + chunk.count), at: last.lengthAt)
        } else {
            bytes.append(stream)
            lastFrame = (stream, bytes.count)
            bytes.append(contentsOf: [0, 0, 0, 0])
            writeLength(UInt32(chunk.count), at: bytes.count - 4)
        }
        bytes.append(contentsOf: chunk)
    }

    public mutating func append(stream: UInt8, _ chunk: [UInt8]) {
        chunk.withUnsafeBytes { append(stream: stream, $0) }
    }

    /// The bytes of one stream alone (for `show --stdout`).
    public func stream(_ which: UInt8) -> [UInt8] {
        var out: [UInt8] = []
        Transcript.forEachFrame(in: bytes) { stream, chunk in
            if stream == which { out.append(contentsOf: chunk) }
        } ifMalformed: {}
        return out
    }

    /// Walks frames in order; calls `ifMalformed` and stops at a truncated or oversized frame.
    static func forEachFrame(
        in frames: UnsafeRawBufferPointer,
        _ body: (UInt8, UnsafeRawBufferPointer) -> Void,
        ifMalformed: () -> Void
    ) {
        var at = 0
        while at < frames.count {
            guard frames.count - at >= 5 else { return ifMalformed() }
            let length = Int(frames.loadUnaligned(fromByteOffset: at + 1, as: UInt32.self).littleEndian)
            let start = at + 5
            guard frames.count - start >= length else { return ifMalformed() }
            body(frames[at], UnsafeRawBufferPointer(rebasing: frames[start..<start + length]))
            at = start + length
        }
    }

    static func forEachFrame(
        in frames: [UInt8], _ body: (UInt8, UnsafeRawBufferPointer) -> Void, ifMalformed: () -> Void
    ) {
        frames.withUnsafeBytes { forEachFrame(in: $0, body, ifMalformed: ifMalformed) }
    }

    private func readLength(_ b: [UInt8], at i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    private mutating func writeLength(_ v: UInt32, at i: Int) {
        bytes[i] = UInt8(truncatingIfNeeded: v)
        bytes[i + 1] = UInt8(truncatingIfNeeded: v >> 8)
        bytes[i + 2] = UInt8(truncatingIfNeeded: v >> 16)
        bytes[i + 3] = UInt8(truncatingIfNeeded: v >> 24)
    }
}
