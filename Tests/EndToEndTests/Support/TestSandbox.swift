import Foundation
import Testing

/// A fresh, private world for one test: its own HOME, cache dir and PATH of fake tools, so tests
/// can run in parallel and never touch the developer's real cache, config or tools.
///
/// Layout (everything under one `mkdtemp` directory in /tmp, deleted in deinit):
/// - `home/`            HOME; `home/.config` is XDG_CONFIG_HOME but is *not* created.
/// - `home/cache`       CACHEWRAP_DIR; *not* created, so tests see cachewrap create it.
/// - `bin/`             fake tools, first on PATH.
/// - `counts/<tool>`    one line appended per run of a fake tool (see `writeTool`).
/// - `logs/`            free scratch for fake tools to record argv/stdin (`$LOG_DIR` in scripts).
/// - `events`           the detached helpers cachewrap started and ended (see HelperEvents.swift).
///
/// Not Sendable on purpose: create one per test and keep it in that test.
final class TestSandbox {
    let root: String
    let home: String
    let cacheDir: String
    let binDir: String
    let countsDir: String
    let logDir: String

    init() throws {
        var template = Array("/tmp/cachewrap-e2e.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw RunError(description: "mkdtemp: \(String(cString: strerror(errno)))")
        }
        root = String(cString: made)
        home = root + "/home"
        cacheDir = home + "/cache"
        binDir = root + "/bin"
        countsDir = root + "/counts"
        logDir = root + "/logs"
        for dir in [home, binDir, countsDir, logDir] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// The environment every cachewrap run starts from. Deliberately minimal and explicit
    /// (`run` inherits nothing), so a developer's GH_TOKEN, HF_TOKEN, CACHEWRAP_* or XDG_* settings
    /// can never leak into a test. Add tool-specific variables on top: `var e = sb.baseEnv()`.
    /// `CACHEWRAP_TEST_EVENTS` lets a test wait for the helpers its calls started.
    func baseEnv() -> [String: String] {
        [
            "PATH": "\(binDir):/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "CACHEWRAP_DIR": cacheDir,
            "CACHEWRAP_TEST_EVENTS": eventsFile,
            "XDG_CONFIG_HOME": home + "/.config",
            "LANG": "C.UTF-8",
        ]
    }

    /// Writes an executable fake tool `binDir/name`.
    ///
    /// Convention: the file is `#!/bin/sh`, then a prologue, then `script`. The prologue sets two
    /// shell variables (not exported, so they never appear in the tool's environment or in a
    /// cache key): `COUNT_FILE` = `counts/<name>` and `LOG_DIR` = `logs/`, and then runs
    /// `echo run >> "$COUNT_FILE"` — so *every* run of the tool is counted automatically and
    /// `counter(name)` tells how often cachewrap really executed it (a cache hit adds nothing).
    /// Scripts record more if they like, e.g. `printf '%s\n' "$@" > "$LOG_DIR/claude.argv"`,
    /// `cat > "$LOG_DIR/claude.stdin"`. A leading `#!` line in `script` is dropped. The file is
    /// written to a temp name and renamed, so a concurrently running cachewrap never sees half a script.
    func writeTool(_ name: String, script: String) {
        var body = script
        if body.hasPrefix("#!") { body = String(body.drop { $0 != "\n" }.dropFirst()) }
        let text = """
            #!/bin/sh
            COUNT_FILE=\(Self.shellQuote(countsDir + "/" + name))
            LOG_DIR=\(Self.shellQuote(logDir))
            echo run >> "$COUNT_FILE"
            \(body)

            """
        let path = binDir + "/" + name
        let tmp = path + ".tmp-\(getpid())"
        do {
            try text.write(toFile: tmp, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tmp)
            guard rename(tmp, path) == 0 else { throw RunError(description: "rename: \(errno)") }
        } catch {
            Issue.record("writeTool(\(name)) failed: \(error)")
        }
    }

    /// How many times the fake tool `name` has run (lines in `counts/<name>`; 0 if never).
    func counter(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: countsDir + "/" + name, encoding: .utf8) else { return 0 }
        return text.split(separator: "\n").count
    }

    /// Contents of `logs/<file>` as written by a fake tool, or nil if it was never written.
    func log(_ file: String) -> String? {
        try? String(contentsOfFile: logDir + "/" + file, encoding: .utf8)
    }

    /// Single-quotes `s` for /bin/sh (sandbox paths are tame, but be correct anyway).
    static func shellQuote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The absolute path of `name` on the *real* PATH of the test process (not the sandbox's),
    /// for real clients such as gh, curl, redis-server; nil when absent.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// True when `CACHEWRAP_TEST_STRICT=1`: CI wants a missing dependency to be a failure,
    /// not a silently skipped test.
    static var strict: Bool { ProcessInfo.processInfo.environment["CACHEWRAP_TEST_STRICT"] == "1" }

    /// Ends the current test when `available` is false: normally it is *skipped* (Swift Testing
    /// 6.3's `Test.cancel`, reported as cancelled/skipped, not failed); with
    /// `CACHEWRAP_TEST_STRICT=1` an `Issue` is recorded first and then the test is cancelled, so it
    /// FAILS with exactly one issue at the caller's line and `swift test` exits non-zero (verified).
    /// Why not `.enabled(if:)`: a trait can only skip, never fail, and runs before any setup.
    /// Must be called with `try` from the test body itself (or code it calls synchronously).
    static func requireOrSkip(_ available: Bool, _ what: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        if available { return }
        let message = "missing test dependency: \(what)"
        if strict {
            Issue.record(Comment(rawValue: message + " (CACHEWRAP_TEST_STRICT=1)"), sourceLocation: sourceLocation)
            try Test.cancel(Comment(rawValue: message), sourceLocation: sourceLocation)  // stop here
        }
        try Test.cancel(Comment(rawValue: message + " — skipped; set CACHEWRAP_TEST_STRICT=1 to fail instead"),
                        sourceLocation: sourceLocation)
    }

    /// `requireOrSkip` for a program on the real PATH; returns its absolute path.
    @discardableResult
    static func requireTool(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let path = which(name)
        try requireOrSkip(path != nil, "`\(name)` not found on PATH", sourceLocation: sourceLocation)
        return path!
    }
}
