/// Fuzz target: config.toml, the TOML subset (TOMLSubset, TOMLLine) and its schema (ConfigSchema,
/// UserConfig). The bytes are a config file's content, parsed as `ConfigFile.load` parses what it
/// read, then reported as `cachewrap config` reports it; the parsed config is applied to every
/// built-in policy, which must never loosen a built-in decision.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    let (config, issues) = UserConfig.parse(bytes)
    let loaded = ConfigFile.Loaded(exists: true, config: config, issues: issues)
    let path = "/fuzz/config.toml"

    // What `cachewrap config` prints: the issues with their lines, or the effective settings.
    if issues.isEmpty {
        _ = ConfigCommand.report(loaded, path: path)
    } else {
        for issue in issues { _ = issue.located(in: path) }
        check(config == UserConfig(), "a config with issues must be ignored as a whole")
    }

    // Every issue points at a line of the file, in file order.
    var content = bytes[...]
    if content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
    let lineCount = content.split(separator: 0x0A, omittingEmptySubsequences: false).count
    for issue in issues {
        guard let line = issue.line else { check(false, "a parse issue without a line: \(issue)"); continue }
        check((1...lineCount).contains(line), "issue line \(line) outside 1...\(lineCount): \(issue)")
    }
    check(issues.map { $0.line ?? 0 } == issues.map { $0.line ?? 0 }.sorted(), "issues out of line order")

    // Parsing is deterministic.
    let again = UserConfig.parse(bytes)
    check(again.config == config && again.issues == issues, "parsing the same bytes twice differs")

    // What the schema promises about an accepted config.
    if let retries = config.defaultRetries { check((0...10).contains(retries), "default retries \(retries)") }
    if let ttl = config.defaultTTL { check(ttl >= 0, "negative default ttl \(ttl)") }
    for (tool, settings) in config.tools {
        check(Policies.known.contains(tool), "config for unknown tool '\(tool)'")
        if let retries = settings.retries { check((0...10).contains(retries), "\(tool) retries \(retries)") }
        for (op, seconds) in settings.ttl.merging(settings.stale, uniquingKeysWith: min) {
            check(seconds >= 0, "\(tool) '\(op)' negative duration \(seconds)")
            check(!op.isEmpty, "\(tool): empty operation name")
        }
        for name in settings.env { check(ConfigSchema.isEnvironmentName(name), "\(tool) env '\(name)'") }
    }

    // The config only adds to a built-in policy: whatever a built-in rule read before the
    // config's decides for the operations the file names, the configured policy decides too (or
    // passes through, disabled). In an agent's table the config's rules come after the safety
    // rules only (`PolicySpec.configRules`): `cacheable = ["mcp list"]` may cache what the
    // built-in table passes through as a subcommand.
    _ = config.applyGeneric(to: .generic(command: "CMD", keyEnv: [])).decide(Invocation(["x"]))
    for tool in Policies.known {
        guard let builtIn = Policies.builtIn(tool) else { continue }
        let spec = config.apply(to: builtIn)
        let settings = config.tools[tool] ?? ToolConfig()
        let named = settings.cacheable + Array(settings.ttl.keys) + Array(settings.stale.keys)
        for operation in named.prefix(16) {
            let args = operation.split(separator: " ").map(String.init)
            let before = builtIn.decide(Invocation(args)), after = spec.decide(Invocation(args))
            if settings.disabled {
                check(after.commandClass == .passthrough, "\(tool) disabled but \(after.commandClass)")
            } else if let rule = builtIn.rules.firstIndex(where: { $0.condition.holds(builtIn.shape(args), in: Invocation(args)) }),
                      rule < builtIn.configRules?.index ?? builtIn.rules.count {
                check(after.commandClass == before.commandClass,
                      "\(tool) \(args): config turned \(before.commandClass) into \(after.commandClass)")
            }
            if after.isCacheable { check(after.ttlSeconds >= 0, "negative ttl \(after.ttlSeconds)") }
        }
    }
    return 0
}
