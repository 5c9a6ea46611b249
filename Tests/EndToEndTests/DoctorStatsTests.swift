import Foundation
import Testing

// `cachewrap doctor` (OK/WARN/FAIL lines with fixes, exit 1 on a FAIL) and the terminal report of
// `cachewrap stats` (colour on a terminal only, never with NO_COLOR; bars; top operations).

/// The lines of a doctor report that start with `status`.
private func lines(_ result: RunResult, _ status: String) -> [String] {
    result.stdoutText.split(separator: "\n").map(String.init).filter { $0.hasPrefix(status + " ") }
}

/// Writes config.toml where cachewrap looks for it in the sandbox.
private func writeConfig(_ text: String, _ sb: TestSandbox) throws -> String {
    let dir = sb.home + "/.config/cachewrap"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try text.write(toFile: dir + "/config.toml", atomically: true, encoding: .utf8)
    return dir + "/config.toml"
}

/// A sandbox with a fake gh that sleeps a little (so time is saved) and some calls made:
/// `gh pr list` three times (1 miss, 2 hits), `gh repo view o/r` twice (1 miss, 1 hit).
private func sandboxWithHistory() throws -> TestSandbox {
    let sb = try TestSandbox()
    sb.writeTool("gh", script: "sleep 0.1; echo \"gh says $*\"")
    for args in [["pr", "list"], ["pr", "list"], ["pr", "list"], ["repo", "view", "o/r"], ["repo", "view", "o/r"]] {
        let result = try cachewrap(["gh"] + args, env: sb.baseEnv())
        #expect(result.status == 0, "\(args): \(result.stderrText)")
    }
    #expect(sb.counter("gh") == 2)
    return sb
}

/// Runs `cachewrap ARGS` on a fresh 100x30 terminal (util-linux `script`), returning what the
/// terminal received.
private func onTerminal(_ args: [String], env: [String: String]) throws -> RunResult {
    let script = try TestSandbox.requireTool("script")
    let command = ([try cachewrapBinary()] + args).map(TestSandbox.shellQuote).joined(separator: " ")
    return try run(script, ["-qec", "stty cols 100 rows 30; " + command, "/dev/null"], env: env, timeout: 60)
}

/// A daemonized redis-server on a Unix socket in the sandbox (no TCP port to race for), started
/// through `run`, which gives it an empty signal mask so SIGTERM really stops it.
private final class SocketRedis {
    let directory: String
    var socket: String { directory + "/redis.sock" }

    init(in sb: TestSandbox) throws {
        let server = try TestSandbox.requireTool("redis-server")
        directory = sb.root + "/redis"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let started = try run(server, ["--port", "0", "--unixsocket", directory + "/redis.sock", "--unixsocketperm", "700",
                                       "--save", "", "--appendonly", "no", "--dir", directory, "--daemonize", "yes",
                                       "--pidfile", directory + "/redis.pid", "--logfile", directory + "/redis.log"],
                              env: ["PATH": "/usr/bin:/bin"], timeout: 20)
        guard started.status == 0 else { throw RunError(description: "redis-server: \(started.stderrText)") }
        _ = eventually { FileManager.default.fileExists(atPath: socket) }
    }

    deinit { stop() }

    /// SIGTERM, then waits (at most 5 s, then SIGKILL) until the process is gone. Idempotent.
    func stop() {
        guard let text = try? String(contentsOfFile: directory + "/redis.pid", encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0 else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while kill(pid, 0) == 0 && Date() < deadline { usleep(20_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }
}

@Suite("cachewrap doctor and the stats report")
struct DoctorStatsTests {
    /// A healthy sandbox: a cache with entries, a valid config, gh installed and shimmed first on
    /// PATH. Every check is OK and the exit status is 0.
    @Test func doctorIsAllOKWhenHealthy() throws {
        let sb = try sandboxWithHistory()
        _ = try writeConfig("[tools.gh]\nretries = 1\n", sb)
        var env = sb.baseEnv()
        let shims = sb.root + "/shims"
        #expect(try cachewrap(["shims", shims], env: env).status == 0)
        env["PATH"] = shims + ":" + env["PATH"]!
        let result = try cachewrap(["doctor"], env: env)

        #expect(result.status == 0, "\(result.stdoutText)\n\(result.stderrText)")
        #expect(lines(result, "WARN").isEmpty && lines(result, "FAIL").isEmpty, "\(result.stdoutText)")
        for subject in ["cache dir:", "permissions:", "database:", "gh: \(sb.binDir)/gh", "shell integration:", "config:"] {
            #expect(lines(result, "OK").contains { $0.contains(subject) }, "no OK line for \(subject): \(result.stdoutText)")
        }
        #expect(result.stdoutText.contains("2 entries"), "\(result.stdoutText)")
        #expect(result.stdoutText.hasSuffix("all checks passed\n"))
        #expect(!result.stdoutText.contains("\u{1B}["), "piped: no colour")
    }

    /// An unusable cache dir is a FAIL with a fix and exit 1: a file where a parent directory
    /// should be, the cache dir itself a file, and (for a non-root user, whom permissions bind)
    /// a read-only parent.
    @Test(arguments: ["file in the way", "dir is a file", "read-only parent"])
    func doctorFailsOnAnUnusableCacheDir(problem: String) throws {
        if problem == "read-only parent" && geteuid() == 0 { return }  // root writes anywhere
        let sb = try TestSandbox()
        var env = sb.baseEnv()
        let blocker = sb.root + "/blocker"
        switch problem {
        case "file in the way":
            try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
            env["CACHEWRAP_DIR"] = blocker + "/cache"
        case "dir is a file":
            try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
            env["CACHEWRAP_DIR"] = blocker
        default:
            try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o555])
            env["CACHEWRAP_DIR"] = blocker + "/cache"
        }
        let result = try cachewrap(["doctor"], env: env)
        #expect(result.status == 1, "\(problem): \(result.stdoutText)")
        let fail = lines(result, "FAIL")
        #expect(fail.count == 1 && fail[0].contains("cache dir: ") && fail[0].contains(blocker), "\(problem): \(result.stdoutText)")
        #expect(result.stdoutText.contains("\n      fix: "), "\(problem): \(result.stdoutText)")
    }

    /// A bad config is a FAIL naming file:line and pointing at `cachewrap config`; exit 1.
    @Test func doctorFailsOnABadConfig() throws {
        let sb = try TestSandbox()
        let path = try writeConfig("[defaults]\nttl = \"10m\"\nretries = \"two\"\n", sb)
        let result = try cachewrap(["doctor"], env: sb.baseEnv())
        #expect(result.status == 1)
        #expect(lines(result, "FAIL").contains { $0.hasPrefix("FAIL  config: \(path):3: ") }, "\(result.stdoutText)")
        #expect(result.stdoutText.contains("run 'cachewrap config'"), "\(result.stdoutText)")
    }

    /// A cache dir others can write to is a FAIL whose fix is the chmod to run.
    @Test func doctorFailsOnLoosePermissions() throws {
        let sb = try sandboxWithHistory()
        #expect(chmod(sb.cacheDir, 0o777) == 0)
        let result = try cachewrap(["doctor"], env: sb.baseEnv())
        #expect(result.status == 1)
        #expect(lines(result, "FAIL").contains { $0.contains("permissions: ") && $0.contains("0777") }, "\(result.stdoutText)")
        #expect(result.stdoutText.contains("fix: chmod 700 \(sb.cacheDir)"), "\(result.stdoutText)")
    }

    /// With CACHEWRAP_REMOTE set, the team cache is asked for real: OK with the round trip while
    /// a redis-server answers, a FAIL with a fix (exit 1) once it is gone.
    @Test func doctorChecksTheTeamCache() throws {
        let sb = try TestSandbox()
        let redis = try SocketRedis(in: sb)
        defer { redis.stop() }
        var env = sb.baseEnv()
        env["CACHEWRAP_REMOTE"] = "redis+unix://" + redis.socket
        let up = try cachewrap(["doctor"], env: env)
        #expect(up.status == 0, "\(up.stdoutText)")
        #expect(lines(up, "OK").contains { $0.hasPrefix("OK    team cache: ") && $0.contains(" answers in ") }, "\(up.stdoutText)")
        redis.stop()
        let down = try cachewrap(["doctor"], env: env)
        #expect(down.status == 1 && lines(down, "FAIL").contains { $0.hasPrefix("FAIL  team cache: ") }, "\(down.stdoutText)")
    }

    /// Piped: no escape codes at all; the per-tool bar (60%: 5 of 8 cells) and the top
    /// operations, in order; an ASCII bar when the locale is not UTF-8.
    @Test func statsReportWhenPiped() throws {
        let sb = try sandboxWithHistory()
        let result = try cachewrap(["stats"], env: sb.baseEnv())
        let text = result.stdoutText
        #expect(result.status == 0 && !text.contains("\u{1B}"), "\(text)")
        #expect(text.contains("█████░░░  60.0%"), "\(text)")
        #expect(text.contains("(3 hits, 2 misses)") && text.contains("2 made, 3 saved"), "\(text)")
        let row = text.split(separator: "\n").first { $0.hasPrefix("gh ") }.map(String.init) ?? ""
        #expect(row.contains("█████░░░  60.0%") && row.hasSuffix(" B"), "gh row: \(row)")
        let top = text.components(separatedBy: "top operations by hits\n").last ?? ""
        let pr = top.range(of: "gh pr list"), repo = top.range(of: "gh repo view")
        #expect(pr != nil && repo != nil && pr!.lowerBound < repo!.lowerBound, "\(text)")
        #expect(top.contains("2 hits") && top.contains("1 hit "), "\(text)")

        var ascii = sb.baseEnv()
        ascii["LANG"] = "C"
        let plain = try cachewrap(["stats"], env: ascii).stdoutText
        #expect(plain.contains("#####...  60.0%") && !plain.contains("█"), "\(plain)")
    }

    /// On a terminal the report (and doctor's) is coloured; with NO_COLOR it is not, and
    /// `--json` never is.
    @Test func statsColourOnlyOnATerminalWithoutNoColor() throws {
        let sb = try sandboxWithHistory()
        var env = sb.baseEnv()
        env["TERM"] = "xterm-256color"
        let coloured = try onTerminal(["stats"], env: env)
        #expect(coloured.stdoutText.contains("\u{1B}[32m") && coloured.stdoutText.contains("top operations"), "\(coloured.stdoutText)")
        #expect(try onTerminal(["doctor"], env: env).stdoutText.contains("\u{1B}[32mOK"))
        let json = try onTerminal(["stats", "--json"], env: env)
        #expect(!json.stdoutText.contains("\u{1B}") && json.stdoutText.contains(#""hits":3"#), "\(json.stdoutText)")

        env["NO_COLOR"] = "1"
        let plain = try onTerminal(["stats"], env: env)
        #expect(!plain.stdoutText.contains("\u{1B}") && plain.stdoutText.contains("█████░░░"), "\(plain.stdoutText)")
        #expect(!(try onTerminal(["doctor"], env: env)).stdoutText.contains("\u{1B}"))
    }
}
