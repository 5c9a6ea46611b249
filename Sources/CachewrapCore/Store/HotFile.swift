import Glibc

/// A copy of each entry's answer in `hot/<cid>`, so a hit is one `open` and one `read`: the
/// process that replays never opens the database at all (no SQLite start-up, no WAL, no shared
/// memory), which is most of a hit's cost beyond a bare process start. The database stays the
/// index of record; every removal deletes the hot file first, inside its transaction, so a
/// mutation's invalidation can never leave a hot file behind to answer.
///
/// Format "CWH2": magic, created, expires, duration (Int64 LE), exit code (Int32 LE), a kind
/// byte, the payload, then an XXH64 of everything before it seeded by the CID
/// (`AnswerCheck.seed`), so a flipped byte, a cut file or another entry's file copied over this
/// name is refused before a byte is replayed. Kind 0: the payload is the frames. Kind 1: the
/// answer is a blob file; the payload is its hex name (64 bytes), its size (Int64) and its
/// content check (UInt64), which the replay verifies over the whole blob first.
///
/// "CWH3" is the same with one more kind, written only for it, so every other hot file stays
/// readable by a cachewrap that knows only CWH2. Kind 2: the frames packed (`PackedFrames`);
/// the payload is their size (Int64), their content check (UInt64) and the zstd frame, which
/// is unpacked into exactly that size and checked before the replay.
enum HotFile {
    static let magic: [UInt8] = Array("CWH2".utf8)
    static let packedMagic: [UInt8] = Array("CWH3".utf8)
    static let headerSize = 33
    static let trailerSize = 8
    static let blobPayloadSize = 64 + 8 + 8
    /// Kind 2's size and content check, before its zstd frame.
    static let packedHeaderSize = 8 + 8
    /// Outputs recorded in memory are copied inline; larger ones, spilled to a blob file while
    /// they ran, point at it. With a lower limit, an output between the two had no hot file and
    /// its hits opened the database (a 1 MiB hit took 3.6 ms instead of about 1.5).
    static let inlineLimit = OutputPump.memoryLimit

    static func directory(_ cache: String) -> String { cache + "/hot" }
    static func path(_ cache: String, _ cid: String) -> String { directory(cache) + "/" + cid }

    /// Writes (or replaces) the hot file of `cid` atomically. Best effort: without it, the next
    /// call is a miss.
    static func write(cache: String, cid: String, createdMs: Int64, expiresMs: Int64, durationMs: Int64,
                      exitCode: Int32, output: PackedFrames?, check: UInt64, blob: BlobRef?) {
        var bytes = output?.packed == nil ? magic : packedMagic
        for value in [createdMs, expiresMs, durationMs] { bytes.appendLittleEndian(value) }
        bytes.appendLittleEndian(exitCode)
        if let output, output.frames.count <= inlineLimit, let packed = output.packed {
            bytes.reserveCapacity(headerSize + packedHeaderSize + packed.count + trailerSize)
            bytes.append(2)
            bytes.appendLittleEndian(Int64(output.frames.count))
            bytes.appendLittleEndian(check)
            bytes += packed
        } else if let frames = output?.frames, frames.count <= inlineLimit {
            bytes.reserveCapacity(headerSize + frames.count + trailerSize)
            bytes.append(0)
            bytes += frames
        } else if let blob {
            bytes.append(1)
            bytes += Array(blob.name.utf8)
            bytes.appendLittleEndian(blob.size)
            bytes.appendLittleEndian(blob.check)
        } else {
            return
        }
        bytes.appendLittleEndian(XXH64.hash(bytes, seed: AnswerCheck.seed(cid: cid)))
        guard let dir = CacheLocation(directory: cache).subdirectory("hot") else { return }
        AtomicFile.write(bytes, to: dir + "/" + cid)
    }

    /// The cached result in `cid`'s hot file, checked; `.damaged` when it is there but wrong.
    static func read(cache: String, cid: String) -> StoredAnswer {
        let path = path(cache, cid)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .missing }
        defer { close(fd) }
        if let why = CacheTrust.problem(file: fd, path: path) { return .damaged(.untrusted(why)) }
        guard let bytes = FileIO.read(fd, limit: inlineLimit + headerSize + packedHeaderSize + trailerSize) else { return .missing }
        return decode(consume bytes, cid: cid, cache: cache)
    }

    /// Parses and checks a hot file's bytes. The frames are cut out of the file's own array in
    /// place: a copy would touch another megabyte of fresh pages on a large hit.
    static func decode(_ bytes: consuming [UInt8], cid: String, cache: String) -> StoredAnswer {
        guard bytes.count >= headerSize + trailerSize else { return .damaged(.malformed("the hot file")) }
        let packed = Array(bytes[0..<4]) == packedMagic
        guard packed || Array(bytes[0..<4]) == magic else { return .damaged(.malformed("the hot file")) }
        let end = bytes.count - trailerSize
        let stored = bytes.littleEndian(UInt64.self, at: end)
        let actual = bytes.withUnsafeBytes { XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[0..<end]), seed: AnswerCheck.seed(cid: cid)) }
        guard stored == actual else { return .damaged(.digestMismatch("the hot file")) }
        var result = CachedResult(createdMs: bytes.littleEndian(Int64.self, at: 4),
                                  expiresMs: bytes.littleEndian(Int64.self, at: 12),
                                  exitCode: bytes.littleEndian(Int32.self, at: 28),
                                  durationMs: bytes.littleEndian(Int64.self, at: 20), frames: [])
        switch bytes[32] {
        case 2 where packed && end - headerSize > packedHeaderSize:
            let size = bytes.littleEndian(Int64.self, at: headerSize)
            guard size <= inlineLimit, let frames = bytes.withUnsafeBytes({
                PackedFrames.unpack(UnsafeRawBufferPointer(rebasing: $0[headerSize + packedHeaderSize..<end]), size: size,
                                    check: bytes.littleEndian(UInt64.self, at: headerSize + 8))
            }) else { return .damaged(.digestMismatch("the hot file's packed frames")) }
            result.frames = frames
        case 0:
            bytes.removeLast(trailerSize)
            bytes.removeFirst(headerSize)
            guard Transcript.isWellFormed(bytes) else { return .damaged(.malformed("the hot file's frames")) }
            result.frames = bytes
        case 1 where end - headerSize == blobPayloadSize:
            let name = String(decoding: bytes[headerSize..<headerSize + 64], as: UTF8.self)
            guard name.allSatisfy(\.isHexDigit) else { return .damaged(.malformed("the hot file")) }
            result.blob = BlobRef(cache: cache, name: name, size: bytes.littleEndian(Int64.self, at: headerSize + 64),
                                  check: bytes.littleEndian(UInt64.self, at: headerSize + 72))
        default:
            return .damaged(.malformed("the hot file"))
        }
        return .found(result)
    }

    static func remove(cache: String, cid: String) {
        unlink(path(cache, cid))
    }
}
