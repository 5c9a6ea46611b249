import Foundation
import Testing

/// The wrap path as a user meets it: the built binary in front of fake tools. Guards the core
/// promise: the second identical call is a hit with identical bytes, anything that changes the
/// answer is a miss, and bad input gets the documented exit code.
@Suite struct WrapTests {
    /// A fake gh that prints its argv and a marker to both streams, and exits with $FAKE_EXIT.
    static let echoTool = """
        printf 'out:%s\\n' "$*"
        printf 'err:%s\\n' "$*" >&2
        printf 'more out\\n'
        exit "${FAKE_EXIT:-0}"
        """

    @Test func secondIdenticalCallIsAHitWithIdenticalOutput() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: Self.echoTool)
        let env = sb.baseEnv()
        let first = try cachewrap(["gh", "pr", "list", "-R", "o/r"], env: env, cwd: sb.home)
        let second = try cachewrap(["gh", "pr", "list", "-R", "o/r"], env: env, cwd: sb.home)
        #expect(first.status == 0 && second.status == 0)
        #expect(first.stdoutText == "out:pr list -R o/r\nmore out\n")
        #expect(second.stdout == first.stdout)
        #expect(second.stderr == first.stderr)
        #expect(sb.counter("gh") == 1)
    }

    @Test func changedArgumentEnvOrCwdIsAMiss() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: Self.echoTool)
        var env = sb.baseEnv()
        _ = try cachewrap(["gh", "pr", "list", "-R", "o/r"], env: env, cwd: sb.home)
        _ = try cachewrap(["gh", "pr", "list", "-R", "o/x"], env: env, cwd: sb.home)
        #expect(sb.counter("gh") == 2, "a changed argument must miss")
        env["GH_HOST"] = "example.localhost"
        _ = try cachewrap(["gh", "pr", "list", "-R", "o/r"], env: env, cwd: sb.home)
        #expect(sb.counter("gh") == 3, "a changed allowlisted variable must miss")
        env["UNRELATED_VAR"] = "x"
        _ = try cachewrap(["gh", "pr", "list", "-R", "o/r"], env: env, cwd: sb.home)
        #expect(sb.counter("gh") == 3, "a variable outside the allowlist must not change the key")

        sb.writeTool("lister", script: "pwd")
        let a = try cachewrap(["--", "lister"], env: env, cwd: sb.home)
        _ = try cachewrap(["--", "lister"], env: env, cwd: sb.home)
        let b = try cachewrap(["--", "lister"], env: env, cwd: sb.binDir)
        #expect(sb.counter("lister") == 2, "the generic policy keys on cwd")
        #expect(a.stdoutText != b.stdoutText)
    }

    @Test func exitCodeIsKeptAndFailuresAreNotStored() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: Self.echoTool)
        var env = sb.baseEnv()
        env["FAKE_EXIT"] = "3"
        let failed = try cachewrap(["gh", "repo", "view", "o/r"], env: env)
        #expect(failed.status == 3)
        _ = try cachewrap(["gh", "repo", "view", "o/r"], env: env)
        #expect(sb.counter("gh") == 2, "a non-zero exit is never stored")
        sb.writeTool("flaky", script: "echo partial; exit 7")
        let generic = try cachewrap(["--", "flaky"], env: env)
        #expect(generic.status == 7 && generic.stdoutText == "partial\n")
    }

    @Test func binaryAndEmptyOutputRoundTrip() throws {
        let sb = try TestSandbox()
        sb.writeTool("bin", script: "printf 'a\\000b\\377\\376c\\n'; printf '\\000' >&2")
        sb.writeTool("empty", script: "exit 0")
        let env = sb.baseEnv()
        for tool in ["bin", "empty"] {
            let miss = try cachewrap(["--", tool], env: env)
            let hit = try cachewrap(["--", tool], env: env)
            #expect(miss.stdout == hit.stdout && miss.stderr == hit.stderr && hit.status == 0)
            #expect(sb.counter(tool) == 1)
        }
        let bin = try cachewrap(["--", "bin"], env: env)
        #expect(bin.stdout == [0x61, 0x00, 0x62, 0xff, 0xfe, 0x63, 0x0a])
        #expect(bin.stderr == [0x00])
    }

    @Test func interleavingOfStdoutAndStderrIsReplayed() throws {
        let sb = try TestSandbox()
        // Separate writes with pauses so the recorder sees them as separate chunks, in order.
        sb.writeTool("mix", script: "echo 1; sleep 0.05; echo 2 >&2; sleep 0.05; echo 3; sleep 0.05; echo 4 >&2")
        let env = sb.baseEnv()
        let merged = "exec 2>&1; \(try cachewrapBinary()) -- mix"
        let miss = try run("/bin/sh", ["-c", merged], env: env)
        let hit = try run("/bin/sh", ["-c", merged], env: env)
        #expect(miss.stdoutText == "1\n2\n3\n4\n")
        #expect(hit.stdoutText == "1\n2\n3\n4\n")
        #expect(sb.counter("mix") == 1)
    }

    @Test func fiftyMebibytesRoundTripByteExact() throws {
        let sb = try TestSandbox()
        let source = sb.root + "/big.bin"
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 50 << 20)
        for i in stride(from: 0, to: bytes.count, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { raw in
                for j in 0..<8 { bytes[i + j] = raw[j] }
            }
        }
        _ = FileManager.default.createFile(atPath: source, contents: Data(bytes))
        sb.writeTool("big", script: "cat \(TestSandbox.shellQuote(source))")
        let env = sb.baseEnv()
        let miss = try cachewrap(["--", "big"], env: env)
        let hit = try cachewrap(["--", "big"], env: env)
        #expect(miss.stdout.count == bytes.count && miss.stdout == bytes, "miss output must be byte-exact")
        #expect(hit.stdout == bytes, "hit output must be byte-exact")
        #expect(sb.counter("big") == 1)
    }

    @Test func stdinIsPartOfTheKeyAndReachesTheTool() throws {
        let sb = try TestSandbox()
        let env = sb.baseEnv()
        let a = try cachewrap(["--", "cat"], env: env, stdin: Array("a\n".utf8))
        let b = try cachewrap(["--", "cat"], env: env, stdin: Array("b\n".utf8))
        let a2 = try cachewrap(["--", "cat"], env: env, stdin: Array("a\n".utf8))
        #expect(a.stdoutText == "a\n" && b.stdoutText == "b\n" && a2.stdoutText == "a\n")
        let entries = try cachewrap(["ls", "--json"], env: env)
        let list = try JSONSerialization.jsonObject(with: Data(entries.stdout)) as? [[String: Any]]
        #expect(list?.count == 2)
    }

    @Test func wrapperOptionsChangeLookupAndStore() throws {
        let sb = try TestSandbox()
        sb.writeTool("t", script: "date +%s%N")
        let env = sb.baseEnv(), here = FileManager.default.currentDirectoryPath  // `cachewrap`'s cwd, which keys `--`
        _ = try cachewrap(["--", "t"], env: env)
        _ = try cachewrap(["--refresh", "--", "t"], env: env)
        #expect(sb.counter("t") == 2, "--refresh runs the tool")
        let stored = try cachewrap(["--", "t"], env: env)
        #expect(sb.counter("t") == 2, "--refresh stored its result")
        let uncached = try cachewrap(["--no-cache", "--", "t"], env: env)
        #expect(sb.counter("t") == 3 && uncached.stdout != stored.stdout)
        let after = try cachewrap(["--", "t"], env: env)
        #expect(after.stdout == stored.stdout, "--no-cache does not store")
        let offline = try cachewrap(["--offline", "--", "t"], env: env)
        #expect(offline.status == 0 && offline.stdout == stored.stdout && sb.counter("t") == 3)
        try #require(try FreshnessAgreementTests.waitForExplainExpired(["--ttl", "1s", "--", "t"], env: env, cwd: here), "never 1 s old")
        _ = try cachewrap(["--ttl", "1s", "--", "t"], env: env)
        #expect(sb.counter("t") == 4, "--ttl 1s treats an older entry as expired")
        let quiet = try cachewrap(["--quiet", "bogus-tool-xyz"], env: env)
        #expect(quiet.status == 127)
    }

    @Test func disableAndPassthroughExecTheTool() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: Self.echoTool)
        var env = sb.baseEnv()
        _ = try cachewrap(["gh", "pr", "create", "--title", "t", "--body", "b"], env: env)
        _ = try cachewrap(["gh", "pr", "create", "--title", "t", "--body", "b"], env: env)
        #expect(sb.counter("gh") == 2, "a mutating command is never served from cache")
        env["CACHEWRAP_DISABLE"] = "1"
        _ = try cachewrap(["gh", "repo", "view", "o/r"], env: env)
        _ = try cachewrap(["gh", "repo", "view", "o/r"], env: env)
        #expect(sb.counter("gh") == 4, "CACHEWRAP_DISABLE=1 is pure pass-through")
        let listed = try cachewrap(["ls", "--json"], env: sb.baseEnv())
        #expect(listed.stdoutText == "[]\n", "nothing was stored while disabled")
    }

    @Test func shimNamedAfterTheToolFindsTheRealOne() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: Self.echoTool)
        let shims = sb.root + "/shims"
        try FileManager.default.createDirectory(atPath: shims, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: shims + "/gh", withDestinationPath: try cachewrapBinary())
        var env = sb.baseEnv()
        env["PATH"] = shims + ":" + env["PATH"]!
        let first = try run("/bin/sh", ["-c", "gh repo view o/r"], env: env)
        let second = try run("/bin/sh", ["-c", "gh repo view o/r"], env: env)
        #expect(first.status == 0 && first.stdoutText == "out:repo view o/r\nmore out\n")
        #expect(second.stdout == first.stdout && sb.counter("gh") == 1)
    }

    /// Two installs, each with its shims on PATH (an old one in ~/.local, a new one in
    /// /usr/local): each cachewrap skipped only itself, found the other's shim, and the call went
    /// back and forth forever. Any shim that resolves to a binary named cachewrap is skipped.
    @Test func shimsOfTwoInstallsDoNotHandTheCallBackAndForth() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: Self.echoTool)
        var path = sb.baseEnv()["PATH"]!
        for install in ["old", "new"] {
            let bin = sb.root + "/\(install)/bin", shims = sb.root + "/\(install)/shims"
            for dir in [bin, shims] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            try FileManager.default.copyItem(atPath: try cachewrapBinary(), toPath: bin + "/cachewrap")
            try FileManager.default.createSymbolicLink(atPath: shims + "/gh", withDestinationPath: bin + "/cachewrap")
            path = shims + ":" + path
        }
        var env = sb.baseEnv()
        env["PATH"] = path
        // `timeout`: before the fix this never ended.
        let result = try run("/usr/bin/timeout", ["20", "/bin/sh", "-c", "gh repo view o/r"], env: env)
        #expect(result.status == 0 && result.stdoutText == "out:repo view o/r\nmore out\n", "\(result.status) \(result.stderrText)")
        #expect(sb.counter("gh") == 1)
    }
}

/// A hit reads only the entry's hot file, never the database; and no hot file outlives its
/// entry (removal, invalidation, a damaged database moved aside).
@Suite struct HotFileTests {
    /// Every size has a hot file: inline up to the in-memory recording limit (4 MiB), a pointer
    /// to the blob file past it. 2 MiB once fell between the two and its hits read the database.
    @Test(arguments: [1 << 10, 2 << 20, 6 << 20])
    func everyOutputSizeIsServedWithoutTheDatabase(size: Int) throws {
        let sb = try TestSandbox()
        let data = sb.root + "/answer.bin"
        _ = FileManager.default.createFile(atPath: data, contents: Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        sb.writeTool("gh", script: "cat '\(data)'")
        let env = sb.baseEnv()
        let miss = try cachewrap(["gh", "repo", "view", "o/r"], env: env)
        #expect(miss.status == 0 && miss.stdout.count == size)
        damageDatabase(sb)
        let hit = try cachewrap(["gh", "repo", "view", "o/r"], env: env)
        #expect(hit.stdout == miss.stdout && hit.stderr.isEmpty, "\(hit.stderrText)")
        #expect(sb.counter("gh") == 1)
    }

    @Test func aHitNeedsNoDatabaseAndRemovalTakesTheHotFile() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "echo answer")
        let env = sb.baseEnv()
        _ = try cachewrap(["gh", "repo", "view", "o/r"], env: env)
        let hot = try FileManager.default.contentsOfDirectory(atPath: sb.cacheDir + "/hot")
        #expect(hot.count == 1 && hot[0].hasPrefix("bafkrei"))
        // Damage the database: a hit must not even notice (it never opens it).
        damageDatabase(sb)
        let hit = try cachewrap(["gh", "repo", "view", "o/r"], env: env)
        #expect(hit.stdoutText == "answer\n" && hit.stderr.isEmpty, "\(hit.stderrText)")
        #expect(sb.counter("gh") == 1)
        // The next store user moves the damaged database aside, and the hot files with it.
        let mutation = try cachewrap(["gh", "issue", "close", "7", "-R", "o/r"], env: env)
        #expect(mutation.stderrText.contains("moved it"), "\(mutation.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: sb.cacheDir + "/hot/" + hot[0]))
        _ = try cachewrap(["gh", "repo", "view", "o/r"], env: env)
        #expect(sb.counter("gh") == 3, "the read ran again")
        _ = try cachewrap(["gh", "issue", "close", "7", "-R", "o/r"], env: env)
        #expect(try FileManager.default.contentsOfDirectory(atPath: sb.cacheDir + "/hot").isEmpty,
                "a mutation's invalidation removes the hot file")
    }

    /// Garbage in place of the database, and no WAL: the store keeps its WAL between processes,
    /// and pages still in it would mask a damaged main file from the next opener.
    private func damageDatabase(_ sb: TestSandbox) {
        _ = FileManager.default.createFile(atPath: sb.cacheDir + "/cache.db", contents: Data(repeating: 0x5a, count: 8192))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sb.cacheDir + "/cache.db" + suffix) }
    }
}
