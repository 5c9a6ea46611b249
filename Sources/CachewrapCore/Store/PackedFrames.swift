/// An output's frames as the store and the team cache keep them: as they are when small, or
/// packed with zstd (`Zstd`) when larger than `threshold` and a good deal smaller for it
/// (docs/architecture.md, Store). The digests stay those of the frames themselves: the size, the
/// content check and the SHA-256 that names the output are taken over the unpacked bytes, and
/// an unpacked answer is checked against them before a byte of it is replayed.
struct PackedFrames: Sendable {
    /// Frames up to this size are stored exactly as they were before packing existed: a 1 KiB
    /// hit reads and writes the same bytes, with no codec to ask and nothing to unpack.
    static let threshold = 4096
    /// The largest output unpacked in memory. Outputs recorded in memory are at most
    /// `OutputPump.memoryLimit`; the rest leaves room for a later version's larger values
    /// while bounding what a forged size could make a reader allocate.
    static let maxSize = 16 * OutputPump.memoryLimit

    let frames: [UInt8]
    /// The zstd frame to store instead of `frames`; nil when they are stored as they are.
    let packed: [UInt8]?

    /// Packs `frames` when that is worth it: over the threshold, and at least an eighth smaller
    /// (random bytes, or already compressed ones, are kept as they are).
    init(_ frames: [UInt8]) {
        self.frames = frames
        guard frames.count > Self.threshold, frames.count <= Self.maxSize else {
            packed = nil
            return
        }
        let packed = frames.withUnsafeBytes(Zstd.compress)
        self.packed = !packed.isEmpty && packed.count <= frames.count - frames.count / 8 ? packed : nil
    }

    /// Frames whose packed form is known already (a verified team cache value), so storing
    /// them does not pack them again.
    init(frames: [UInt8], packed: [UInt8]?) {
        self.frames = frames
        self.packed = packed
    }

    /// The bytes kept: the packed ones, or the frames.
    var stored: [UInt8] { packed ?? frames }

    /// The codec column of `outputs`: 0 frames as they are, 1 zstd.
    var codec: Int64 { packed == nil ? 0 : 1 }

    /// The frames packed in `packed`, when they are `size` bytes whose content check is `check`
    /// (`AnswerCheck.content`) and well formed; nil for anything else, which is damage.
    static func unpack(_ packed: UnsafeRawBufferPointer, size: Int64, check: UInt64) -> [UInt8]? {
        guard size > Int64(threshold), size <= Int64(maxSize),
              let frames = Zstd.decompress(packed, size: Int(size)),
              AnswerCheck.content(frames) == check, Transcript.isWellFormed(frames) else { return nil }
        return frames
    }

    static func unpack(_ packed: [UInt8], size: Int64, check: UInt64) -> [UInt8]? {
        packed.withUnsafeBytes { unpack($0, size: size, check: check) }
    }
}
