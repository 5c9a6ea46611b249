import Foundation
import Testing

/// A failed write of the answer is never a silent success: ENOSPC and EIO end cachewrap with a
/// message and exit 74, a closed pipe with SIGPIPE, as they end `cat`; on a miss and on a hit.
@Suite struct WriteFailureTests {
    static func shell(_ sb: TestSandbox, _ script: String) throws -> RunResult {
        var env = sb.baseEnv()
        env["CW"] = try cachewrapBinary()
        return try run("/bin/bash", ["-c", script], env: env, cwd: sb.home)
    }

    /// The answer of a fake `gh api`: what `cachewrap gh api repos/o/r > out.json` stores.
    static let ghAPI = #"printf '{"full_name":"o/r","private":false}\n'"#

    @Test(arguments: [["--", "seq", "1", "10"], ["gh", "api", "repos/o/r"]])
    func aFullDiskFailsTheMissAndTheHit(args: [String]) throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: Self.ghAPI)
        let call = args.map { "'\($0)'" }.joined(separator: " ")
        let miss = try Self.shell(sb, #""$CW" \#(call) > /dev/full"#)
        #expect(miss.status == 74, "miss: \(miss.stderrText)")
        #expect(miss.stderrText.contains("cachewrap: writing stdout: No space left on device"), "\(miss.stderrText)")
        let stored = try Self.shell(sb, #""$CW" \#(call)"#)
        #expect(stored.status == 0 && !stored.stdout.isEmpty)
        let hit = try Self.shell(sb, #""$CW" \#(call) > /dev/full"#)
        #expect(hit.status == 74, "hit: \(hit.stderrText)")
        #expect(hit.stderrText.contains("writing stdout: No space left on device"))
    }

    @Test func aFullDiskFailsALargeHitToo() throws {
        let sb = try TestSandbox()
        sb.writeTool("big", script: IntegrityTests.bigTool)
        let stored = try Self.shell(sb, #""$CW" -- big > /dev/null"#)
        #expect(stored.status == 0)
        let hit = try Self.shell(sb, #""$CW" -- big > /dev/full"#)
        #expect(hit.status == 74 && hit.stderrText.contains("No space left on device"), "\(hit.stderrText)")
        #expect(sb.counter("big") == 1, "it was a hit")
    }

    @Test func aClosedPipeEndsCachewrapBySIGPIPELikeCat() throws {
        let sb = try TestSandbox()
        sb.writeTool("many", script: "seq 1 200000")
        let miss = try Self.shell(sb, #""$CW" -- many | head -1; echo "status=${PIPESTATUS[0]}" >&2"#)
        #expect(miss.stdoutText == "1\n")
        #expect(miss.stderrText.contains("status=141"), "miss: SIGPIPE, as cat: \(miss.stderrText)")
        #expect(!miss.stderrText.contains("cachewrap:"), "no message for a closed pipe")
        _ = try Self.shell(sb, #""$CW" -- many > /dev/null"#)
        let hit = try Self.shell(sb, #""$CW" -- many | head -1; echo "status=${PIPESTATUS[0]}" >&2"#)
        #expect(hit.stderrText.contains("status=141"), "hit: \(hit.stderrText)")
    }
}
