import Testing

@testable import CachewrapCore

/// One argv and the verdict its policy must give (docs/architecture.md, Policies); shared by every tool's table. `ttl` and `operation` are checked when given.
struct PolicyCase: Sendable, CustomTestStringConvertible {
    let argv: [String]
    let expected: CommandClass
    let operation: String?
    let ttl: TTLClass?

    var testDescription: String {
        argv.joined(separator: " ") + " → " + expected.rawValue + (ttl.map { " (\($0.rawValue))" } ?? "")
    }

    static func cache(_ argv: [String], _ operation: String, _ ttl: TTLClass) -> PolicyCase {
        PolicyCase(argv: argv, expected: .cacheable, operation: operation, ttl: ttl)
    }
    /// Anything but cacheable: the policy table's "never" is interactive, mutating, retry-only or passthrough.
    static func never(_ expected: CommandClass, _ argv: [String], _ operation: String? = nil) -> PolicyCase {
        PolicyCase(argv: argv, expected: expected, operation: operation, ttl: nil)
    }

    /// Asserts `spec`'s decision for this argv.
    func check(_ spec: PolicySpec, sourceLocation: SourceLocation = #_sourceLocation) {
        let d = spec.decide(argv)
        #expect(d.commandClass == expected, "\(spec.tool) \(testDescription): \(d.reason)", sourceLocation: sourceLocation)
        if let operation { #expect(d.operation == operation, sourceLocation: sourceLocation) }
        if let ttl { #expect(d.ttlClass == ttl, sourceLocation: sourceLocation) }
    }
}

/// A finished run with the given exit code and output, for the failure-marker checks.
func finishedRun(_ status: Int32, stdout: String = "", stderr: String = "") -> RunOutcome {
    var transcript = Transcript()
    transcript.append(stream: 1, Array(stdout.utf8))
    transcript.append(stream: 2, Array(stderr.utf8))
    return RunOutcome(status: status, transcript: transcript, overflowed: false, durationMs: 5)
}
