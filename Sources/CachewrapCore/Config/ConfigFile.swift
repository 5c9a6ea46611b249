import Glibc

/// Where config.toml lives and how it is read. The hit path reads it too, so a missing file
/// costs one failed `open` and nothing else, and a bad one never stops a tool (fail open).
public enum ConfigFile {
    /// Larger than any sensible config: refusing it keeps a wrong path (a log, a binary) cheap.
    static let maxBytes = 1 << 20

    /// `$CACHEWRAP_CONFIG`, else `$XDG_CONFIG_HOME/cachewrap/config.toml`, else
    /// `~/.config/cachewrap/config.toml` (a relative XDG_CONFIG_HOME is ignored, as the XDG
    /// spec says).
    public static func path() -> String {
        if let path = Environment.get("CACHEWRAP_CONFIG"), !path.isEmpty { return path }
        if let xdg = Environment.get("XDG_CONFIG_HOME"), xdg.hasPrefix("/") { return xdg + "/cachewrap/config.toml" }
        return CacheLocation.homeDirectory() + "/.config/cachewrap/config.toml"
    }

    /// What reading the file found: a missing file is the empty config, silently.
    public struct Loaded: Sendable {
        public var exists: Bool
        /// The file's settings, or the empty config when there are issues.
        public var config = UserConfig()
        public var issues: [ConfigIssue] = []
    }

    /// Reads and checks the file at `path`. Never throws: callers choose between warning (the
    /// wrap path) and failing (`cachewrap config`).
    public static func load(_ path: String) -> Loaded {
        // O_NONBLOCK: a FIFO at the path must not hang the hit path; the fstat below rejects it.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return Loaded(exists: false) }
            return Loaded(exists: true, issues: [ConfigIssue(line: nil, "cannot open: \(errnoText(code))")])
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            return Loaded(exists: true, issues: [ConfigIssue(line: nil, "not a regular file")])
        }
        guard st.st_size <= maxBytes else {
            return Loaded(exists: true, issues: [ConfigIssue(line: nil, "larger than 1 MiB: is this the config file?")])
        }
        var (config, issues) = UserConfig.parse(FileIO.readToEnd(fd, limit: maxBytes))
        if issues.isEmpty { config.source = path }
        return Loaded(exists: true, config: config, issues: issues)
    }

    /// The one warning the wrap path gives for a bad config: the first problem, how many more,
    /// and that the built-in defaults apply. `CACHEWRAP_QUIET` is read here too because a shim
    /// (`gh` linked to cachewrap) loads the config before the wrap path sets `Console.quiet`.
    static func warn(_ issues: [ConfigIssue], path: String) {
        guard let first = issues.first, !Environment.flag("CACHEWRAP_QUIET") else { return }
        let more = issues.count > 1 ? " (and \(issues.count - 1) more: see 'cachewrap config')" : ""
        Console.warn("\(first.located(in: path))\(more); using defaults")
    }
}

extension UserConfig {
    /// The configuration the wrap path uses: read on first use, once per process (Swift runs a
    /// static's initializer once, thread-safely). A bad file gives one warning and the built-in
    /// defaults for everything.
    public static let current: UserConfig = {
        let path = ConfigFile.path()
        let loaded = ConfigFile.load(path)
        ConfigFile.warn(loaded.issues, path: path)
        return loaded.config
    }()
}
