import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `ls`, `stats`, `show` and `explain` only read (issue 11): they report a missing cache as empty
/// without creating it, and read a cache they cannot write (a directory 0500 and database 0400
/// another user handed over, or a read-only mount) in each state SQLite can leave it in, without
/// creating any file there.
@Suite struct ReadOnlyCacheTests {
    /// Every path under `dir`, to show that a command created nothing.
    static func paths(_ dir: String) -> Set<String> {
        Set(FileManager.default.subpaths(atPath: dir) ?? [])
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? -1
    }

    /// Two entries and one replay, made by the binary; returns the first entry's CID.
    static func populate(_ sb: TestSandbox) throws -> String {
        sb.writeTool("hello", script: "echo \"hi $*\"")
        for args in [["--", "hello"], ["--", "hello", "two"], ["--", "hello"]] {
            #expect(try cachewrap(args, env: sb.baseEnv()).status == 0)
        }
        let key = try cachewrap(["key", "--", "hello"], env: sb.baseEnv())
        return String(key.stdoutText.prefix { $0 != "\n" })
    }

    /// Runs cachewrap as a user who may read the cache but not write it: the same user after a
    /// chmod, or, for root (whom modes do not stop), `nobody` after the cache is handed to it
    /// with the same modes (a cache of someone else's is not trusted at all, see CacheTrustTests).
    final class Reader {
        let sb: TestSandbox
        let asRoot = geteuid() == 0
        init(_ sb: TestSandbox) throws {
            self.sb = sb
            if asRoot { try TestSandbox.requireTool("setpriv") }
            _ = chmod(sb.root, 0o755)
            setModes(directory: 0o500, file: 0o400, owner: asRoot ? 65534 : geteuid())
        }

        deinit { setModes(directory: 0o700, file: 0o600, owner: geteuid()) }

        private func setModes(directory: mode_t, file: mode_t, owner: uid_t) {
            let cache = sb.cacheDir
            for sub in ReadOnlyCacheTests.paths(cache) {
                var st = stat()
                guard lstat(cache + "/" + sub, &st) == 0 else { continue }
                _ = chmod(cache + "/" + sub, st.st_mode & S_IFMT == S_IFDIR ? directory : file)
                _ = lchown(cache + "/" + sub, owner, gid_t(owner))
            }
            _ = chmod(cache, directory)
            _ = lchown(cache, owner, gid_t(owner))
        }

        func run(_ args: [String]) throws -> RunResult {
            guard asRoot else { return try cachewrap(args, env: sb.baseEnv()) }
            return try CachewrapE2E.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                              try cachewrapBinary()] + args, env: sb.baseEnv())
        }
    }

    /// What every reading command must say about a cache holding `populate`'s entries.
    static func expectFullReport(_ run: ([String]) throws -> RunResult, cid: String, _ state: String) throws {
        let ls = try run(["ls", "--json"])
        #expect(ls.status == 0 && ls.stdoutText.components(separatedBy: "\"cid\"").count == 3, "\(state): \(ls.stdoutText)\(ls.stderrText)")
        let stats = try run(["stats", "--json"])
        #expect(stats.status == 0 && stats.stdoutText.contains("\"entries\":2"), "\(state): \(stats.stdoutText)\(stats.stderrText)")
        #expect(try run(["stats"]).status == 0)
        let show = try run(["show", String(cid.prefix(20)), "--stdout"])
        #expect(show.status == 0 && show.stdoutText == "hi \n", "\(state): \(show.stdoutText)\(show.stderrText)")
        let explain = try run(["explain", "--", "hello"])
        #expect(explain.status == 0 && explain.stdoutText.contains("now:       hit (cached"), "\(state): \(explain.stdoutText)\(explain.stderrText)")
    }

    @Test func aMissingCacheIsEmptyAndIsNotCreated() throws {
        let sb = try TestSandbox()
        sb.writeTool("hello", script: "echo hi")
        for round in ["no directory", "an empty directory"] {
            for args in [["ls"], ["ls", "--json"], ["stats"], ["stats", "--json"], ["explain", "--", "hello"]] {
                let result = try cachewrap(args, env: sb.baseEnv())
                #expect(result.status == 0, "\(round) \(args): \(result.stderrText)")
                #expect(result.stderrText.isEmpty, "\(round) \(args): \(result.stderrText)")
            }
            #expect(try cachewrap(["ls", "--json"], env: sb.baseEnv()).stdoutText == "[]\n")
            #expect(try cachewrap(["stats", "--json"], env: sb.baseEnv()).stdoutText.contains("\"entries\":0"))
            #expect(try cachewrap(["explain", "--", "hello"], env: sb.baseEnv()).stdoutText.contains("now:       miss (nothing cached)"))
            let show = try cachewrap(["show", "bafkrei"], env: sb.baseEnv())
            #expect(show.status == 1 && show.stderrText.contains("no cache entry matches"), "\(show.stderrText)")
            if round == "no directory" {
                #expect(!FileManager.default.fileExists(atPath: sb.cacheDir), "\(round): the cache dir was created")
                try FileManager.default.createDirectory(atPath: sb.cacheDir, withIntermediateDirectories: false)
            } else {
                #expect(Self.paths(sb.cacheDir).isEmpty, "\(round): \(Self.paths(sb.cacheDir))")
            }
        }
        #expect(sb.counter("hello") == 0, "explain runs nothing")
    }

    /// The three states a cache's files can be in: the WAL and its index left behind (how
    /// cachewrap leaves them), everything checkpointed into the database, and a WAL whose index
    /// file was not copied along.
    @Test(arguments: ["wal", "checkpointed", "wal-without-shm"])
    func aCacheThatCannotBeWrittenIsReadInEveryState(state: String) throws {
        let sb = try TestSandbox()
        let cid = try Self.populate(sb)
        let db = sb.cacheDir + "/cache.db"
        switch state {
        case "checkpointed":
            let sqlite = try TestSandbox.requireTool("sqlite3")
            #expect(try CachewrapE2E.run(sqlite, [db, "PRAGMA wal_checkpoint(TRUNCATE);"], env: [:]).status == 0)
            #expect(!FileManager.default.fileExists(atPath: db + "-wal"), "the WAL is gone")
        case "wal-without-shm":
            try FileManager.default.removeItem(atPath: db + "-shm")
            fallthrough
        default:
            #expect(Self.size(db + "-wal") > 0, "the entries are in the WAL")
        }
        let before = Self.paths(sb.cacheDir)
        let reader = try Reader(sb)
        try Self.expectFullReport(reader.run, cid: cid, state)
        #expect(Self.paths(sb.cacheDir) == before, "\(state): created \(Self.paths(sb.cacheDir).subtracting(before))")
    }

    /// A read-only mount (EROFS, whoever the user is), in a private mount namespace.
    @Test func aReadOnlyMountIsRead() throws {
        let sb = try TestSandbox()
        let cid = try Self.populate(sb)
        let unshare = try TestSandbox.requireTool("unshare")
        let probe = try CachewrapE2E.run(unshare, ["-rm", "sh", "-c", "mount --bind -o ro \"$0\" \"$0\"", sb.cacheDir],
                                         env: sb.baseEnv())
        try TestSandbox.requireOrSkip(probe.status == 0, "a private read-only bind mount (unshare -rm): \(probe.stderrText)")
        let before = Self.paths(sb.cacheDir)
        let binary = try cachewrapBinary()
        try Self.expectFullReport({ args in
            try CachewrapE2E.run(unshare, ["-rm", "sh", "-c", "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"", sb.cacheDir,
                                          binary] + args, env: sb.baseEnv())
        }, cid: cid, "read-only mount")
        #expect(Self.paths(sb.cacheDir) == before)
    }
}

/// The runner's `run`, reachable from code that has a method of the same name.
enum CachewrapE2E {
    static func run(_ executable: String, _ args: [String], env: [String: String]) throws -> RunResult {
        try EndToEndTests.run(executable, args, env: env)
    }
}
