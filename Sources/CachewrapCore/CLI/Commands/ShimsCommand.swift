import Glibc

/// `cachewrap shims [DIR]`: links `gh`, `hf`, … to this cachewrap binary in DIR (default
/// `ShimDirectory.defaultPath()`), for every supported tool installed, and prints what it did.
/// With DIR first on PATH, scripts, CI jobs and AI agents — where aliases never expand — go
/// through cachewrap too; the shim finds the real tool behind itself through `ToolLocator`.
enum ShimsCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "shims", maxPositionals: 1)
        let dir = parsed.positionals.first.map(ShimDirectory.absolute) ?? ShimDirectory.defaultPath()
        let changes = try ShimDirectory.refresh(dir)
        var lines = changes.map(\.description)
        if changes.isEmpty { lines.append("no supported tool (\(Policies.names.joined(separator: ", "))) found on PATH: no shims made") }
        lines.append("put \(dir) first on PATH: eval \"$(cachewrap init bash --shims --dir \(Display.quote(dir)))\" (fish: init fish ... | source)")
        Console.output(lines.joined(separator: "\n") + "\n")
        return 0
    }
}

/// A directory of symlinks named after tools, all pointing at the cachewrap binary. Kept in one
/// place so `init --shims`, `shims` and `doctor` agree on where it is and what belongs in it.
enum ShimDirectory {
    /// What `refresh` did to one name, printed by `shims` and summarised by `init --shims`.
    struct Change: CustomStringConvertible {
        /// The verb printed first on the line, so a user can grep for what changed.
        enum Kind: String { case created, updated, unchanged, removed, skipped }
        let kind: Kind
        let tool: String
        let detail: String
        var description: String { "\(kind.rawValue): \(tool) \(detail)" }
    }

    /// `$XDG_DATA_HOME/cachewrap/shims`, else `~/.local/share/cachewrap/shims`: data, not cache
    /// (clearing ~/.cache must not silently unwrap every script), and per user like the cache.
    static func defaultPath() -> String {
        if let xdg = Environment.get("XDG_DATA_HOME"), xdg.hasPrefix("/") { return xdg + "/cachewrap/shims" }
        return CacheLocation.homeDirectory() + "/.local/share/cachewrap/shims"
    }

    /// DIR made absolute: a relative entry on PATH would follow the user's current directory.
    static func absolute(_ dir: String) -> String {
        if dir.hasPrefix("/") { return dir }
        guard let cwd = getcwd(nil, 0) else { return dir }
        defer { free(cwd) }
        return String(cString: cwd) + "/" + dir
    }

    /// The binary the shims (and aliases) point at: the running one, resolved, so it stays right
    /// whatever PATH is later and whichever link this process was started through.
    static func selfExecutable() -> String {
        ToolLocator.realPath("/proc/self/exe") ?? "cachewrap"
    }

    /// The supported tools installed, each with the real executable, searched on PATH without
    /// `excluding` (the shim dir: a stale link there to an older cachewrap binary is no tool)
    /// and, as always, without cachewrap itself.
    static func installedTools(excluding: String? = nil) -> [(tool: String, path: String)] {
        let skip = excluding.flatMap(ToolLocator.realPath) ?? excluding
        let path = (Environment.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            .filter { entry in excluding == nil || (entry != excluding && ToolLocator.realPath(entry) != skip) }
            .joined(separator: ":")
        let locator = ToolLocator(path: path)
        return Policies.names.compactMap { tool in
            (try? locator.locate(tool)).map { (tool, $0) }
        }
    }

    /// Makes DIR hold exactly one link per installed tool: new links are made, links to another
    /// binary are repointed, and links of tools no longer installed are removed. Only symlinks
    /// that point at a cachewrap are ever replaced or removed; anything else is left alone.
    static func refresh(_ dir: String) throws(CachewrapError) -> [Change] {
        try makeDirectory(dir)
        let target = selfExecutable()
        let installed = Dictionary(installedTools(excluding: dir).map { ($0.tool, $0.path) }) { first, _ in first }
        var changes: [Change] = []
        let tools = Policies.names
        for tool in tools + ourLinks(in: dir, target: target).filter({ !tools.contains($0) }) {
            let link = dir + "/" + tool
            let existing = linkTarget(link)
            let isOurs = existing.map { isCachewrap($0, target: target) }
            guard let real = installed[tool] else {
                if isOurs == true, unlink(link) == 0 {
                    let why = tools.contains(tool) ? "\(tool) is no longer on PATH" : "no policy: not built in, nor defined in the config"
                    changes.append(Change(kind: .removed, tool: tool, detail: "(\(why))"))
                }
                continue
            }
            if existing == target {
                changes.append(Change(kind: .unchanged, tool: tool, detail: "-> \(target) (real \(tool): \(real))"))
            } else if existing == nil && exists(link) || isOurs == false {
                changes.append(Change(kind: .skipped, tool: tool, detail: "(\(link) exists and is not a cachewrap shim)"))
            } else {
                try placeLink(link, to: target)
                changes.append(Change(kind: existing == nil ? .created : .updated, tool: tool,
                                      detail: "-> \(target) (real \(tool): \(real))"))
            }
        }
        return changes
    }

    /// Whether a link target is a cachewrap binary: this one, or another (an older install).
    private static func isCachewrap(_ path: String, target: String) -> Bool {
        path == target || Cachewrap.baseName(path) == "cachewrap"
    }

    /// The names of the links in `dir` that point at a cachewrap: a tool dropped from the
    /// config leaves one, which must go rather than run cachewrap under the tool's name.
    private static func ourLinks(in dir: String, target: String) -> [String] {
        guard let handle = opendir(dir) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "cachewrap", let found = linkTarget(dir + "/" + name), isCachewrap(found, target: target) { names.append(name) }
        }
        return names.sorted()
    }

    /// The target of the symlink at `path`, or nil when it is not a symlink (or absent).
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Replaces `link` atomically (symlink to a temporary name, then rename), so a script running
    /// `gh` meanwhile never finds the name missing.
    private static func placeLink(_ link: String, to target: String) throws(CachewrapError) {
        let temporary = link + ".cachewrap-\(getpid())"
        unlink(temporary)
        guard symlink(target, temporary) == 0, rename(temporary, link) == 0 else {
            let why = errnoText(errno)
            unlink(temporary)
            throw .cannotMakeShims(link, why)
        }
    }

    /// `mkdir -p`, new directories 0755: the shims are only links to a public binary.
    private static func makeDirectory(_ path: String) throws(CachewrapError) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else { throw .cannotMakeShims(path, "not a directory") }
            return
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectory(String(path[..<slash]))
        }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw .cannotMakeShims(path, errnoText(errno)) }
    }
}
