import Glibc

/// Where a large recording goes once it outgrows memory: a temporary file in the cache
/// directory, so a 100 MiB output is streamed live and stored with a bounded resident size.
/// Storing renames it into `blobs/` under its hash; otherwise it is removed when released
/// (`gc` sweeps what a crash left).
final class SpillFile: @unchecked Sendable {
    private let fd: Int32
    private var path: String?
    /// Bytes of frames written so far.
    private(set) var size = 0
    private(set) var stdoutCount = 0
    private(set) var stderrCount = 0
    /// The content address of the frames, computed as they are written.
    private var hasher = SHA256()
    /// Their content check (`AnswerCheck.content`), likewise.
    private var checker = XXH64()

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        close(fd)
        if let path { unlink(path) }
    }

    /// A new spill file in `directory`; nil when none can be made.
    static func create(in directory: String) -> SpillFile? {
        var template = Array((directory + "/spill.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return SpillFile(fd: fd, path: template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }

    /// Moves the file to `target` (same file system: an atomic rename); it is then kept.
    func persist(as target: String) -> Bool {
        guard let path, rename(path, target) == 0 else { return false }
        self.path = nil
        return true
    }

    /// Appends already-framed bytes (the in-memory head of the recording).
    func appendFrames(_ frames: [UInt8], stdout: Int, stderr: Int) -> Bool {
        stdoutCount += stdout
        stderrCount += stderr
        return frames.withUnsafeBytes { write($0) }
    }

    /// Appends one chunk of `stream` as its own frame.
    func append(stream: UInt8, _ chunk: UnsafeRawBufferPointer) -> Bool {
        if stream == 1 { stdoutCount += chunk.count } else { stderrCount += chunk.count }
        let n = UInt32(chunk.count)
        let header: [UInt8] = [stream, UInt8(truncatingIfNeeded: n), UInt8(truncatingIfNeeded: n >> 8),
                               UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 24)]
        return header.withUnsafeBytes { write($0) } && write(chunk)
    }

    private func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        hasher.update(bytes)
        checker.update(bytes)
        size += bytes.count
        return FileIO.writeAll(fd, bytes)
    }

    /// SHA-256 of everything written; call once, after the last append.
    func digest() -> [UInt8] { hasher.finalize() }

    /// XXH64 of everything written: the check a replay verifies the blob against.
    func check() -> UInt64 { checker.finalize() }
}
