import Foundation
import Testing

// `cachewrap init` and `cachewrap shims` in real shells (bash, zsh, fish, and dash as `sh`):
// aliases work in interactive shells and replay from the cache, shims put cachewrap in front of
// non-interactive `sh -c` too (checked with the real gh against a fake GitHub), shim code put on
// PATH twice leaves one entry, and a shim whose real tool is gone stops instead of recursing.

/// The absolute path of the binary under test with links resolved: what `init` writes into the
/// aliases and what the shims point at (`/proc/self/exe` of the running cachewrap).
private func resolvedBinary() throws -> String {
    let path = try cachewrapBinary()
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// A shell's rc file in the sandbox HOME holding the init line, and the arguments that make the
/// shell read it and then run `command`: `bash -ic`, `zsh -ic`, `fish -c` (fish reads
/// config.fish even when not interactive).
private func shellWithInit(_ shell: String, _ sb: TestSandbox, command: String) throws -> [String] {
    let binary = TestSandbox.shellQuote(try cachewrapBinary())
    let fm = FileManager.default
    switch shell {
    case "fish":
        let dir = sb.home + "/.config/fish"
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "\(binary) init fish | source\n".write(toFile: dir + "/config.fish", atomically: true, encoding: .utf8)
        return ["-c", command]
    default:
        try "eval \"$(\(binary) init \(shell))\"\n".write(toFile: sb.home + "/.\(shell)rc", atomically: true, encoding: .utf8)
        return ["-ic", command]
    }
}

/// The sandbox environment for a shell: a dumb terminal type, so no prompt or line editor
/// decorates the output, and a data dir for fish's history inside the sandbox.
private func shellEnv(_ sb: TestSandbox) -> [String: String] {
    var env = sb.baseEnv()
    env["TERM"] = "dumb"
    env["XDG_DATA_HOME"] = sb.home + "/.local/share"
    return env
}

@Suite("cachewrap init and shims in real shells")
struct ShellIntegrationTests {
    /// `type gh` shows the alias (fish: the function) calling cachewrap by absolute path, and the
    /// second `gh pr list` is a replay: the fake gh ran once.
    @Test(arguments: ["bash", "zsh", "fish"])
    func aliasesWrapAndHitTheCache(shell: String) throws {
        let shellPath = try TestSandbox.requireTool(shell)
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "echo \"gh says $*\"")
        let args = try shellWithInit(shell, sb, command: "type gh; gh pr list; gh pr list")
        let result = try run(shellPath, args, env: shellEnv(sb), cwd: sb.root, timeout: 60)

        #expect(result.status == 0 && !result.timedOut, "\(shell): \(result.stderrText)")
        let out = result.stdoutText
        let binary = try resolvedBinary()
        let shown = ["bash": "gh is aliased to `\(binary) gh'", "zsh": "gh is an alias for \(binary) gh",
                     "fish": "gh is a function"][shell]!
        #expect(out.contains(shown), "\(shell) type gh: \(out)")
        if shell == "fish" { #expect(out.contains("'\(binary)' gh $argv"), "fish function: \(out)") }
        #expect(out.components(separatedBy: "gh says pr list\n").count == 3, "\(shell) output: \(out)")
        #expect(sb.counter("gh") == 1, "\(shell): the second call must be a replay")
    }

    /// Only installed tools get an alias, and the CACHEWRAP_INIT marker is exported.
    @Test func initAliasesOnlyInstalledTools() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "true")
        let result = try cachewrap(["init", "bash"], env: sb.baseEnv())
        #expect(result.status == 0)
        #expect(result.stdoutText.contains("alias gh='\(try resolvedBinary()) gh'\n"), "\(result.stdoutText)")
        #expect(!result.stdoutText.contains("alias claude="), "\(result.stdoutText)")
        #expect(result.stdoutText.contains("export CACHEWRAP_INIT=bash\n"))
        let bad = try cachewrap(["init", "tcsh"], env: sb.baseEnv())
        #expect(bad.status == 64 && bad.stdout.isEmpty && bad.stderrText.contains("bash, zsh or fish"))
    }

    /// With `--shims` in the user's shell, a non-interactive `sh -c` runs the shim: the real gh
    /// behind it talks to the fake GitHub once for two calls, and nothing recurses.
    @Test func shimsWrapNonInteractiveShells() throws {
        try TestSandbox.requireTool("gh")
        let bash = try TestSandbox.requireTool("bash")
        let sb = try TestSandbox()
        let server = try FakeHTTPServer { req in
            req.path == "/repos/o/r" ? .json(#"{"full_name":"o/r","shim":true}"#) : .json("{}", status: 404)
        }
        defer { server.stop() }
        var env = ghEnvironment(sb, server)
        env["XDG_DATA_HOME"] = sb.home + "/.local/share"
        let shimDir = sb.home + "/.local/share/cachewrap/shims"
        let script = "eval \"$(\(TestSandbox.shellQuote(try cachewrapBinary())) init bash --shims)\"; "
            + "exec sh -c 'command -v gh; gh api repos/o/r; echo; gh api repos/o/r'"
        let result = try run(bash, ["-c", script], env: env, cwd: try ghWorkDir(sb), timeout: 60)

        #expect(!result.timedOut && result.status == 0, "stderr: \(result.stderrText)")
        #expect(result.stdoutText.hasPrefix(shimDir + "/gh\n"), "gh resolved to: \(result.stdoutText)")
        #expect(result.stdoutText.components(separatedBy: #""full_name":"o/r""#).count == 3, "\(result.stdoutText)")
        #expect(server.requests.count == 1, "requests: \(server.requests.map(\.path))")
        let stats = try cachewrap(["stats", "--json"], env: env)
        #expect(stats.stdoutText.contains(#""hits":1"#), "\(stats.stdoutText)")
    }

    /// A shim whose tool is gone, with shim directories twice on PATH, ends at once with "not
    /// found" (127): every PATH entry resolving to cachewrap is skipped, never executed.
    @Test func shimWithoutItsToolDoesNotRecurse() throws {
        let sb = try TestSandbox()
        sb.writeTool("claude", script: "echo real")
        let first = sb.root + "/shims-a", second = sb.root + "/shims-b"
        for dir in [first, second] {
            let made = try cachewrap(["shims", dir], env: sb.baseEnv())
            #expect(made.status == 0 && made.stdoutText.contains("created: claude -> "), "\(made.stdoutText)")
        }
        try FileManager.default.removeItem(atPath: sb.binDir + "/claude")
        var env = sb.baseEnv()
        env["PATH"] = "\(first):\(second):" + env["PATH"]!
        // A shim that ran itself would loop until killed: the answer itself, 127 with cachewrap's
        // "not found" (and `run`'s timeout, only a guard against a hang), is the proof.
        let result = try run("/bin/sh", ["-c", "claude -p hi"], env: env, timeout: 60)
        #expect(!result.timedOut && result.status == 127, "status \(result.status): \(result.stderrText)")
        #expect(result.stderrText.contains("claude: command not found on PATH"), "\(result.stderrText)")
    }

    /// Evaluating the `--shims` code twice (also after something else was prepended) leaves the
    /// shim directory on PATH once, and first; a directory name with a space and a `*` is
    /// matched literally. `sh` (dash) reads the bash code, which is POSIX.
    @Test(arguments: [("bash", "bash"), ("zsh", "zsh"), ("sh", "bash"), ("fish", "fish")])
    func shimPathIsIdempotent(shell: String, dialect: String) throws {
        let shellPath = try TestSandbox.requireTool(shell)
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "true")
        let dir = sb.root + "/my shims*"
        let initCall = "\(TestSandbox.shellQuote(try cachewrapBinary())) init \(dialect) --shims --dir \(TestSandbox.shellQuote(dir))"
        let script = dialect == "fish"
            ? "\(initCall) | source; set PATH /early $PATH; \(initCall) | source; string join : $PATH"
            : "PATH=/late:$PATH; eval \"$(\(initCall))\"; PATH=/early:$PATH; eval \"$(\(initCall))\"; echo \"$PATH\""
        let result = try run(shellPath, ["-c", script], env: shellEnv(sb), timeout: 30)

        #expect(result.status == 0, "\(shell): \(result.stderrText)")
        let entries = result.stdoutText.trimmingCharacters(in: .newlines).components(separatedBy: ":")
        #expect(entries.first == dir, "\(shell) PATH: \(entries)")
        #expect(entries.filter { $0 == dir }.count == 1, "\(shell) PATH: \(entries)")
        #expect(entries.contains("/early") && entries.contains(sb.binDir), "\(shell) PATH: \(entries)")
    }

    /// `cachewrap shims DIR` reports what it did, keeps links that are right, removes links of
    /// tools no longer installed and never touches a file that is not its own link.
    @Test func shimsCommandRefreshesTheDirectory() throws {
        let sb = try TestSandbox()
        // claude: a tool no machine here has installed, so removing the fake one uninstalls it.
        sb.writeTool("claude", script: "true")
        sb.writeTool("vastai", script: "true")
        let dir = sb.root + "/shims"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "#!/bin/sh\n".write(toFile: dir + "/vastai", atomically: true, encoding: .utf8)
        let binary = try resolvedBinary()

        let first = try cachewrap(["shims", dir], env: sb.baseEnv())
        #expect(first.status == 0)
        #expect(first.stdoutText.contains("created: claude -> \(binary) (real claude: \(sb.binDir)/claude)"), "\(first.stdoutText)")
        #expect(first.stdoutText.contains("skipped: vastai"), "\(first.stdoutText)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/claude") == binary)
        let again = try cachewrap(["shims", dir], env: sb.baseEnv())
        #expect(again.stdoutText.contains("unchanged: claude -> \(binary)"), "\(again.stdoutText)")

        try FileManager.default.removeItem(atPath: sb.binDir + "/claude")
        let second = try cachewrap(["shims", dir], env: sb.baseEnv())
        #expect(second.stdoutText.contains("removed: claude"), "\(second.stdoutText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/claude"))
        #expect(try String(contentsOfFile: dir + "/vastai", encoding: .utf8) == "#!/bin/sh\n")
    }
}
