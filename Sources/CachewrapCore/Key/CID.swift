/// RFC 4648 base32 in the form multibase calls `base32` (prefix `b`): lowercase alphabet and no
/// `=` padding. Lowercase keeps keys safe as file names on case-insensitive file systems.
public enum Base32 {
    /// RFC 4648 section 6 alphabet, lowercased, as ASCII bytes indexed by 5-bit value.
    private static let alphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// Encodes `bytes` five bits at a time, most significant bit first; a final partial group is
    /// padded with zero bits on the right, and no `=` characters are written.
    public static func encodeLower(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 0x1f)])
            }
        }
        if bits > 0 {
            out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Content identifiers for cache keys: CIDv1, codec `raw`, multihash sha2-256, multibase
/// base32-lower. Using the standard form (rather than bare hex) means any IPFS/multiformats tool can
/// recompute a key from its document, and every key visibly starts `bafkrei`.
public enum CID {
    /// The fixed binary prefix: CID version 1 (0x01), codec raw (0x55), multihash function
    /// sha2-256 (0x12) and digest length 32 (0x20). Each is a one-byte varint.
    private static let prefix: [UInt8] = [0x01, 0x55, 0x12, 0x20]

    /// Builds the CID from an already computed SHA-256 digest, so streamed content need not be
    /// hashed twice.
    public static func ofDigest(_ sha256: [UInt8]) -> String {
        precondition(sha256.count == 32, "CID.ofDigest needs a 32-byte SHA-256 digest")
        return "b" + Base32.encodeLower(prefix + sha256)
    }

    /// Hashes `bytes` with SHA-256 and returns their CID.
    public static func of(_ bytes: [UInt8]) -> String {
        ofDigest(SHA256.hash(bytes))
    }
}
