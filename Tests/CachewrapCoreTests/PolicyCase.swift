import Testing

@testable import CachewrapCore

/// One argv and the class its policy must give (docs/architecture.md, Policies; a cacheable one
/// with its TTL class); shared by every tool's table. `operation` is checked when given.
struct PolicyCase: Sendable, CustomTestStringConvertible {
    let argv: [String]
    let expected: CommandClass
    let operation: String?

    var testDescription: String {
        argv.joined(separator: " ") + " → " + expected.name + (expected.ttlClass.map { " (\($0.rawValue))" } ?? "")
    }

    static func cache(_ argv: [String], _ operation: String, _ ttl: TTLClass) -> PolicyCase {
        PolicyCase(argv: argv, expected: .cacheable(ttl), operation: operation)
    }
    /// Anything but cacheable: the policy table's "never" is interactive, mutating, retry-only or passthrough.
    static func never(_ expected: CommandClass, _ argv: [String], _ operation: String? = nil) -> PolicyCase {
        PolicyCase(argv: argv, expected: expected, operation: operation)
    }

    /// Asserts `spec`'s decision for this argv in `invocation` (by default one that states
    /// nothing but the argv).
    func check(_ spec: PolicySpec, in invocation: Invocation? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let d = spec.decide(invocation ?? Invocation(argv))
        #expect(d.commandClass == expected, "\(spec.tool) \(testDescription): \(d.reason)", sourceLocation: sourceLocation)
        if let operation { #expect(d.operation == operation, sourceLocation: sourceLocation) }
    }
}

extension PolicySpec {
    /// The decision for `argv` with `environment` and nothing else: no variable, directory or
    /// terminal of the test process can change it.
    func decide(_ argv: [String], environment: [String: String] = [:]) -> Decision {
        decide(Invocation(argv, environment: Variables(environment)))
    }
}

/// A finished run with the given exit code and output, for the failure-marker checks.
func finishedRun(_ status: Int32, stdout: String = "", stderr: String = "") -> RunOutcome {
    var transcript = Transcript()
    transcript.append(stream: 1, Array(stdout.utf8))
    transcript.append(stream: 2, Array(stderr.utf8))
    return RunOutcome(status: status, transcript: transcript, overflowed: false, durationMs: 5)
}
