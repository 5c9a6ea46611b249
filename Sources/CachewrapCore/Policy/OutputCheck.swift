/// Patterns over a finished run's output: markers that forbid storing a "successful" run
/// (vastai exits 0 on HTTP errors), and the patterns the retry logic reads.
public struct OutputCheck: Sendable {
    /// Which stream a pattern is looked for in; tools that print errors on stdout need `.either`.
    public enum Stream: Sendable { case stdout, stderr, either }

    public let stream: Stream
    public let pattern: String

    public init(_ stream: Stream, _ pattern: String) {
        self.stream = stream
        self.pattern = pattern
    }

    /// Whether the pattern appears in one recorded output (a single check; lists use `firstMatch`).
    public func matches(_ transcript: Transcript) -> Bool { [self].firstMatch(in: transcript) != nil }

    /// Whether the pattern appears in the given streams. Searches bytes, so invalid UTF-8
    /// output cannot hide or fake a marker.
    func matches(stdout: [UInt8], stderr: [UInt8]) -> Bool {
        let needle = Array(pattern.utf8)
        switch stream {
        case .stdout: return stdout.containsBytes(needle)
        case .stderr: return stderr.containsBytes(needle)
        case .either: return stdout.containsBytes(needle) || stderr.containsBytes(needle)
        }
    }
}

extension Array where Element == OutputCheck {
    /// The first check whose pattern appears in the recorded output. The transcript is split
    /// into its two streams once for all the checks (gh alone has a dozen transient patterns).
    /// A merged transcript's one stream is both: what the tool wrote to stderr is in it.
    func firstMatch(in transcript: Transcript) -> OutputCheck? {
        guard !isEmpty else { return nil }
        let stdout = transcript.stream(1), stderr = transcript.merged ? stdout : transcript.stream(2)
        return first { $0.matches(stdout: stdout, stderr: stderr) }
    }
}

extension Array where Element == UInt8 {
    func containsBytes(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        while i <= count - needle.count {
            if self[i] == first && self[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
