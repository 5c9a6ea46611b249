import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// Who may read and write the team cache, through the built binary (issue 7, "Must show" 4 and 5,
/// and the docs' ACL example): the ACL printed in the README and the man page, applied as is to a
/// real `redis-server`, lets CI write and developers only read; a developer's refused writes are
/// counted and named by `stats` and `doctor`; a wrong password is a doctor FAIL naming the cause
/// that never shows the password; `ro` mode reads what others wrote and never writes.
@Suite struct TeamCacheAccessTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The `ACL SETUSER` lines of a document, `\-` unescaped (roff), blanks squeezed.
    static func aclLines(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: root + "/" + path, encoding: .utf8).replacingOccurrences(of: "\\-", with: "-")
        return text.split(separator: "\n").filter { $0.hasPrefix("ACL SETUSER ") }
            .map { $0.split(separator: " ").joined(separator: " ") }
    }

    /// A machine that talks to `server` as `user`; the password comes from the environment.
    static func env(_ machine: TestSandbox, tools: TestSandbox, server: RedisServer, user: String? = nil,
                    mode: String? = nil) -> [String: String] {
        TeamCacheTests.env(machine, tools: tools, remote: "redis://\(user.map { $0 + "@" } ?? "")127.0.0.1:\(server.port)", mode: mode)
    }

    /// The doctor lines that start with `status` and are about the team cache.
    static func teamCacheLines(_ result: RunResult, _ status: String) -> [String] {
        result.stdoutText.split(separator: "\n").map(String.init).filter { $0.hasPrefix(status + " ") && $0.contains("team cache: ") }
    }

    /// Both documents carry the same example, with a writing `ci` and a reading `dev`.
    @Test func readmeAndManPageShowTheSameACLExample() throws {
        let readme = try Self.aclLines("README.md"), man = try Self.aclLines("man/cachewrap.1")
        #expect(readme.count == 2 && readme == man, "README: \(readme)\nman: \(man)")
        #expect(readme.contains { $0.hasPrefix("ACL SETUSER ci ") && $0.contains(" +set") }, "\(readme)")
        #expect(readme.contains { $0.hasPrefix("ACL SETUSER dev ") && !$0.contains("+set") && $0.contains("+get") }, "\(readme)")
        // Every machine that mutates must be able to mark it, or others replay answers made before it.
        #expect(readme.allSatisfy { $0.contains(" +incr") }, "\(readme)")
        let page = try String(contentsOfFile: Self.root + "/man/cachewrap.1", encoding: .utf8)
        #expect(page.contains(".B CACHEWRAP_REMOTE_TIMEOUT"), "the deadline's setting is documented")
    }

    @Test func theDocumentedACLLetsCIWriteAndDevelopersOnlyRead() throws {
        let server = try RedisServer()
        for line in try Self.aclLines("README.md") { try server.admin(line.split(separator: " ").map(String.init)) }
        let tools = try TestSandbox(), ci = try TestSandbox(), dev = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)

        var ciEnv = Self.env(ci, tools: tools, server: server, user: "ci")
        try "ci-password\n".write(toFile: ci.root + "/password", atomically: true, encoding: .utf8)
        ciEnv["CACHEWRAP_REMOTE_PASSWORD_FILE"] = ci.root + "/password"
        let written = try cachewrap(["--", "fakeTool", "shared"], env: ciEnv, cwd: tools.root)
        #expect(written.status == 0, "\(written.stderrText)")
        #expect(try TeamCacheTests.waitFor { try TeamCacheTests.dbsize(server) == 1 }, "CI writes")

        // A developer who left the mode at rw: reads work, the write of their own miss is refused.
        var devEnv = Self.env(dev, tools: tools, server: server, user: "dev")
        devEnv["CACHEWRAP_REMOTE_PASSWORD"] = "dev-password"
        let read = try cachewrap(["--", "fakeTool", "shared"], env: devEnv, cwd: tools.root)
        #expect(read.stdout == written.stdout && tools.counter("fakeTool") == 1, "the developer reads CI's result")
        let own = try cachewrap(["--", "fakeTool", "own"], env: devEnv, cwd: tools.root)
        #expect(own.status == 0 && own.stdout == written.stdout && tools.counter("fakeTool") == 2, "\(own.stderrText)")
        let counted = try TeamCacheTests.waitFor {
            let stats = try TeamCacheTests.stats(devEnv)
            return TeamCacheTests.int(stats, "outbox_pending") == 0 && TeamCacheTests.int(stats, "remote_errors") == 1
        }
        let stats = try TeamCacheTests.stats(devEnv)
        #expect(counted, "the refused write is dropped and counted: \(stats)")
        #expect(try TeamCacheTests.dbsize(server) == 1, "nothing the developer ran reached Redis")
        #expect(TeamCacheTests.int(stats, "remote_hits") == 1 && TeamCacheTests.int(stats, "remote_misses") == 1, "\(stats)")
        #expect((stats["tools"] as? [String: Any])?["fakeTool"] != nil && TeamCacheTests.int(stats, "hits") == 1)

        let report = try cachewrap(["stats"], env: devEnv).stdoutText
        #expect(report.contains("remote        1 hit, 1 miss, 0 stale, 1 error, 0 corrupt"), "\(report)")
        #expect(report.contains("remote state") && report.contains("NOPERM"), "\(report)")
        let doctor = try cachewrap(["doctor"], env: devEnv)
        #expect(Self.teamCacheLines(doctor, "WARN").contains { $0.contains("a write was refused") && $0.contains("NOPERM") },
                "\(doctor.stdoutText)")
        #expect(doctor.stdoutText.contains("CACHEWRAP_REMOTE_MODE=ro"), "the fix names ro mode")
        devEnv["CACHEWRAP_REMOTE_MODE"] = "ro"
        let readOnly = try cachewrap(["doctor"], env: devEnv)
        #expect(Self.teamCacheLines(readOnly, "OK").count == 1, "in ro mode the refusal is expected: \(readOnly.stdoutText)")

        // The ACL is fixed: the next write goes through, and doctor stops warning.
        devEnv["CACHEWRAP_REMOTE_MODE"] = "rw"
        try server.admin(["ACL", "SETUSER", "dev", "+set"])
        #expect(try cachewrap(["--", "fakeTool", "after-fix"], env: devEnv, cwd: tools.root).status == 0)
        #expect(try TeamCacheTests.waitFor { try TeamCacheTests.dbsize(server) == 2 }, "the developer's write now lands")
        // The flusher forgets the refusal just after its SET: poll rather than race it.
        var fixed = RunResult(stdout: [], stderr: [], status: -1)
        let cleared = try TeamCacheTests.waitFor {
            fixed = try cachewrap(["doctor"], env: devEnv)
            return Self.teamCacheLines(fixed, "OK").count == 1
        }
        #expect(cleared, "no stale warning once writes work: \(fixed.stdoutText)")
        #expect(Self.teamCacheLines(try cachewrap(["doctor"], env: ciEnv), "OK").count == 1)
    }

    @Test func doctorNamesAWrongPasswordAndNeverPrintsIt() throws {
        let server = try RedisServer()
        try server.admin(["ACL", "SETUSER", "ci", "on", ">right-password", "~cw:*", "+get", "+set", "+pttl", "+ping", "+select"])
        let tools = try TestSandbox(), machine = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        let secret = "Wr0ng-pa55-\(getpid())-\(Int.random(in: 100_000...999_999))"
        try (secret + "\n").write(toFile: machine.root + "/password", atomically: true, encoding: .utf8)
        let direct = ["CACHEWRAP_REMOTE_PASSWORD": secret], file = ["CACHEWRAP_REMOTE_PASSWORD_FILE": machine.root + "/password"]
        for password in [direct, file] {
            let env = Self.env(machine, tools: tools, server: server, user: "ci").merging(password) { $1 }
            let doctor = try cachewrap(["doctor"], env: env)
            #expect(doctor.status == 1, "\(doctor.stdoutText)")
            #expect(Self.teamCacheLines(doctor, "FAIL").contains { $0.contains("WRONGPASS") }, "\(doctor.stdoutText)")
            var printed = doctor.stdoutText + doctor.stderrText
            for args in [["config"], ["--", "fakeTool", "x"], ["stats"], ["stats", "--json"]] {
                let result = try cachewrap(args, env: env, cwd: tools.root)
                #expect(result.status == 0, "\(args): \(result.stderrText)")
                printed += result.stdoutText + result.stderrText
            }
            #expect(printed.contains("WRONGPASS"), "stats names the cause too: \(printed)")
            #expect(!printed.contains(secret), "the password was printed")
            let files = try FileManager.default.subpathsOfDirectory(atPath: machine.cacheDir)
            for name in files where !name.hasSuffix(".db") {
                let bytes = FileManager.default.contents(atPath: machine.cacheDir + "/" + name) ?? Data()
                #expect(!String(decoding: bytes, as: UTF8.self).contains(secret), "the password is in \(name)")
            }
        }

        // No password at all against a server that needs one: the FAIL names NOAUTH.
        let locked = try RedisServer(["--requirepass", "admin-password"])
        let anonymous = TeamCacheTests.env(machine, tools: tools, remote: "redis://127.0.0.1:\(locked.port)")
        let doctor = try cachewrap(["doctor"], env: anonymous)
        #expect(doctor.status == 1 && Self.teamCacheLines(doctor, "FAIL").contains { $0.contains("NOAUTH") }, "\(doctor.stdoutText)")
    }

    /// "Must show" 5: `ro` replays what another machine wrote, runs and stores its own misses
    /// locally, and never sends a write (no SET in INFO commandstats, DBSIZE unchanged).
    @Test func readOnlyModeReadsOthersAndNeverWrites() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), a = try TestSandbox(), b = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        let first = try TeamCacheTests.runOnA(a, tools: tools, server: server)
        let setsBefore = try server.calls("set")
        #expect(setsBefore == 1, "A's one write")

        let env = Self.env(b, tools: tools, server: server, mode: "ro")
        let replay = try cachewrap(["--", "fakeTool", "arg"], env: env, cwd: tools.root)
        #expect(replay.stdout == first.stdout && replay.stderr == first.stderr && tools.counter("fakeTool") == 1)
        let own = try cachewrap(["--", "fakeTool", "only-on-b"], env: env, cwd: tools.root)
        #expect(own.status == 0 && tools.counter("fakeTool") == 2, "\(own.stderrText)")
        let again = try cachewrap(["--", "fakeTool", "only-on-b"], env: env, cwd: tools.root)
        #expect(again.stdout == own.stdout && tools.counter("fakeTool") == 2, "stored locally: a local hit")
        // The calls have returned: a flusher they started would be in the events file.
        #expect(b.helpers().started.isEmpty, "ro starts no flusher")
        #expect(try server.calls("set") == setsBefore && TeamCacheTests.dbsize(server) == 1, "ro never writes")
        #expect(Outbox.names(in: b.cacheDir + "/outbox").isEmpty, "ro queues nothing")
        let stats = try TeamCacheTests.stats(env)
        #expect(TeamCacheTests.int(stats, "remote_hits") == 1 && TeamCacheTests.int(stats, "remote_misses") == 1, "\(stats)")
        #expect(TeamCacheTests.int(stats, "hits") == 2 && TeamCacheTests.int(stats, "misses") == 1, "\(stats)")
    }
}
