import CZstd

/// zstd, the one codec of packed outputs (`PackedFrames`): fast enough at level 1 to pack a
/// miss's output as it is stored, and its decoder runs well above the replay targets
/// (docs/architecture.md, Performance targets).
///
/// Decompression reads bytes that passed a digest (a hot file's, a row's, an envelope's), yet
/// is written as if they were anyone's: the output is exactly the size recorded next to them or
/// nothing. The frame must say that size itself, be one frame with nothing after it, and decode
/// to exactly that many bytes; zstd never writes past the buffer it is given, so garbage costs
/// at most one buffer of the recorded size, and that size is capped by the caller.
enum Zstd {
    /// Level 1: a 2 MB JSON listing packs to about a tenth at several hundred MB/s; higher
    /// levels gain a few percent of size for two to three times the time at every miss.
    static let level: Int32 = 1

    /// `bytes` compressed into one zstd frame that records their size.
    static func compress(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let bound = ZSTD_compressBound(bytes.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            let n = ZSTD_compress(out.baseAddress, bound, bytes.baseAddress, bytes.count, level)
            count = ZSTD_isError(n) != 0 ? 0 : n
        }
    }

    /// The `size` bytes that `frame` decodes to; nil when it is not exactly one zstd frame
    /// recording that size and decoding to it.
    static func decompress(_ frame: UnsafeRawBufferPointer, size: Int) -> [UInt8]? {
        guard let base = frame.baseAddress, size > 0,
              ZSTD_getFrameContentSize(base, frame.count) == UInt64(size),
              ZSTD_findFrameCompressedSize(base, frame.count) == frame.count else { return nil }
        var ok = false
        let out = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            let n = ZSTD_decompress(buffer.baseAddress, size, base, frame.count)
            ok = ZSTD_isError(n) == 0 && n == size
            count = ok ? size : 0
        }
        return ok ? out : nil
    }

    static func decompress(_ frame: [UInt8], size: Int) -> [UInt8]? {
        frame.withUnsafeBytes { decompress($0, size: size) }
    }
}
