import Foundation
import Testing

@testable import CachewrapCore

/// SHA-256 against the FIPS 180-4 / NIST example vectors and against coreutils `sha256sum`.
@Suite struct SHA256Tests {
    /// Hex digest of `bytes` as printed by `/usr/bin/sha256sum`, via a temporary file.
    static func systemDigest(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cachewrap-sha-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let output = try Shell.output("/usr/bin/sha256sum", [url.path])
        return String(output.prefix(64))
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(message: String, expected: String) {
        #expect(Hex.encode(SHA256.hash(Array(message.utf8))) == expected)
    }

    @Test func oneMillionA() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(Hex.encode(hasher.finalize())
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingInOddPiecesEqualsOneShot() {
        let data = Self.randomBytes(10_007)
        let expected = SHA256.hash(data)
        for pieceSize in [1, 3, 63, 64, 65, 127, 1000] {
            var hasher = SHA256()
            var offset = 0
            while offset < data.count {
                let end = min(offset + pieceSize, data.count)
                if pieceSize == 3 {
                    hasher.update(data[offset..<end])  // generic Collection path
                } else {
                    data[offset..<end].withUnsafeBytes { hasher.update($0) }
                }
                offset = end
            }
            #expect(hasher.finalize() == expected, "piece size \(pieceSize)")
        }
        var lazy = SHA256()
        lazy.update(data.lazy.map { $0 })  // non-contiguous path
        #expect(lazy.finalize() == expected)
    }

    @Test(arguments: [0, 1, 55, 56, 63, 64, 65, 119, 120, 4097, Int.random(in: 1...100_000),
                      Int.random(in: 100_000...1_048_575), 1_048_576])
    func agreesWithSha256sum(size: Int) throws {
        let data = Self.randomBytes(size)
        #expect(Hex.encode(SHA256.hash(data)) == (try Self.systemDigest(data)), "size \(size)")
    }
}
