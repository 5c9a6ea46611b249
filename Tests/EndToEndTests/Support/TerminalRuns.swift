import Foundation
import Testing

// Helpers for tests that run cachewrap on a terminal (util-linux `script`) and compare bytes.

/// Runs the /bin/sh command line `command` on a fresh terminal of 100 columns and 30 rows.
func onTerminal(_ script: String, _ command: String, env: [String: String], cwd: String) throws -> RunResult {
    try run(script, ["-qec", "stty cols 100 rows 30; " + command, "/dev/null"], env: env, cwd: cwd, timeout: 60)
}

/// `cachewrap ARGS…` as a shell command line; `binary` names another program to run instead.
func cachewrapCommand(_ args: [String], binary: String? = nil) throws -> String {
    ([try binary ?? cachewrapBinary()] + args).map(TestSandbox.shellQuote).joined(separator: " ")
}

/// Bytes as an escaped string (at most 300 characters), for readable failure messages.
func shown<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
    let text = String(decoding: bytes, as: UTF8.self).debugDescription
    return text.count > 300 ? String(text.prefix(300)) + "…" : text
}

/// One readable issue when two outputs differ: their sizes and where they first differ, because
/// `#expect(a == b)` on byte arrays prints thousands of numbers.
func expectSameBytes(_ actual: [UInt8], _ expected: [UInt8], _ what: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual != expected else { return }
    let at = zip(actual, expected).prefix { $0 == $1 }.count
    func around(_ bytes: [UInt8]) -> String { shown(bytes[max(0, at - 20)..<min(bytes.count, at + 40)]) }
    Issue.record(Comment(rawValue: "\(what): \(actual.count) bytes, expected \(expected.count); first difference at byte \(at): \(around(actual)) instead of \(around(expected))"), sourceLocation: sourceLocation)
}
