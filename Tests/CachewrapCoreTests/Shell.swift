import Foundation
import Testing

/// Runs system tools (sha256sum, basenc) as independent references for our own implementations.
enum Shell {
    /// Standard output of `executable args`; records an issue when it exits non-zero.
    static func output(_ executable: String, _ args: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(executable) \(args) failed")
        return String(decoding: data, as: UTF8.self)
    }
}
