import Foundation
import Testing

/// An output over the entry limit (`CACHEWRAP_MAX_ENTRY`) is shown in full and not stored, and
/// cachewrap says so once, since the next identical call will run the tool again (issue 11).
@Suite struct EntryLimitTests {
    static let notice = "cachewrap: output of 2.0 KiB is over the 1.0 KiB entry limit (CACHEWRAP_MAX_ENTRY): shown, not stored\n"

    static func sandbox() throws -> (TestSandbox, [String: String]) {
        let sb = try TestSandbox()
        sb.writeTool("big", script: "head -c 2000 /dev/zero | tr '\\0' x; exit \"${EXIT:-0}\"")
        var env = sb.baseEnv()
        env["CACHEWRAP_MAX_ENTRY"] = "1K"
        return (sb, env)
    }

    @Test func anOutputOverTheLimitIsShownNotStoredAndSaysSo() throws {
        let (sb, env) = try Self.sandbox()
        for round in 1...2 {
            let result = try cachewrap(["--", "big"], env: env)
            #expect(result.status == 0 && result.stdout == Array(repeating: UInt8(ascii: "x"), count: 2000), "round \(round)")
            #expect(result.stderrText == Self.notice, "round \(round): \(result.stderrText)")
        }
        #expect(sb.counter("big") == 2, "not stored: the second call ran the tool again")
    }

    @Test func quietSilencesTheNotice() throws {
        let (sb, env) = try Self.sandbox()
        defer { withExtendedLifetime(sb) {} }  // the sandbox's directory lives while it does
        for (args, extra) in [(["--quiet", "--", "big"], [:]), (["--", "big"], ["CACHEWRAP_QUIET": "1"])] {
            let result = try cachewrap(args, env: env.merging(extra) { $1 })
            #expect(result.status == 0 && result.stdout.count == 2000 && result.stderrText.isEmpty, "\(args): \(result.stderrText)")
        }
    }

    /// Only when the size is why nothing was stored: a failure or --no-cache stores nothing anyway,
    /// and an output under the limit is stored without a word.
    @Test func noNoticeWhenTheLimitIsNotTheReason() throws {
        let (sb, env) = try Self.sandbox()
        let failed = try cachewrap(["--", "big"], env: env.merging(["EXIT": "4"]) { $1 })
        #expect(failed.status == 4 && failed.stderrText.isEmpty, "\(failed.stderrText)")
        #expect(try cachewrap(["--no-cache", "--", "big"], env: env).stderrText.isEmpty)
        var roomy = env
        roomy["CACHEWRAP_MAX_ENTRY"] = "4K"
        #expect(try cachewrap(["--", "big"], env: roomy).stderrText.isEmpty)
        #expect(try cachewrap(["--", "big"], env: roomy).stderrText.isEmpty)
        #expect(sb.counter("big") == 3, "the roomy call was stored and replayed")
    }
}
