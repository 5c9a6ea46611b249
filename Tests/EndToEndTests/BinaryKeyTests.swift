import Foundation
import Testing

/// Everything that changes a tool's answer changes its key, checked through the built binary:
/// which program runs (another one earlier on PATH, an edited or upgraded one), gh's debug
/// variables, and the default repository `gh repo set-default` records. The CID a call uses is
/// the one `cachewrap key` prints, so each case compares CIDs and then checks that the real
/// call runs the tool again instead of replaying the old program's answer.
@Suite struct BinaryKeyTests {
    /// The CID `cachewrap key` prints for `args`.
    static func cid(_ args: [String], env: [String: String], cwd: String? = nil) throws -> String {
        let result = try cachewrap(["key"] + args, env: env, cwd: cwd)
        #expect(result.status == 0, "\(result.stderrText)")
        return String(result.stdoutText.split(separator: "\n").first ?? "")
    }

    /// The key document `cachewrap key --json` prints for `args`.
    static func document(_ args: [String], env: [String: String], cwd: String? = nil) throws -> String {
        let result = try cachewrap(["key", "--json"] + args, env: env, cwd: cwd)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
        return try #require(json?["document"] as? String)
    }

    /// An executable script at `path` that prints `output` and counts its runs in `counts/<name>`.
    static func writeScript(_ path: String, output: String, counting name: String, in sb: TestSandbox) throws {
        let text = "#!/bin/sh\necho run >> \(TestSandbox.shellQuote(sb.countsDir + "/" + name))\necho \(output)\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    /// The file's sha256 as coreutils computes it: the key must name the content, not the path.
    static func sha256sum(_ path: String) throws -> String {
        let result = try run("/usr/bin/sha256sum", [path], env: ["PATH": "/usr/bin:/bin"])
        return String(result.stdoutText.prefix(64))
    }

    @Test func anotherProgramEarlierOnPathIsAnotherKey() throws {
        let sb = try TestSandbox()
        sb.writeTool("mytool", script: "echo first")
        let env = sb.baseEnv()
        let before = try Self.cid(["--", "mytool"], env: env, cwd: sb.home)
        #expect(try cachewrap(["--", "mytool"], env: env, cwd: sb.home).stdoutText == "first\n")

        let earlier = sb.root + "/earlier"
        try FileManager.default.createDirectory(atPath: earlier, withIntermediateDirectories: true)
        try Self.writeScript(earlier + "/mytool", output: "second", counting: "earlier", in: sb)
        var shadowed = env
        shadowed["PATH"] = earlier + ":" + env["PATH"]!
        #expect(try Self.cid(["--", "mytool"], env: shadowed, cwd: sb.home) != before)
        let result = try cachewrap(["--", "mytool"], env: shadowed, cwd: sb.home)
        #expect(result.stdoutText == "second\n", "the program found first runs, not the other one's answer")
        #expect(sb.counter("earlier") == 1 && sb.counter("mytool") == 1)

        // The same bytes elsewhere are the same program: the key names content, not a path, so
        // machines sharing a team cache share keys.
        try FileManager.default.removeItem(atPath: earlier + "/mytool")
        try FileManager.default.copyItem(atPath: sb.binDir + "/mytool", toPath: earlier + "/mytool")
        #expect(try Self.cid(["--", "mytool"], env: shadowed, cwd: sb.home) == before)
    }

    /// The hardest edit for a memo of digests: the same file (inode), the same size, the old
    /// mtime put back. Only the change time tells, and it must.
    @Test func anEditedProgramIsAnotherKey() throws {
        let sb = try TestSandbox()
        sb.writeTool("mytool", script: "echo old")
        let path = sb.binDir + "/mytool"
        let env = sb.baseEnv()
        let before = try Self.cid(["--", "mytool"], env: env, cwd: sb.home)
        #expect(try cachewrap(["--", "mytool"], env: env, cwd: sb.home).stdoutText == "old\n")
        // A file changed within the last second is hashed but not memoised: hits are repeated
        // until one memoises it, rather than sleeping until the file is old enough.
        let memoised = try eventually {
            _ = try cachewrap(["--", "mytool"], env: env, cwd: sb.home)
            return ((try? FileManager.default.contentsOfDirectory(atPath: sb.cacheDir + "/binaries")) ?? []).count == 1
        }
        #expect(memoised, "the digest is memoised in the cache dir")

        var st = stat()
        stat(path, &st)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        var content = try String(contentsOfFile: path, encoding: .utf8)
        content = content.replacingOccurrences(of: "echo old", with: "echo new")
        try handle.write(contentsOf: Data(content.utf8))
        try handle.close()
        var times = [st.st_atim, st.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        var after = stat()
        stat(path, &after)
        #expect(after.st_ino == st.st_ino && after.st_size == st.st_size && after.st_mtim.tv_nsec == st.st_mtim.tv_nsec)

        #expect(try Self.cid(["--", "mytool"], env: env, cwd: sb.home) != before)
        #expect(try cachewrap(["--", "mytool"], env: env, cwd: sb.home).stdoutText == "new\n")
        #expect(sb.counter("mytool") == 2)
    }

    @Test func ghDebugVariablesAreInTheKey() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: #"echo list; if [ -n "$GH_DEBUG$DEBUG" ]; then echo "trace" >&2; fi"#)
        let env = sb.baseEnv()
        let args = ["gh", "pr", "list", "-R", "o/r"]
        let plain = try Self.cid(args, env: env, cwd: sb.home)
        _ = try cachewrap(args, env: env, cwd: sb.home)
        for (name, value) in [("GH_DEBUG", "api"), ("DEBUG", "1")] {
            var debug = env
            debug[name] = value
            #expect(try Self.cid(args, env: debug, cwd: sb.home) != plain, "\(name)")
            #expect(try cachewrap(args, env: debug, cwd: sb.home).stderrText == "trace\n", "a debug run is never a plain answer")
        }
        #expect(try cachewrap(args, env: env, cwd: sb.home).stderrText.isEmpty, "and a plain call never gets the trace")
        #expect(sb.counter("gh") == 3)
    }

    /// `gh repo set-default` writes `gh-resolved` under the remote: `gh repo view` then answers
    /// for another repository, so the key's repository context must change with it.
    @Test(arguments: ["base", "upstream-owner/repo"])
    func theDefaultRepositoryIsInTheContext(resolved: String) throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "echo repo")
        let repo = sb.root + "/repo"
        try FileManager.default.createDirectory(atPath: repo + "/.git", withIntermediateDirectories: true)
        try "ref: refs/heads/main\n".write(toFile: repo + "/.git/HEAD", atomically: true, encoding: .utf8)
        let config = "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/o/r.git\n"
        try config.write(toFile: repo + "/.git/config", atomically: true, encoding: .utf8)
        let env = sb.baseEnv()
        let before = try Self.cid(["gh", "repo", "view"], env: env, cwd: repo)
        _ = try cachewrap(["gh", "repo", "view"], env: env, cwd: repo)

        let resolvedConfig = config + "\tgh-resolved = \(resolved)\n"
        try resolvedConfig.write(toFile: repo + "/.git/config", atomically: true, encoding: .utf8)
        #expect(try Self.cid(["gh", "repo", "view"], env: env, cwd: repo) != before)
        _ = try cachewrap(["gh", "repo", "view"], env: env, cwd: repo)
        #expect(sb.counter("gh") == 2, "the old default's answer is not replayed")
    }

    /// An upgrade at the same path changes every class's key, not only `--version`'s; a `touch`
    /// that leaves the bytes alone does not.
    @Test func anUpgradedGhIsAnotherKeyForEveryClass() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "echo v1")
        let env = sb.baseEnv()
        let args = ["gh", "pr", "list", "-R", "o/r"]
        let before = try Self.cid(args, env: env, cwd: sb.home)
        let document = try Self.document(args, env: env, cwd: sb.home)
        #expect(document.contains(#""binary":"sha256:\#(try Self.sha256sum(sb.binDir + "/gh"))""#), "\(document)")
        _ = try cachewrap(args, env: env, cwd: sb.home)

        let later = Date().addingTimeInterval(60)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: sb.binDir + "/gh")
        #expect(try Self.cid(args, env: env, cwd: sb.home) == before, "same bytes, same program")
        #expect(try cachewrap(args, env: env, cwd: sb.home).stdoutText == "v1\n")
        #expect(sb.counter("gh") == 1)

        sb.writeTool("gh", script: "echo v2.0")
        #expect(try Self.cid(args, env: env, cwd: sb.home) != before)
        #expect(try cachewrap(args, env: env, cwd: sb.home).stdoutText == "v2.0\n")
        #expect(sb.counter("gh") == 2)
        let explained = try cachewrap(["explain"] + args, env: env, cwd: sb.home)
        #expect(explained.stdoutText.contains("  binary: \"sha256:\(try Self.sha256sum(sb.binDir + "/gh"))\""),
                "\(explained.stdoutText)")
    }
}
