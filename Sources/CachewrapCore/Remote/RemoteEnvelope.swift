/// The value stored under a team cache key: one cached result, self-describing and checked.
///
/// Layout, integers little-endian like the transcript frames:
/// `"CWR1"` · version (1 byte) · exit code (Int32) · created ms · expires ms · duration ms
/// (Int64 each) · mark count (1 byte) · marks (Int64 each) · frames length (UInt64) · frames ·
/// SHA-256 of the CID, a NUL and everything before it (32 bytes).
///
/// Version 2 binds the digest to the CID, so a value copied under another key is refused too.
/// Version 3 carries the scope's marks as the server had them before the run (see `Scope`,
/// `RemoteAnswer`): a value whose marks are not the current ones predates a mutation.
/// Version 4 is version 3 with the frames packed (`PackedFrames`, written only for frames worth
/// packing, so small values stay version 3 and readable by a cachewrap that knows no other):
/// the frames length is the unpacked one, then their content check (XXH64, `AnswerCheck`),
/// then the zstd frame. The SHA-256 covers the value as stored, packed bytes and all, so a
/// changed byte is refused before anything is unpacked; the frames unpacked must then be exactly
/// the recorded length and match the content check, or the value is corrupt all the same.
/// The digest catches truncation and bit rot (and a value someone wrote by hand with redis-cli):
/// such a value is `corrupt`, counted and never replayed, because replaying garbage as a tool's
/// output would break principle 4 (exact replay). It is an integrity check, not a signature:
/// who may write the keys is decided by Redis ACLs.
public struct RemoteEnvelope: Sendable, Equatable {
    public var exitCode: Int32
    public var createdMs: Int64
    public var expiresMs: Int64
    public var durationMs: Int64
    /// The counts of the scope's marks read before the run that made this value.
    public var marks: [Int64]
    /// The transcript frames exactly as the local store keeps them (see `Transcript`).
    public var frames: [UInt8]
    /// `frames` packed, when known (decoded from version 4, or packed for the local store):
    /// encoding uses it rather than packing again. Not part of equality: it says nothing more.
    var packed: [UInt8]?

    public init(exitCode: Int32, createdMs: Int64, expiresMs: Int64, durationMs: Int64, marks: [Int64] = [],
                frames: [UInt8]) {
        self.exitCode = exitCode; self.createdMs = createdMs; self.expiresMs = expiresMs
        self.durationMs = durationMs; self.marks = marks; self.frames = frames
    }

    /// The envelope of a result found in (or about to go into) the local store.
    public init(_ result: CachedResult, marks: [Int64] = []) {
        self.init(exitCode: result.exitCode, createdMs: result.createdMs, expiresMs: result.expiresMs,
                  durationMs: result.durationMs, marks: marks, frames: result.frames)
        packed = result.packed
    }

    public static func == (a: RemoteEnvelope, b: RemoteEnvelope) -> Bool {
        (a.exitCode, a.createdMs, a.expiresMs, a.durationMs) == (b.exitCode, b.createdMs, b.expiresMs, b.durationMs)
            && a.marks == b.marks && a.frames == b.frames
    }

    /// The result to replay and store locally.
    public var cachedResult: CachedResult {
        CachedResult(createdMs: createdMs, expiresMs: expiresMs, exitCode: exitCode, durationMs: durationMs, frames: frames,
                     packed: packed)
    }

    public static let magic: [UInt8] = Array("CWR1".utf8)
    /// The version of a value whose frames are as they are; `packedVersion` when packed.
    public static let version: UInt8 = 3
    public static let packedVersion: UInt8 = 4
    /// Bytes before the marks: magic 4, version 1, exit code 4, three timestamps 24, mark count 1.
    static let fixedSize = 34
    /// The most marks a scope reads (`Scope.marksRead`), with room to spare.
    static let maxMarks = 8
    static let lengthSize = 8
    static let digestSize = 32

    /// The bytes to SET.
    public func encode(cid: String) -> [UInt8] {
        let packed = packed ?? PackedFrames(frames).packed
        var out = Self.magic
        out.reserveCapacity(Self.fixedSize + 8 * marks.count + 2 * Self.lengthSize + (packed ?? frames).count + Self.digestSize)
        out.append(packed == nil ? Self.version : Self.packedVersion)
        out.appendLittleEndian(UInt32(bitPattern: exitCode))
        out.appendLittleEndian(UInt64(bitPattern: createdMs))
        out.appendLittleEndian(UInt64(bitPattern: expiresMs))
        out.appendLittleEndian(UInt64(bitPattern: durationMs))
        out.append(UInt8(marks.count))
        for mark in marks { out.appendLittleEndian(UInt64(bitPattern: mark)) }
        out.appendLittleEndian(UInt64(frames.count))
        if let packed {
            out.appendLittleEndian(AnswerCheck.content(frames))
            out.append(contentsOf: packed)
        } else {
            out.append(contentsOf: frames)
        }
        out.append(contentsOf: out.withUnsafeBytes { Self.digest(cid: cid, $0) })
        return out
    }

    /// Why a stored value was refused; each is a distinct outcome so `doctor` can say which.
    public enum Corruption: Error, Equatable, Sendable {
        case tooShort, badMagic
        case unsupportedVersion(UInt8)
        case lengthMismatch, checksumMismatch, badFrames, badMarks
        /// Version 4's packed frames do not unpack to their recorded length and content check.
        case badPacking
        /// A time before 1970 or after 9999 (or a negative duration): the checksum proves only
        /// that the writer meant it, and the hit path's arithmetic on such times overflows.
        case badTimes

        public var message: String {
            switch self {
            case .tooShort: "value too short to be an envelope"
            case .badMagic: "not a cachewrap envelope (bad magic)"
            case .unsupportedVersion(let v): "envelope version \(v) is not supported"
            case .lengthMismatch: "envelope length does not match its header (truncated or padded)"
            case .checksumMismatch: "envelope checksum mismatch"
            case .badFrames: "envelope frames are malformed"
            case .badMarks: "envelope scope marks are malformed"
            case .badPacking: "envelope packed frames do not unpack to what they recorded"
            case .badTimes: "envelope times are out of range"
            }
        }
    }

    /// The latest time an envelope may carry: the end of year 9999, in milliseconds.
    static let maxTimeMs: Int64 = 253_402_300_799_999

    /// Checks magic, version, length, digest, times and frame structure, in that order, and
    /// only then returns the envelope.
    public static func decode(_ bytes: [UInt8], cid: String) -> Result<RemoteEnvelope, Corruption> {
        guard bytes.count >= fixedSize + lengthSize + digestSize else {
            return .failure(bytes.count >= 4 && Array(bytes[0..<4]) != magic ? .badMagic : .tooShort)
        }
        guard Array(bytes[0..<4]) == magic else { return .failure(.badMagic) }
        let isPacked = bytes[4] == packedVersion
        guard isPacked || bytes[4] == version else { return .failure(.unsupportedVersion(bytes[4])) }
        let markCount = Int(bytes[fixedSize - 1])
        let headerSize = fixedSize + 8 * markCount + lengthSize * (isPacked ? 2 : 1)
        guard markCount <= maxMarks else { return .failure(.badMarks) }
        guard bytes.count >= headerSize + digestSize else { return .failure(.lengthMismatch) }
        let framesAt = fixedSize + 8 * markCount
        let framesCount = bytes.littleEndian(UInt64.self, at: framesAt)
        guard isPacked ? framesCount <= UInt64(PackedFrames.maxSize)
                       : framesCount == UInt64(bytes.count - headerSize - digestSize) else { return .failure(.lengthMismatch) }
        let digestAt = bytes.count - digestSize
        let digest = bytes.withUnsafeBytes { Self.digest(cid: cid, UnsafeRawBufferPointer(rebasing: $0[0..<digestAt])) }
        guard bytes[digestAt...].elementsEqual(digest) else { return .failure(.checksumMismatch) }
        let envelope = RemoteEnvelope(
            exitCode: Int32(bitPattern: bytes.littleEndian(UInt32.self, at: 5)),
            createdMs: Int64(bitPattern: bytes.littleEndian(UInt64.self, at: 9)),
            expiresMs: Int64(bitPattern: bytes.littleEndian(UInt64.self, at: 17)),
            durationMs: Int64(bitPattern: bytes.littleEndian(UInt64.self, at: 25)),
            marks: (0..<markCount).map { Int64(bitPattern: bytes.littleEndian(UInt64.self, at: fixedSize + 8 * $0)) },
            frames: [])
        guard [envelope.createdMs, envelope.expiresMs, envelope.durationMs].allSatisfy({ (0...maxTimeMs).contains($0) })
        else { return .failure(.badTimes) }
        var result = envelope
        if isPacked {
            result.packed = Array(bytes[headerSize..<digestAt])
            guard let frames = PackedFrames.unpack(result.packed!, size: Int64(framesCount),
                                                   check: bytes.littleEndian(UInt64.self, at: framesAt + lengthSize))
            else { return .failure(.badPacking) }
            result.frames = frames
            return .success(result)
        }
        let frames = Array(bytes[headerSize..<digestAt])
        var wellFormed = true
        Transcript.forEachFrame(in: frames) { stream, _ in
            if stream != 1 && stream != 2 { wellFormed = false }
        } ifMalformed: { wellFormed = false }
        guard wellFormed else { return .failure(.badFrames) }
        result.frames = frames
        return .success(result)
    }
}

extension RemoteEnvelope {
    /// SHA-256 over the CID, a NUL, then the envelope's bytes before the digest.
    static func digest(cid: String, _ body: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(Array(cid.utf8) + [0])
        hasher.update(body)
        return hasher.finalize()
    }
}

extension [UInt8] {
    /// Appends `value` as little-endian bytes (envelope and outbox headers).
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Reads a little-endian integer at `offset`; the caller has checked the bounds.
    func littleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
