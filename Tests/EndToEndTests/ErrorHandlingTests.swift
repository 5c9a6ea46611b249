import Foundation
import Testing

/// Bad input gets a clear `cachewrap:` message and the documented exit code, and a broken
/// cache never stops the tool (fail open).
@Suite struct ErrorHandlingTests {
    @Test(arguments: [
        (["--bogus", "gh"], Int32(64), "unknown option"),
        (["--ttl", "5x", "gh", "pr", "list"], 64, "bad duration '5x'"),
        (["--ttl"], 64, "needs a value"),
        ([], 64, "no command given"),
        (["no-such-tool-anywhere"], 127, "command not found"),
        (["--", "no-such-tool-anywhere"], 127, "command not found"),
        (["--offline", "--", "true"], 69, "--offline"),
        (["--offline", "--refresh", "--", "true"], 64, "--offline"),
        (["show", "bafkreinothere"], 1, "no cache entry"),
        (["gc", "--max-size", "lots"], 64, "bad size"),
        (["rm"], 64, "usage"),
    ])
    func badInputHasAClearMessageAndCode(args: [String], code: Int32, message: String) throws {
        let sb = try TestSandbox()
        let result = try cachewrap(args, env: sb.baseEnv())
        #expect(result.status == code, "\(args): \(result.stderrText)")
        #expect(result.stderrText.hasPrefix("cachewrap: "))
        #expect(result.stderrText.contains(message), "\(args): \(result.stderrText)")
        #expect(result.stdout.isEmpty)
    }

    @Test func notExecutableIs126() throws {
        let sb = try TestSandbox()
        _ = FileManager.default.createFile(atPath: sb.binDir + "/noexec", contents: Data("echo hi\n".utf8),
                                       attributes: [.posixPermissions: 0o644])
        let result = try cachewrap(["--", sb.binDir + "/noexec"], env: sb.baseEnv())
        #expect(result.status == 126, "\(result.stderrText)")
    }

    @Test func unwritableCacheDirStillRunsTheToolWithOneWarning() throws {
        let sb = try TestSandbox()
        sb.writeTool("t", script: "echo fine")
        var env = sb.baseEnv()
        // A regular file where the cache directory should be: nothing can be created under it.
        _ = FileManager.default.createFile(atPath: sb.root + "/blocker", contents: Data())
        env["CACHEWRAP_DIR"] = sb.root + "/blocker/cache"
        let result = try cachewrap(["--", "t"], env: env)
        #expect(result.status == 0 && result.stdoutText == "fine\n")
        let warnings = result.stderrText.split(separator: "\n")
        #expect(warnings.count == 1 && warnings[0].hasPrefix("cachewrap: warning:"), "\(result.stderrText)")
        let quiet = try cachewrap(["--quiet", "--", "t"], env: env)
        #expect(quiet.stderr.isEmpty && quiet.stdoutText == "fine\n")
    }

    @Test func corruptDatabaseIsMovedAsideAndRecreated() throws {
        let sb = try TestSandbox()
        sb.writeTool("t", script: "echo fine")
        let env = sb.baseEnv()
        try FileManager.default.createDirectory(atPath: sb.cacheDir, withIntermediateDirectories: true)
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        _ = FileManager.default.createFile(atPath: sb.cacheDir + "/cache.db", contents: garbage)
        let result = try cachewrap(["--", "t"], env: env)
        #expect(result.status == 0 && result.stdoutText == "fine\n")
        #expect(result.stderrText.split(separator: "\n").count == 1 && result.stderrText.contains("moved it"))
        let files = try FileManager.default.contentsOfDirectory(atPath: sb.cacheDir)
        #expect(files.contains { $0.hasPrefix("cache.db.corrupt-") })
        _ = try cachewrap(["--", "t"], env: env)
        #expect(sb.counter("t") == 1, "the recreated store works: the second call is a hit")
    }

    @Test func cacheDirectoryAndDatabaseArePrivate() throws {
        let sb = try TestSandbox()
        _ = try cachewrap(["--", "true"], env: sb.baseEnv())
        let fm = FileManager.default
        let dirMode = try fm.attributesOfItem(atPath: sb.cacheDir)[.posixPermissions] as? Int
        #expect(dirMode == 0o700)
        for file in try fm.subpathsOfDirectory(atPath: sb.cacheDir) {
            let attributes = try fm.attributesOfItem(atPath: sb.cacheDir + "/" + file)
            let isDirectory = attributes[.type] as? FileAttributeType == .typeDirectory
            #expect(attributes[.posixPermissions] as? Int == (isDirectory ? 0o700 : 0o600), "\(file)")
        }
    }
}
