import Foundation
import Testing

/// Every replay is verified: a hot file, blob or row that is damaged, cut, swapped or missing is
/// a miss (the tool runs, one warning, `damaged` counted), never output.
@Suite struct IntegrityTests {
    /// Prints its argument, so each entry's answer is known.
    static let echo = #"printf '%s\n' "$1""#

    static func hotFile(_ sb: TestSandbox, _ cid: String) -> String { sb.cacheDir + "/hot/" + cid }

    static func cid(_ sb: TestSandbox, _ args: [String]) throws -> String {
        let key = try cachewrap(["key", "--json"] + args, env: sb.baseEnv(), cwd: sb.home)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(key.stdout)) as? [String: Any])
        return try #require(doc["cid"] as? String)
    }

    static func damagedCount(_ sb: TestSandbox) throws -> Int {
        let stats = try cachewrap(["stats", "--json"], env: sb.baseEnv())
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout)) as? [String: Any])
        return try #require(doc["damaged"] as? Int)
    }

    /// Stores `echo word`, damages its hot file with `damage`, and checks the next call runs
    /// the tool, prints the right answer, warns once and counts the damage.
    func expectRefused(_ word: String, in sb: TestSandbox, runsBefore: Int,
                       _ damage: (String) throws -> Void) throws {
        let args = ["--", "echotool", word]
        _ = try cachewrap(args, env: sb.baseEnv(), cwd: sb.home)
        try damage(Self.hotFile(sb, try Self.cid(sb, args)))
        let after = try cachewrap(args, env: sb.baseEnv(), cwd: sb.home)
        #expect(after.status == 0)
        #expect(after.stdoutText == word + "\n", "only verified bytes are replayed")
        #expect(after.stderrText.contains("damaged"), "one warning says the answer was damaged: \(after.stderrText)")
        #expect(sb.counter("echotool") == runsBefore + 2, "the damaged entry is a miss: the tool runs")
        let again = try cachewrap(args, env: sb.baseEnv(), cwd: sb.home)
        #expect(again.stdoutText == word + "\n" && again.stderr.isEmpty, "the re-run stored a good answer")
        #expect(sb.counter("echotool") == runsBefore + 2)
    }

    @Test func bitFlippedTruncatedOrEmptyHotFilesAreNeverReplayed() throws {
        let sb = try TestSandbox()
        sb.writeTool("echotool", script: Self.echo)
        try expectRefused("flipped", in: sb, runsBefore: 0) { path in
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes[bytes.count - 12] ^= 0x01  // inside the frames: "flipped" becomes "flipqed"-like
            try bytes.write(to: URL(fileURLWithPath: path))
        }
        try expectRefused("cut", in: sb, runsBefore: 2) { path in
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: path))
        }
        try expectRefused("empty", in: sb, runsBefore: 4) { path in try Data().write(to: URL(fileURLWithPath: path)) }
        #expect(try Self.damagedCount(sb) == 3)
    }

    @Test func anotherEntrysHotFileCopiedOverThisNameIsRefused() throws {
        let sb = try TestSandbox()
        sb.writeTool("echotool", script: Self.echo)
        _ = try cachewrap(["--", "echotool", "bbb"], env: sb.baseEnv(), cwd: sb.home)
        let other = Self.hotFile(sb, try Self.cid(sb, ["--", "echotool", "bbb"]))
        try expectRefused("aaa", in: sb, runsBefore: 1) { path in
            _ = unlink(path)
            try FileManager.default.copyItem(atPath: other, toPath: path)
        }
        #expect(try Self.damagedCount(sb) == 1)
    }

    /// A 6 MiB answer lives in a blob file (past the 4 MiB in-memory limit).
    static let bigTool = "head -c 6291456 /dev/zero | tr '\\0' 'x'; echo end"

    func blobOf(_ sb: TestSandbox) throws -> String {
        let blobs = try FileManager.default.contentsOfDirectory(atPath: sb.cacheDir + "/blobs")
        return sb.cacheDir + "/blobs/" + (try #require(blobs.first))
    }

    @Test func truncatedFlippedOrMissingBlobsAreNeverReplayed() throws {
        let sb = try TestSandbox()
        sb.writeTool("big", script: Self.bigTool)
        let first = try cachewrap(["--", "big"], env: sb.baseEnv(), cwd: sb.home)
        #expect(first.stdout.count == 6_291_460 && sb.counter("big") == 1)
        let damages: [(String, (String) throws -> Void)] = [
            ("truncated", { path in _ = truncate(path, 1_000_000) }),
            ("flipped", { path in
                let fd = open(path, O_WRONLY)
                var byte: UInt8 = 0x79  // 'y' where an 'x' was
                _ = pwrite(fd, &byte, 1, 3_000_000)
                close(fd)
            }),
            ("missing", { path in _ = unlink(path) }),
        ]
        for (n, (what, damage)) in damages.enumerated() {
            try damage(try blobOf(sb))
            let after = try cachewrap(["--", "big"], env: sb.baseEnv(), cwd: sb.home)
            #expect(after.status == 0, "\(what)")
            #expect(after.stdout == first.stdout, "\(what): the tool's own answer, never the damaged one")
            #expect(after.stderrText.contains("damaged"), "\(what): \(after.stderrText)")
            #expect(sb.counter("big") == n + 2, "\(what): a miss")
        }
        #expect(try Self.damagedCount(sb) == 3)
        let hit = try cachewrap(["--", "big"], env: sb.baseEnv(), cwd: sb.home)
        #expect(hit.stdout == first.stdout && sb.counter("big") == 4, "the re-stored blob replays")
    }

    @Test func aDamagedDatabaseRowIsNeverShown() throws {
        let sb = try TestSandbox()
        sb.writeTool("echotool", script: Self.echo)
        _ = try cachewrap(["--", "echotool", "secret-answer"], env: sb.baseEnv(), cwd: sb.home)
        let cid = try Self.cid(sb, ["--", "echotool", "secret-answer"])
        let python = try TestSandbox.requireTool("python3")
        let edit = try run(python, ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("UPDATE outputs SET frames = replace(frames, CAST('answer' AS BLOB), CAST('ANSWER' AS BLOB))")
            db.commit()
            """, sb.cacheDir + "/cache.db"], env: sb.baseEnv())
        #expect(edit.status == 0, "\(edit.stderrText)")
        let show = try cachewrap(["show", cid, "--stdout"], env: sb.baseEnv())
        #expect(show.status != 0 && !show.stdoutText.contains("ANSWER"), "a damaged row is refused, not shown")
        #expect(show.stderrText.contains("damaged"), "\(show.stderrText)")
    }
}
