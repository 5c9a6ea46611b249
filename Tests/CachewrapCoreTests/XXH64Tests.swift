import Foundation
import Testing

@testable import CachewrapCore

/// XXH64 against the reference's published values and against `xxhsum -H64` (Debian's
/// `xxhash`) on random inputs: the replay's check must be the real algorithm, not a look-alike.
@Suite struct XXH64Tests {
    @Test(arguments: [("", "ef46db3751d8e999"), ("a", "d24ec4f1a98c6e5b"), ("abc", "44bc2cf5ad770999"),
                      ("Nobody inspects the spammish repetition", "fbcea83c8a378bf1")])
    func referenceValues(input: String, expected: String) {
        #expect(String(format: "%016llx", XXH64.hash(Array(input.utf8))) == expected)
    }

    @Test func streamingInOddPiecesEqualsOneShot() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for piece in [1, 3, 7, 31, 32, 33, 64, 1000] {
            var hasher = XXH64(seed: 42)
            var at = 0
            while at < bytes.count {
                let end = min(bytes.count, at + piece)
                hasher.update(Array(bytes[at..<end]))
                at = end
            }
            #expect(hasher.finalize() == XXH64.hash(bytes, seed: 42), "pieces of \(piece)")
        }
    }

    @Test(arguments: [0, 1, 4, 7, 8, 31, 32, 33, 63, 64, 100, 4096, 1 << 20])
    func agreesWithXxhsum(size: Int) throws {
        guard let xxhsum = ["/usr/bin/xxhsum", "/usr/local/bin/xxhsum"].first(where: FileManager.default.isExecutableFile) else {
            let message = "missing test dependency: xxhsum (Debian's xxhash), the reference implementation"
            if ProcessInfo.processInfo.environment["CACHEWRAP_TEST_STRICT"] == "1" { Issue.record(Comment(rawValue: message)) }
            try Test.cancel(Comment(rawValue: message + " — skipped; set CACHEWRAP_TEST_STRICT=1 to fail instead"))
        }
        let bytes = SHA256Tests.randomBytes(size)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xxh64-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let line = try Shell.output(xxhsum, ["-H64", url.path])
        #expect(line.hasPrefix(String(format: "%016llx", XXH64.hash(bytes))), "\(size) bytes: \(line)")
    }

    @Test func theCheckIsBoundToTheCID() {
        let a = AnswerCheck.binding(cid: "bafkreia", createdMs: 1, expiresMs: 2, durationMs: 3, exitCode: 0, size: 4, content: 5)
        let b = AnswerCheck.binding(cid: "bafkreib", createdMs: 1, expiresMs: 2, durationMs: 3, exitCode: 0, size: 4, content: 5)
        let exit = AnswerCheck.binding(cid: "bafkreia", createdMs: 1, expiresMs: 2, durationMs: 3, exitCode: 1, size: 4, content: 5)
        #expect(a != b && a != exit)
    }
}
