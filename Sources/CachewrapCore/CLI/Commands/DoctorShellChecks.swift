/// Doctor's checks of the user's shell and settings: which supported tools are installed, whether
/// calls to them go through cachewrap here (a shim first on PATH, or aliases as told by the
/// `CACHEWRAP_INIT` marker that `cachewrap init` exports, since a child process cannot see its
/// parent shell's aliases), whether the config file is valid, and the team cache.
struct DoctorShellChecks {
    /// The running binary, resolved: a PATH entry resolving to it is one of our shims.
    var selfPath = ShimDirectory.selfExecutable()
    /// `CACHEWRAP_INIT` as `init` exports it: `bash`, `zsh`, `fish`, or those with `-shims`.
    var marker = Environment.get("CACHEWRAP_INIT") ?? ""
    /// The user's shell, for fixes that say which `init` line to add.
    var shell = Cachewrap.baseName(Environment.get("SHELL") ?? "bash")

    func checks() -> [DoctorCheck] {
        let installed = ShimDirectory.installedTools()
        var checks = installed.map { DoctorCheck.ok($0.tool, $0.path) }
        let missing = Policies.names.filter { tool in !installed.contains { $0.tool == tool } }
        if installed.isEmpty {
            checks.append(.warn("tools", "none of the supported tools is on PATH (\(missing.joined(separator: ", ")))",
                                fix: "install gh, hf, vastai... or put their directory on PATH; cachewrap -- CMD wraps any command"))
            return checks
        }
        if !missing.isEmpty { checks.append(.info("not installed", missing.joined(separator: ", ") + " (nothing to wrap)")) }
        checks.append(activation(installed.map(\.tool)))
        return checks
    }

    /// The `init` line this user's shell needs.
    private func initLine(shims: Bool) -> String {
        let name = InitCommand.Shell(rawValue: shell) ?? .bash
        let command = "cachewrap init \(name.rawValue)" + (shims ? " --shims" : "")
        let rc = name == .fish ? "~/.config/fish/config.fish" : "~/.\(name.rawValue)rc"
        return name == .fish ? "add '\(command) | source' to \(rc)" : "add 'eval \"$(\(command))\"' to \(rc)"
    }

    /// Whether calls to the installed tools go through cachewrap in this environment.
    private func activation(_ tools: [String]) -> DoctorCheck {
        // The first `gh` on PATH as a shell would find it, cachewrap's own links included.
        let firstFound = ToolLocator(selfPath: nil)
        var shimmed: [String] = [], direct: [String] = []
        var shimDir = ""
        for tool in tools {
            guard let first = try? firstFound.locate(tool) else { continue }
            if ToolLocator.realPath(first) == selfPath {
                shimmed.append(tool)
                shimDir = String(first.dropLast(tool.count + 1))
            } else {
                direct.append(tool)
            }
        }
        let subject = "shell integration"
        if direct.isEmpty {
            return .ok(subject, "shims in \(shimDir) come first on PATH: calls to \(shimmed.joined(separator: ", ")) go through cachewrap, in scripts too")
        }
        if !shimmed.isEmpty {
            return .warn(subject, "shims in \(shimDir) cover \(shimmed.joined(separator: ", ")) but not \(direct.joined(separator: ", "))",
                         fix: "run 'cachewrap shims \(shimDir)' to link the tools installed since")
        }
        if marker.hasSuffix("-shims") {
            return .warn(subject, "CACHEWRAP_INIT=\(marker), but no cachewrap shim comes before the real \(direct[0]) on PATH",
                         fix: "something prepends to PATH after the init line: move the init line to the end of your shell's rc file")
        }
        if InitCommand.Shell(rawValue: marker) != nil {
            return .ok(subject, "CACHEWRAP_INIT=\(marker): the shell that started doctor ran 'cachewrap init \(marker)', whose aliases "
                + "work in interactive shells only (scripts, CI and agents need --shims)")
        }
        return .warn(subject, "no cachewrap shim on PATH and no CACHEWRAP_INIT marker (aliases of this shell cannot be seen from here)",
                     fix: initLine(shims: false) + ", or for scripts and agents " + initLine(shims: true))
    }

    /// The config file, read as `cachewrap config` reads it: any error is a FAIL pointing there.
    static func config() -> [DoctorCheck] {
        let path = ConfigFile.path()
        let loaded = ConfigFile.load(path)
        guard let first = loaded.issues.first else {
            return [.ok("config", loaded.exists ? "\(path) is valid" : "no file at \(path); built-in defaults")]
        }
        let more = loaded.issues.count > 1 ? " (and \(loaded.issues.count - 1) more)" : ""
        return [.fail("config", first.located(in: path) + more + "; wrapped tools use the built-in defaults until fixed",
                      fix: "edit \(path), then run 'cachewrap config' to see every error and the effective settings")]
    }

    /// How long doctor waits for the team cache: far longer than a lookup's deadline (50 ms by
    /// default), because here the question is "does it answer at all", not "is it fast enough".
    static let remoteTimeoutMs: Int64 = 2000

    /// The team cache (docs/architecture.md, Team cache), when `CACHEWRAP_REMOTE` is set: the settings parse,
    /// and the server answers PING and a GET within the deadline (`RemoteCache.check`, which
    /// ignores the circuit breaker), over TLS with a verified certificate for `rediss://`. A
    /// problem is a FAIL naming it (a TLS failure says which certificate check failed): the wrap
    /// path runs on without the team cache, but what the user configured does not work.
    static func remote(cacheDirectory: String) -> DoctorCheck? {
        let subject = "team cache"
        let settings: RemoteSettings
        do throws(RemoteConfigError) {
            guard let configured = try RemoteSettings.fromEnvironment() else { return nil }
            settings = configured
        } catch {
            return .fail(subject, error.message, fix: "fix the CACHEWRAP_REMOTE* variables; until then only the local cache is used")
        }
        guard settings.mode != .off else { return .ok(subject, "\(settings.url) is off (CACHEWRAP_REMOTE_MODE=off): never contacted") }
        let cache = RemoteCache(settings: settings, cacheDirectory: cacheDirectory,
                                timeoutMs: max(settings.timeoutMs, remoteTimeoutMs))
        switch cache.check() {
        case .success(let micros):
            let ms = "\(micros / 1000).\(micros % 1000 / 100)"
            let over = cache.protection.map { " over \($0)" } ?? ""
            let answers = "\(settings.url) answers in \(ms) ms\(over) (mode \(settings.mode.rawValue), namespace \(settings.namespace))"
            if settings.mode == .rw, let refusal = writeRefusal(cache.breaker.state()) {
                return .warn(subject, answers + ", but " + refusal,
                             fix: "on machines that only read set CACHEWRAP_REMOTE_MODE=ro; a writer's ACL needs +set on ~cw:v1:*")
            }
            return .ok(subject, answers)
        case .failure(let error):
            let fix = error.fix ?? "start the server or correct CACHEWRAP_REMOTE (and its password)"
            return .fail(subject, "\(settings.url): \(error.message)", fix: fix + "; meanwhile cachewrap uses the local cache only")
        }
    }

    /// "a write was refused 3m ago: NOPERM ..." when the server's last word here was a refused
    /// write (a read-only ACL user, a replica): reads work, so the check passes, yet every miss
    /// queues a write the server drops. PING and GET cannot show this; the breaker file can.
    static func writeRefusal(_ state: BreakerState) -> String? {
        guard let error = state.lastError, CircuitBreaker.isWriteRefusal(error) else { return nil }
        return "a write was refused \(Duration.format(seconds: (Clock.nowMs() - state.lastErrorMs) / 1000)) ago: \(error)"
    }
}
