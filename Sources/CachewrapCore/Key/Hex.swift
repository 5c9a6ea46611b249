/// Lowercase hexadecimal text for digests, used where a digest must appear as plain text
/// (for example the `sha256:` values that stand in for secrets in the key document).
/// Lowercase only, so one digest always has exactly one spelling.
public enum Hex {
    /// The sixteen lowercase digits as ASCII bytes, indexed by nibble value.
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes each byte as two lowercase hex digits, high nibble first.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
