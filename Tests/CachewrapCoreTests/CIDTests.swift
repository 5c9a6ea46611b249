import Foundation
import Testing

@testable import CachewrapCore

/// CIDs against the design's vectors and against an independent pipeline built from coreutils.
@Suite struct CIDTests {
    @Test(arguments: [
        ("", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"),
        ("hello", "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq"),
        ("abc", "bafkreif2pall7dybz7vecqka3zo24irdwabwdi4wc55jznaq75q7eaavvu"),
    ])
    func designVectors(document: String, cid: String) {
        #expect(CID.of(Array(document.utf8)) == cid)
        #expect(CID.ofDigest(SHA256.hash(Array(document.utf8))) == cid)
    }

    @Test func base32RFC4648Vectors() {
        let cases = ["": "", "f": "my", "fo": "mzxq", "foo": "mzxw6", "foob": "mzxw6yq",
                     "fooba": "mzxw6ytb", "foobar": "mzxw6ytboi"]
        for (input, expected) in cases {
            #expect(Base32.encodeLower(Array(input.utf8)) == expected)
        }
    }

    @Test func hexEncodesLowercase() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.encode([UInt8]()) == "")
    }

    /// sha256sum for the digest, `01 55 12 20` prepended, basenc for base32: no code shared with ours.
    @Test(arguments: [0, 1, 5, 300, 4096, 70_000])
    func agreesWithCoreutilsPipeline(size: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<size).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cachewrap-cid-\(UUID().uuidString)")
        try Data(data).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let script = #"""
            d=$(sha256sum '\#(url.path)' | cut -c1-64 | sed 's/../\\x&/g')
            printf '%b' "\\x01\\x55\\x12\\x20$d" | basenc --base32 -w0 | tr 'A-Z' 'a-z' | tr -d '='
            """#
        let expected = "b" + (try Shell.output("/bin/bash", ["-c", script])).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(CID.of(data) == expected)
        #expect(expected.hasPrefix("bafkrei"))
    }
}
