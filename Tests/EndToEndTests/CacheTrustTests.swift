import Foundation
import Testing

/// Only a private cache dir is trusted: one that others can write is neither read nor written,
/// the tool still runs (uncached), and one warning says why and how to fix it.
@Suite struct CacheTrustTests {
    static let tool = "echo answer-$$"

    /// Every file under `dir`, with its size and modification time: "nothing was written".
    static func snapshot(_ dir: String) -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        for name in (fm.enumerator(atPath: dir)?.allObjects as? [String]) ?? [] {
            let attrs = try? fm.attributesOfItem(atPath: dir + "/" + name)
            out[name] = "\(attrs?[.size] ?? 0) \((attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        }
        return out
    }

    /// Stores one answer, loosens `path` with `mode`, and checks the next two calls run the tool
    /// with a warning naming the path, and leave the cache untouched.
    func expectRefused(_ sb: TestSandbox, loosen path: String, mode: mode_t) throws {
        sb.writeTool("pid", script: Self.tool)
        let stored = try cachewrap(["--", "pid"], env: sb.baseEnv(), cwd: sb.home)
        #expect(stored.status == 0 && sb.counter("pid") == 1)
        #expect(chmod(path, mode) == 0)
        let before = Self.snapshot(sb.cacheDir)
        for round in 1...2 {
            let call = try cachewrap(["--", "pid"], env: sb.baseEnv(), cwd: sb.home)
            #expect(call.status == 0)
            #expect(call.stdout != stored.stdout, "round \(round): a planted or old answer is never replayed")
            #expect(call.stdoutText.hasPrefix("answer-"), "the tool still runs")
            #expect(call.stderrText.contains(path) && call.stderrText.contains("chmod"),
                    "one warning names the place and the fix: \(call.stderrText)")
            #expect(call.stderrText.split(separator: "\n").count == 1, "one warning, not one per step")
        }
        #expect(sb.counter("pid") == 3)
        #expect(Self.snapshot(sb.cacheDir) == before, "nothing is written to an untrusted cache")
        #expect(chmod(path, 0o700) == 0)
        let fixed = try cachewrap(["--", "pid"], env: sb.baseEnv(), cwd: sb.home)
        #expect(fixed.stdout == stored.stdout && fixed.stderr.isEmpty, "once fixed, the cache answers again")
    }

    @Test func aWorldWritableCacheDirIsRefused() throws {
        let sb = try TestSandbox()
        try expectRefused(sb, loosen: sb.cacheDir, mode: 0o777)
    }

    @Test func aGroupWritableHotDirIsRefused() throws {
        let sb = try TestSandbox()
        try expectRefused(sb, loosen: sb.cacheDir + "/hot", mode: 0o770)
    }

    @Test func aSymlinkIsFollowedOnlyToAPrivatePlace() throws {
        let sb = try TestSandbox()
        sb.writeTool("pid", script: Self.tool)
        let shared = sb.root + "/shared"
        #expect(mkdir(shared, 0o700) == 0 && chmod(shared, 0o777) == 0)
        var env = sb.baseEnv()
        env["CACHEWRAP_DIR"] = sb.root + "/link"
        #expect(symlink(shared, sb.root + "/link") == 0)
        let first = try cachewrap(["--", "pid"], env: env, cwd: sb.home)
        let second = try cachewrap(["--", "pid"], env: env, cwd: sb.home)
        #expect(first.status == 0 && second.status == 0 && sb.counter("pid") == 2, "a link to a shared dir is not used")
        #expect(second.stderrText.contains(shared), "the warning names where the link leads: \(second.stderrText)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: shared))?.isEmpty == true, "nothing written there")
        #expect(chmod(shared, 0o700) == 0)
        _ = try cachewrap(["--", "pid"], env: env, cwd: sb.home)
        let hit = try cachewrap(["--", "pid"], env: env, cwd: sb.home)
        #expect(sb.counter("pid") == 3 && hit.stderr.isEmpty, "a link to a private dir is fine")
    }

    @Test func aHotFileSomeoneElseCanWriteIsNotReplayed() throws {
        let sb = try TestSandbox()
        sb.writeTool("pid", script: Self.tool)
        let stored = try cachewrap(["--", "pid"], env: sb.baseEnv(), cwd: sb.home)
        let hot = try #require(try FileManager.default.contentsOfDirectory(atPath: sb.cacheDir + "/hot").first)
        #expect(chmod(sb.cacheDir + "/hot/" + hot, 0o666) == 0)
        let call = try cachewrap(["--", "pid"], env: sb.baseEnv(), cwd: sb.home)
        #expect(call.stdout != stored.stdout && sb.counter("pid") == 2, "a file others could write is not trusted")
        #expect(call.stderrText.contains("writable"), "\(call.stderrText)")
    }

    @Test func directoriesAndFilesAreCreatedPrivate() throws {
        let sb = try TestSandbox()
        sb.writeTool("pid", script: Self.tool)
        sb.writeTool("big", script: IntegrityTests.bigTool)
        _ = try cachewrap(["--", "pid"], env: sb.baseEnv(), cwd: sb.home)
        _ = try cachewrap(["--", "big"], env: sb.baseEnv(), cwd: sb.home)
        _ = try cachewrap(["--", "pid"], env: sb.baseEnv(), cwd: sb.home)
        let fm = FileManager.default
        for name in [""] + ((fm.enumerator(atPath: sb.cacheDir)?.allObjects as? [String]) ?? []) {
            var st = stat()
            #expect(lstat(sb.cacheDir + "/" + name, &st) == 0)
            let mode = st.st_mode & 0o777
            if st.st_mode & S_IFMT == S_IFDIR {
                #expect(mode == 0o700, "\(name): directories are 0700, not \(String(mode, radix: 8))")
            } else {
                #expect(mode == 0o600, "\(name): files are 0600, not \(String(mode, radix: 8))")
            }
        }
    }
}
