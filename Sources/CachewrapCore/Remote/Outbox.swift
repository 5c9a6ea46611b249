import Glibc

/// The write-behind queue of the team cache: `<cachedir>/outbox/`, one file per pending write,
/// so a run never waits for Redis. The run path `enqueue`s (a local file write, no network);
/// a detached flusher calls `drain`, which sends the files and deletes the ones that are done.
///
/// A file is `"CWO1"` · expiry (Int64 ms, absolute, so a late flush sends the right remaining TTL)
/// · key length (UInt16) · key · envelope. It is written to a dot-temp name and renamed, so the
/// flusher never reads half a file; its name is a digest of the key, so a second write of the same
/// key replaces the pending one instead of queueing twice.
public struct Outbox: Sendable {
    public let directory: String
    /// `<cachedir>/outbox.lock`: held (flock, non-blocking) by the one flusher that drains.
    let lockPath: String
    /// The most pending writes kept: with Redis down for days the queue must not grow without
    /// bound; past this, new writes are dropped (the local cache still has them).
    public let maxPending: Int

    static let magic: [UInt8] = Array("CWO1".utf8)

    public init(cacheDirectory: String, maxPending: Int = 1000) {
        directory = cacheDirectory + "/outbox"
        lockPath = cacheDirectory + "/outbox.lock"
        self.maxPending = maxPending
    }

    /// What `enqueue` did; never an error the user sees, since the local cache already has the result.
    public enum Enqueued: Sendable, Equatable {
        case queued
        /// `maxPending` writes are already waiting; this one was dropped.
        case full
        /// The file could not be written (fail open: the local cache still has the result).
        case failed(String)
    }

    /// Queues one write. Costs a directory count and one small file write; never the network.
    public func enqueue(key: String, envelope: [UInt8], expiresMs: Int64) -> Enqueued {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { return .failed("\(directory): \(errnoText(errno))") }
        guard pendingFiles().count < maxPending else { return .full }
        var bytes = Self.magic
        bytes.appendLittleEndian(UInt64(bitPattern: expiresMs))
        let keyBytes = Array(key.utf8.prefix(Int(UInt16.max)))
        bytes.appendLittleEndian(UInt16(keyBytes.count))
        bytes.append(contentsOf: keyBytes)
        bytes.append(contentsOf: envelope)
        let name = Hex.encode(SHA256.hash(keyBytes).prefix(20))
        guard AtomicFile.write(bytes, to: "\(directory)/\(name)") else {
            return .failed("\(directory): cannot write a pending write: \(errnoText(errno))")
        }
        return .queued
    }

    /// Pending writes (for the `outbox_pending` counter and `doctor`).
    public func pendingCount() -> Int { pendingFiles().count }

    /// A pending write read back; nil when the file is damaged.
    struct Pending {
        var key: String
        var expiresMs: Int64
        var envelope: [UInt8]

        init?(_ bytes: [UInt8]) {
            guard bytes.count >= 14, Array(bytes[0..<4]) == Outbox.magic else { return nil }
            let keyLength = Int(bytes.littleEndian(UInt16.self, at: 12))
            guard bytes.count >= 14 + keyLength else { return nil }
            expiresMs = Int64(bitPattern: bytes.littleEndian(UInt64.self, at: 4))
            key = String(decoding: bytes[14..<(14 + keyLength)], as: UTF8.self)
            envelope = Array(bytes[(14 + keyLength)...])
        }
    }

    /// Names of the pending files (temp files start with a dot and are not pending yet).
    func pendingFiles() -> [String] {
        Self.names(in: directory).filter { !$0.hasPrefix(".") }
    }

    /// The entries of a directory except `.` and `..`; empty when it cannot be read.
    static func names(in directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
