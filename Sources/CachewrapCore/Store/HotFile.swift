import Glibc

/// A copy of each entry's answer in `hot/<cid>`, so a hit is one `open` and one `read`: the
/// process that replays never opens the database at all (no SQLite start-up, no WAL, no shared
/// memory), which is most of a hit's cost beyond a bare process start. The database stays the
/// index of record; every removal deletes the hot file first, inside its transaction, so a
/// mutation's invalidation can never leave a hot file behind to answer.
///
/// Format: "CWH1", created, expires, duration (Int64 LE), exit code (Int32 LE), a kind byte
/// (0: the frames follow; 1: a blob file's hex hash follows), then the payload.
enum HotFile {
    static let magic: [UInt8] = Array("CWH1".utf8)
    /// Outputs recorded in memory are copied inline; larger ones, spilled to a blob file while
    /// they ran, point at it. With a lower limit, an output between the two had no hot file and
    /// its hits opened the database (a 1 MiB hit took 3.6 ms instead of about 1.5).
    static let inlineLimit = OutputPump.memoryLimit

    static func directory(_ cache: String) -> String { cache + "/hot" }
    static func path(_ cache: String, _ cid: String) -> String { directory(cache) + "/" + cid }

    /// Writes (or replaces) the hot file of `cid` atomically. Best effort: without it, a hit
    /// reads the database instead.
    static func write(cache: String, cid: String, createdMs: Int64, expiresMs: Int64, durationMs: Int64,
                      exitCode: Int32, frames: [UInt8]?, blobHash: [UInt8]?) {
        var bytes = magic
        for value in [createdMs, expiresMs, durationMs] { bytes.appendLittleEndian(value) }
        bytes.appendLittleEndian(exitCode)
        if let frames, frames.count <= inlineLimit {
            bytes.append(0)
            bytes += frames
        } else if let blobHash {
            bytes.append(1)
            bytes += Array(Hex.encode(blobHash).utf8)
        } else {
            return
        }
        guard let dir = CacheLocation(directory: cache).subdirectory("hot") else { return }
        let temp = dir + "/.\(cid).\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let written = FileIO.writeAll(fd, bytes)
        close(fd)
        if !written || rename(temp, path(cache, cid)) != 0 { unlink(temp) }
    }

    /// The cached result in `cid`'s hot file; nil when there is none or it is unreadable.
    static func read(cache: String, cid: String) -> CachedResult? {
        guard let bytes = FileIO.readFile(path(cache, cid), limit: inlineLimit + 64) else { return nil }
        return decode(bytes, cid: cid, cache: cache)
    }

    /// Parses a hot file's bytes; nil when they are not a well-formed hot file of `cid`.
    static func decode(_ file: [UInt8], cid: String, cache: String) -> CachedResult? {
        var bytes = file
        guard bytes.count >= 33, Array(bytes[0..<4]) == magic else { return nil }
        var result = CachedResult(createdMs: bytes.littleEndian(Int64.self, at: 4),
                                  expiresMs: bytes.littleEndian(Int64.self, at: 12),
                                  exitCode: bytes.littleEndian(Int32.self, at: 28),
                                  durationMs: bytes.littleEndian(Int64.self, at: 20), frames: [])
        switch bytes[32] {
        case 0:
            bytes.removeFirst(33)  // in place: a copy would touch another megabyte of fresh pages
            result.frames = bytes
            guard Transcript.isWellFormed(result.frames) else { return nil }
        case 1:
            result.blobPath = cache + "/blobs/" + String(decoding: bytes[33...], as: UTF8.self)
            guard FileIO.isReadable(result.blobPath) else { return nil }
        default:
            return nil
        }
        return result
    }

    static func remove(cache: String, cid: String) {
        unlink(path(cache, cid))
    }
}
