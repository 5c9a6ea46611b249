import Glibc
import Testing

@testable import CachewrapCore

/// When stdout and stderr are one output (`TerminalShape.merged`): how it is detected, that it
/// keys apart, that checks of stderr read the merged stream, and that a refresher inherits it.
@Suite struct StreamTopologyTests {
    static let splitPipe = TerminalShape(isTerminal: false, columns: 0, rows: 0)

    /// A new pipe; the caller closes both ends.
    static func makePipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        return (fds[0], fds[1])
    }

    /// A scratch file's path, removed when `body` returns.
    static func withFile<T>(_ body: (String) throws -> T) rethrows -> T {
        var template = Array("/tmp/cachewrap-topology.XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        close(fd)
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(path) }
        return try body(path)
    }

    @Test func onePipeIsSharedTwoAreNot() {
        let first = Self.makePipe(), second = Self.makePipe()
        let copy = dup(first.write)
        defer { for fd in [first.read, first.write, second.read, second.write, copy] { close(fd) } }
        #expect(SharedOutput.same(first.write, copy))
        #expect(!SharedOutput.same(first.write, second.write))
    }

    /// `>f 2>&1` shares one description; `>f 2>f` has two offsets that overwrite each other,
    /// unless both append (`>>f 2>>f`), where every write lands at the end in order.
    @Test func aFileIsSharedThroughOneDescriptionOrWhenBothAppend() {
        Self.withFile { path in
            let one = open(path, O_WRONLY), copy = dup(one), other = open(path, O_WRONLY)
            let appending = open(path, O_WRONLY | O_APPEND), alsoAppending = open(path, O_WRONLY | O_APPEND)
            defer { for fd in [one, copy, other, appending, alsoAppending] { close(fd) } }
            let flags = fcntl(one, F_GETFL)
            #expect(SharedOutput.same(one, copy))
            #expect(!SharedOutput.same(one, other))
            #expect(SharedOutput.same(appending, alsoAppending))
            #expect(!SharedOutput.same(one, appending))
            #expect(fcntl(one, F_GETFL) == flags, "the probe puts the flags back")
        }
    }

    @Test func mergedKeysApartAndSplitKeysAsBefore() {
        func key(_ shape: TerminalShape) -> InvocationKey {
            KeyBuilder(tool: "gh", toolPath: "/usr/bin/gh", arguments: [Argument("pr"), Argument("list")],
                       decision: Decision(.cacheable(.live), "test", operation: "pr list"), stdin: nil,
                       invocation: Invocation(["pr", "list"], terminal: shape),
                       salt: SaltProvider(fixed: Salt(bytes: Array(repeating: 7, count: Salt.size), origin: .local))).build()
        }
        var mergedPipe = Self.splitPipe
        mergedPipe.merged = true
        let terminal = TerminalShape(isTerminal: true, columns: 80, rows: 24)
        var mergedTerminal = terminal
        mergedTerminal.merged = true
        let keys = [Self.splitPipe, mergedPipe, terminal, mergedTerminal].map(key)
        #expect(Set(keys.map(\.cid)).count == 4)
        #expect(!keys[0].text.contains("streams") && !keys[2].text.contains("streams"), "split keys are unchanged")
        #expect(keys[1].text.contains(#""streams":"merged""#), "\(keys[1].text)")
    }

    @Test func checksOfStderrReadTheMergedStream() {
        var transcript = Transcript()
        transcript.append(stream: 1, Array("{}\ngh: Service Unavailable (HTTP 503)\n".utf8))
        let check = OutputCheck(.stderr, "(HTTP 503)")
        #expect(!check.matches(transcript), "split: stdout is not stderr")
        transcript.merged = true
        #expect(check.matches(transcript))
        #expect(OutputCheck(.stdout, "(HTTP 503)").matches(transcript))
        var spec = PolicySpec(tool: "gh", rules: [])
        spec.transient = [check]
        let outcome = RunOutcome(status: 1, transcript: transcript, overflowed: false, durationMs: 1)
        #expect(spec.classify(outcome) == .transient(retryAfter: nil))
    }

    @Test func refresherInheritsTheShape() {
        var mergedPipe = Self.splitPipe
        mergedPipe.merged = true
        var mergedTerminal = TerminalShape(isTerminal: true, columns: 132, rows: 40)
        mergedTerminal.merged = true
        for shape in [Self.splitPipe, mergedPipe, TerminalShape(isTerminal: true, columns: 80, rows: 24), mergedTerminal] {
            let text = BackgroundRefresh.text(of: shape)
            #expect(BackgroundRefresh.shape(fromText: text) == shape, "\(text)")
        }
        #expect(BackgroundRefresh.text(of: mergedTerminal) == "132x40+merged")
        for bad in ["", "x", "80x", "80x24x1", "tty", "+merged", "80x24+split"] {
            #expect(BackgroundRefresh.shape(fromText: bad) == nil, "\(bad)")
        }
    }
}
