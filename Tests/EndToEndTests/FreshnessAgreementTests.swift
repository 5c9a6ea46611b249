import Foundation
import Testing

/// One question, "is there a fresh entry for this call?", answered four ways: `explain` ("now:"),
/// `ls --json` (`fresh`), `show CID` ("fresh for") and the call itself (did the tool run?).
/// They must agree, whatever state the entry is in; a listing that says fresh while the call
/// runs the tool (or the reverse) misleads whoever debugs a miss.
@Suite struct FreshnessAgreementTests {
    enum State: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case fresh
        case hotFileRemoved
        case hotFileDamaged
        /// Stored with `--ttl 1s`, and past it.
        case expired
        /// Stored with the default TTL, looked at with `CACHEWRAP_TTL=1s` after a second: the
        /// call's own limit makes it expired, so every view in that environment must say so.
        case olderThanRequestedTTL
        var testDescription: String { rawValue }
    }

    /// The four answers, with what each printed, for failure messages.
    struct Views: CustomStringConvertible {
        var explainHit: Bool, lsFresh: Bool, showFresh: Bool, callHit: Bool
        var evidence: String
        var all: [Bool] { [explainHit, lsFresh, showFresh, callHit] }
        var agree: Bool { Set(all).count == 1 }
        var description: String {
            "explain hit=\(explainHit), ls fresh=\(lsFresh), show fresh=\(showFresh), call hit=\(callHit) [\(evidence)]"
        }
    }

    static let args = ["--", "counted", "word"]

    @Test(arguments: State.allCases)
    func explainListShowAndTheCallAgree(_ state: State) throws {
        let sb = try TestSandbox()
        sb.writeTool("counted", script: #"printf 'answer %s\n' "$1""#)
        var env = sb.baseEnv()
        let store = try cachewrap((state == .expired ? ["--ttl", "1s"] : []) + Self.args, env: env, cwd: sb.home)
        try #require(store.status == 0 && store.stdoutText == "answer word\n" && sb.counter("counted") == 1, "\(store.stderrText)")
        let cid = try IntegrityTests.cid(sb, Self.args)
        let hot = IntegrityTests.hotFile(sb, cid)
        try #require(FileManager.default.fileExists(atPath: hot), "the entry has a hot file to damage")

        switch state {
        case .fresh:
            break
        case .hotFileRemoved:
            try FileManager.default.removeItem(atPath: hot)
        case .hotFileDamaged:
            var bytes = try Data(contentsOf: URL(fileURLWithPath: hot))
            bytes[bytes.count - 1] ^= 0x01  // the trailing check: the file no longer verifies
            try bytes.write(to: URL(fileURLWithPath: hot))
        case .expired:
            try #require(try Self.waitForExplainExpired(Self.args, env: env, cwd: sb.home), "never expired")
        case .olderThanRequestedTTL:
            try #require(try Self.waitForExplainExpired(["--ttl", "1s"] + Self.args, env: env, cwd: sb.home), "never 1 s old")
            env["CACHEWRAP_TTL"] = "1s"
        }

        let views = try Self.views(cid: cid, sb: sb, env: env)
        #expect(views.agree, "\(state): \(views)")
        switch state {
        case .fresh: #expect(views.all == [true, true, true, true], "a fresh entry is a hit everywhere: \(views)")
        case .expired, .olderThanRequestedTTL:
            #expect(views.all == [false, false, false, false], "an expired entry is a miss everywhere: \(views)")
        case .hotFileRemoved, .hotFileDamaged: break  // either answer, as long as all four give it
        }
    }

    /// Polls `explain` (bounded) until it says the entry is expired: the event the expired
    /// states wait for, instead of sleeping for the TTL and hoping.
    static func waitForExplainExpired(_ args: [String], env: [String: String], cwd: String) throws -> Bool {
        try eventually(timeout: 60) {
            let text = try cachewrap(["explain"] + args, env: env, cwd: cwd).stdoutText
            return text.contains("now:       miss") && text.contains("expired")
        }
    }

    /// Asks the three read-only views first (the call may drop or replace the entry), then makes the call.
    static func views(cid: String, sb: TestSandbox, env: [String: String]) throws -> Views {
        let explain = try cachewrap(["explain"] + args, env: env, cwd: sb.home)
        let now = explain.stdoutText.split(separator: "\n").first { $0.hasPrefix("now:") }.map(String.init) ?? "no now: line"

        let ls = try cachewrap(["ls", "--json"], env: env, cwd: sb.home)
        let entries = (try? JSONSerialization.jsonObject(with: Data(ls.stdout))) as? [[String: Any]] ?? []
        let listed = entries.first { $0["cid"] as? String == cid }
        let lsFresh = listed?["fresh"] as? Bool ?? false

        let show = try cachewrap(["show", cid], env: env, cwd: sb.home)
        let age = show.stdoutText.split(separator: "\n").first { $0.hasPrefix("age:") }.map(String.init)
            ?? "show exit \(show.status): \(show.stderrText)"

        let runsBefore = sb.counter("counted")
        let call = try cachewrap(args, env: env, cwd: sb.home)
        #expect(call.status == 0 && call.stdoutText == "answer word\n", "the call answers right either way: \(call.stderrText)")
        let ran = sb.counter("counted") > runsBefore

        let evidence = "\(now) | ls: \(listed.map { "fresh=\($0["fresh"] as? Bool == true)" } ?? "not listed") | \(age) | tool ran: \(ran)"
        return Views(explainHit: now.hasPrefix("now:       hit"), lsFresh: lsFresh,
                     showFresh: show.status == 0 && show.stdoutText.contains("fresh for"), callHit: !ran, evidence: evidence)
    }
}
