import Foundation
import Glibc
import Testing

/// A private `moto_server` (PyPI `moto[server]`, a fake AWS) for one test, on 127.0.0.1 and a
/// port it picks itself (`-p 0`): the start waits for the line where it names that port, so there
/// is no race for a free port and no polling. State lives in the process, so every test has its
/// own buckets. Stopped (killed and waited for) by `stop()` or deinit.
final class MotoServer {
    let port: Int
    private let process: Process

    var endpoint: String { "http://127.0.0.1:\(port)" }

    init(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let executable = try TestSandbox.requireTool("moto_server", sourceLocation: sourceLocation)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // werkzeug says `* Running on http://127.0.0.1:PORT` once it listens.
        var seen = ""
        var found: Int?
        while found == nil {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            // Only a whole number: a chunk may end in the middle of one.
            found = seen.firstRange(of: "Running on http://127.0.0.1:").flatMap { range in
                let digits = seen[range.upperBound...].prefix { $0.isNumber }
                return digits.endIndex < seen.endIndex ? Int(digits) : nil
            }
        }
        guard let found else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw RunError(description: "moto_server did not start: \(seen)")
        }
        port = found
        // Keep draining its log, so a full pipe never blocks the server.
        output.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
    }

    deinit { stop() }

    /// SIGKILL, as for RedisServer: SIGTERM may be blocked in the child's inherited mask.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
