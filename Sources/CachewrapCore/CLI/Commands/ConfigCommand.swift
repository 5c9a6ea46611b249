/// `cachewrap config [--path | --tools]`: where the config file is, whether it exists, and what
/// each tool ends up with; `--tools` lists the tools with a policy, one per line, for the
/// completions (the built-in ones, then the config's). Unlike the wrap path (which warns and uses the defaults), a bad config is an
/// error here: every problem as `PATH:LINE: message` on stderr, exit 78.
enum ConfigCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "config", flags: ["--path", "--tools"])
        let path = ConfigFile.path()
        if parsed.has("--path") {
            Console.output(path + "\n")
            return 0
        }
        if parsed.has("--tools") {
            Console.output(Policies.names.map { $0 + "\n" }.joined())
            return 0
        }
        // Read afresh rather than through `UserConfig.current`, which would warn instead of listing.
        let loaded = ConfigFile.load(path)
        guard loaded.issues.isEmpty else {
            // Bare `PATH:LINE: message` lines, like a compiler's, so editors can jump to them.
            for issue in loaded.issues { FileIO.writeAll(2, issue.located(in: path) + "\n") }
            throw .badConfig(path: path, errors: loaded.issues.count)
        }
        Console.output(report(loaded, path: path))
        return 0
    }

    /// The file line, the generic commands' TTL, then one line per known tool.
    static func report(_ loaded: ConfigFile.Loaded, path: String) -> String {
        let config = loaded.config
        var lines = ["config file: \(path) (\(loaded.exists ? "found" : "not found: built-in defaults"))"]
        let generic = config.applyGeneric(to: .generic(command: "CMD", keyEnv: [])).decide(Invocation([])).ttlSeconds
        lines.append("generic (cachewrap -- CMD): ttl \(Duration.exact(seconds: generic)) (\(config.defaultTTL == nil ? "built-in" : "config"))")
        for tool in Policies.known {
            guard let builtIn = Policies.builtIn(tool) else { continue }
            lines.append("\(tool): " + settings(of: tool, builtIn: builtIn, config: config))
        }
        for tool in config.definedTools {
            lines.append("\(tool): " + definition(config.tools[tool] ?? ToolConfig(), config: config))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One tool's effective settings, each marked with where it comes from.
    static func settings(of tool: String, builtIn: PolicySpec, config: UserConfig) -> String {
        let own = config.tools[tool] ?? ToolConfig()
        if own.disabled { return "disabled (every call passes straight through)" }
        let spec = config.apply(to: builtIn)
        let retriesFrom = own.retries != nil ? "config" : config.defaultRetries != nil ? "config defaults" : "built-in"
        var parts = ["retries \(spec.retries) (\(retriesFrom))"]
        for (label, table) in [("ttl", spec.ttlOverrides), ("stale", spec.staleAfter)] where !table.isEmpty {
            parts.append(label + " " + durations(table))
        }
        if !own.cacheable.isEmpty {
            parts.append("extra cacheable " + own.cacheable.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        if !own.env.isEmpty { parts.append("extra env " + own.env.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }

    /// A defined tool's policy as the file states it: its lists, then its key and retries.
    static func definition(_ tool: ToolConfig, config: UserConfig) -> String {
        if tool.disabled { return "defined in the config, disabled (every call passes straight through)" }
        var parts = ["defined in the config"]
        for (label, items) in [("cacheable", tool.cacheable), ("mutating", tool.mutating), ("interactive", tool.interactive)]
        where !items.isEmpty {
            parts.append(label + " " + items.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        for (label, items) in [("env", tool.env), ("files", tool.files), ("value flags", tool.valueFlags)] where !items.isEmpty {
            parts.append(label + " " + items.joined(separator: ", "))
        }
        for (label, table) in [("ttl", tool.ttl), ("stale", tool.stale)] where !table.isEmpty {
            parts.append(label + " " + durations(table))
        }
        parts.append("retries \(tool.retries ?? config.defaultRetries ?? 0)")
        return parts.joined(separator: "; ")
    }

    /// `"pr list" 5m, "*" 2m`: "*" last, as it applies to whatever the named lines do not cover.
    private static func durations(_ table: [String: Int64]) -> String {
        let names = table.keys.sorted { ($0 == "*" ? 1 : 0, $0) < ($1 == "*" ? 1 : 0, $1) }
        return names.map { "\"\($0)\" \(Duration.exact(seconds: table[$0] ?? 0))" }.joined(separator: ", ")
    }
}
