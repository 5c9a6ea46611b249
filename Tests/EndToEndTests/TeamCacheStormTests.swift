import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// Issue 7, "Must show" 6: 500 concurrent wrapped calls with the team cache on, split over two
/// machines (cache dirs) sharing one `redis-server`: 50 keys, each called 5 times on each machine.
/// Every call exits 0 with the right bytes, both outboxes drain, every key ends up in Redis, and
/// the counters obey the identities the run path implies (see `checkIdentities`).
@Suite struct TeamCacheStormTests {
    static let calls = 500, keys = 50

    /// Prints the key it was called with and a few non-UTF-8 bytes; each run is counted. It takes
    /// a moment, so identical calls overlap and wait for each other (the flight lock).
    static let toolScript = """
        sleep 0.2
        printf 'storm %s\\n\\001\\377\\n' "$1"
        printf 'storm warning %s\\n' "$1" >&2
        """

    /// Starts every call at once from one shell (`xargs -P`), not from test threads: Foundation's
    /// Process would wait on inherited descriptors, and one driver keeps the test's own fd use
    /// flat. Calls `2k` and `2k+1` run the same key `key-(k % 50)` on machines A and B at about
    /// the same moment (so each machine calls every key 5 times, and the two race for it), and
    /// leaves `out/i.out`, `out/i.err` and `out/i.status`.
    static let driver = """
        seq 0 $((CALLS - 1)) | xargs -P "$CALLS" -n 1 sh -c '
          i=$1
          if [ $((i % 2)) -eq 0 ]; then HOME=$A_HOME CACHEWRAP_DIR=$A_DIR; else HOME=$B_HOME CACHEWRAP_DIR=$B_DIR; fi
          export HOME CACHEWRAP_DIR
          "$CW" -- fakeTool "key-$((i / 2 % KEYS))" > "$OUT/$i.out" 2> "$OUT/$i.err"
          echo $? > "$OUT/$i.status"
        ' sh
        """

    @Test func fiveHundredConcurrentCallsLoseNothing() throws {
        let server = try RedisServer()
        let tools = try TestSandbox(), a = try TestSandbox(), b = try TestSandbox()
        tools.writeTool("fakeTool", script: Self.toolScript)
        let out = tools.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let remote = "redis://127.0.0.1:\(server.port)"
        // A generous deadline: 500 processes on a small machine can starve a lookup of CPU, and
        // this test is about consistency, not about the deadline (TeamCacheOutageTests is).
        let envs = [a, b].map { machine in
            var env = TeamCacheTests.env(machine, tools: tools, remote: remote)
            env["CACHEWRAP_REMOTE_TIMEOUT"] = "20s"
            return env
        }
        var driverEnv = envs[0]
        driverEnv.merge(["CW": try cachewrapBinary(), "OUT": out, "CALLS": "\(Self.calls)", "KEYS": "\(Self.keys)",
                         "A_HOME": a.home, "A_DIR": a.cacheDir, "B_HOME": b.home, "B_DIR": b.cacheDir]) { $1 }
        let storm = try run("/bin/sh", ["-c", Self.driver], env: driverEnv, cwd: tools.root, timeout: 600)
        #expect(storm.status == 0 && !storm.timedOut, "driver: \(storm.stderrText)")

        var wrong: [String] = []
        for i in 0..<Self.calls {
            let key = "key-\(i / 2 % Self.keys)"
            let status = (try? String(contentsOfFile: "\(out)/\(i).status", encoding: .utf8)) ?? "none"
            let stdout = FileManager.default.contents(atPath: "\(out)/\(i).out").map { [UInt8]($0) } ?? []
            let stderr = (try? String(contentsOfFile: "\(out)/\(i).err", encoding: .utf8)) ?? ""
            if status != "0\n" || stdout != Array("storm \(key)\n".utf8) + [1, 0xff, 10] || stderr != "storm warning \(key)\n" {
                wrong.append("call \(i): status \(status) stdout \(stdout.count) B stderr \(stderr.prefix(200))")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) calls wrong: \(wrong.prefix(3))")

        let drained = try TeamCacheTests.waitFor {
            try envs.allSatisfy { TeamCacheTests.int(try TeamCacheTests.stats($0), "outbox_pending") == 0 }
        }
        #expect(drained, "both outboxes drain")
        #expect(try TeamCacheTests.dbsize(server) == Int64(Self.keys), "every key reached Redis")
        let stats = try envs.map(TeamCacheTests.stats)
        Self.checkIdentities(stats, toolRuns: tools.counter("fakeTool"))
    }

    /// The identities of the run path (CachedRun + RemoteTier), per machine of `calls / 2` calls
    /// over `keys` keys:
    /// - every call is a hit (local, or a remote hit replayed) or a miss: hits + misses = calls;
    /// - only a call that finds nothing locally under the flight lock asks the remote, once, and
    ///   then replays a remote hit or runs the tool: the four remote outcomes sum to
    ///   misses + remote_hits;
    /// - the flight lock resolves each key once per machine, by a tool run or a remote hit:
    ///   misses + remote_hits = keys, and calls_made = misses (no retries here);
    /// - the tool ran once per miss over both machines, so between `keys` and twice that.
    static func checkIdentities(_ stats: [[String: Any]], toolRuns: Int) {
        func n(_ doc: [String: Any], _ name: String) -> Int { TeamCacheTests.int(doc, name) }
        for doc in stats {
            let remote = n(doc, "remote_hits") + n(doc, "remote_misses") + n(doc, "remote_errors") + n(doc, "remote_corrupt")
            #expect(n(doc, "hits") + n(doc, "misses") == calls / 2, "\(doc)")
            #expect(remote == n(doc, "misses") + n(doc, "remote_hits"), "\(doc)")
            #expect(n(doc, "misses") + n(doc, "remote_hits") == keys, "\(doc)")
            #expect(n(doc, "calls_made") == n(doc, "misses") && n(doc, "entries") == keys, "\(doc)")
            #expect(n(doc, "remote_errors") == 0 && n(doc, "remote_corrupt") == 0, "a healthy server: \(doc)")
        }
        #expect(toolRuns == stats.map { n($0, "misses") }.reduce(0, +), "one tool run per miss")
        #expect(toolRuns >= keys && toolRuns <= 2 * keys, "\(toolRuns) runs")
    }
}
