/// Reads parsed tables against the schema documented on `UserConfig`. Strict on purpose: a typo
/// (`[tools.gh] retires = 2`) silently ignored would leave the user wondering why nothing
/// changed, so unknown sections, tools, keys and wrong types are errors with their line.
struct ConfigSchema {
    var config = UserConfig()
    var issues: [ConfigIssue] = []

    /// Checks one table and merges what is valid into `config`; a table under an unknown name is
    /// reported once at its header, not once per key.
    mutating func read(_ table: TOMLTable) {
        let path = table.path
        switch path.count {
        case 0:
            for entry in table.entries {
                issue(entry, "'\(entry.key)' must be under a section: [defaults] or [tools.NAME]")
            }
        case 1 where path[0] == "defaults":
            readDefaults(table)
        case 1 where path[0] == "tools":
            for entry in table.entries {
                issue(entry, "unknown key '\(entry.key)' in [tools]: settings for a tool go in [tools.NAME]")
            }
        case 2 where path[0] == "tools":
            if isToolName(path[1], table) { readTool(path[1], table) }
        case 3 where path[0] == "tools" && path[2] == "ttl":
            if isToolName(path[1], table) { readDurations(path[1], table, into: \.ttl) }
        case 3 where path[0] == "tools" && path[2] == "stale":
            if isToolName(path[1], table) { readDurations(path[1], table, into: \.stale) }
        default:
            issues.append(ConfigIssue(line: table.line,
                "unknown section [\(table.name)]: expected [defaults], [tools.NAME], [tools.NAME.ttl] or [tools.NAME.stale]"))
        }
    }

    private mutating func readDefaults(_ table: TOMLTable) {
        for entry in table.entries {
            switch entry.key {
            case "ttl": config.defaultTTL = duration(entry, in: table) ?? config.defaultTTL
            case "retries": config.defaultRetries = retries(entry, in: table) ?? config.defaultRetries
            default: issue(entry, "unknown key '\(entry.key)' in [defaults]: expected ttl or retries")
            }
        }
    }

    private mutating func readTool(_ tool: String, _ table: TOMLTable) {
        var settings = config.tools[tool] ?? ToolConfig()
        let defined = Policies.builtIn(tool) == nil
        settings.lines[""] = table.line
        for entry in table.entries {
            settings.lines[entry.key] = entry.line
            if ToolDefinitionKeys.all.contains(entry.key) && !defined {
                issue(entry, "'\(entry.key)' in [\(table.name)] is for tools defined in the config: \(tool)'s built-in "
                    + "policy decides that (see 'cachewrap explain \(tool) ...')")
                continue
            }
            switch entry.key {
            case "disabled":
                if let value = typed(entry, "a boolean", in: table, { if case .bool(let b) = $0 { b } else { nil } }) {
                    settings.disabled = value
                }
            case "retries": settings.retries = retries(entry, in: table) ?? settings.retries
            case "env":
                settings.env = strings(entry, in: table, valid: Self.isEnvironmentName,
                                       "is not an environment variable name (letters, digits and '_')")
            case "cacheable": settings.cacheable = operations(entry, in: table)
            case "ttl":
                issue(entry, "'ttl' is not a key of [\(table.name)]: per-operation TTLs go in [\(table.name).ttl]")
            default:
                guard defined, readDefinition(entry, in: table, into: &settings) else {
                    let keys = "disabled, retries, env, cacheable" + (defined ? ", " + ToolDefinitionKeys.all.joined(separator: ", ") : "")
                    issue(entry, "unknown key '\(entry.key)' in [\(table.name)]: expected \(keys)")
                    continue
                }
            }
        }
        config.tools[tool] = settings
    }

    /// A list of command words such as "pr list" ("x *" for a group), normalized.
    mutating func operations(_ entry: TOMLEntry, in table: TOMLTable) -> [String] {
        strings(entry, in: table, valid: { Self.isOperation($0, group: true) },
                "is not an operation: list command words such as \"pr list\" (\"x *\" for a group)")
            .map(Self.normalized)
    }

    /// `[tools.NAME.ttl]` and `[tools.NAME.stale]`: a duration per operation, or "*".
    private mutating func readDurations(_ tool: String, _ table: TOMLTable,
                                        into field: WritableKeyPath<ToolConfig, [String: Int64]>) {
        var settings = config.tools[tool] ?? ToolConfig()
        settings.lines[""] = settings.lines[""] ?? table.line
        for entry in table.entries {
            guard entry.key == "*" || Self.isOperation(entry.key, group: false) else {
                issue(entry, "'\(entry.key)' is not an operation: use command words such as \"pr list\", or \"*\"")
                continue
            }
            if let seconds = duration(entry, in: table) { settings[keyPath: field][Self.normalized(entry.key)] = seconds }
        }
        config.tools[tool] = settings
    }

    /// A built-in tool, or a name a tool defined here may have; else an error at the header.
    private mutating func isToolName(_ tool: String, _ table: TOMLTable) -> Bool {
        if Policies.builtIn(tool) != nil { return true }
        guard let problem = ToolDefinitionKeys.problem(withName: tool) else { return true }
        issues.append(ConfigIssue(line: table.line, "[\(table.name)]: \(problem)"))
        return false
    }

    mutating func issue(_ entry: TOMLEntry, _ message: String) {
        issues.append(ConfigIssue(line: entry.line, message))
    }

    /// The entry's value when it has the wanted type; otherwise an error naming both types.
    mutating func typed<T>(_ entry: TOMLEntry, _ wanted: String, in table: TOMLTable,
                                   _ extract: (TOMLValue) -> T?) -> T? {
        if let value = extract(entry.value) { return value }
        issue(entry, "'\(entry.key)' in [\(table.name)] must be \(wanted), not \(entry.value.typeName)")
        return nil
    }

    private mutating func duration(_ entry: TOMLEntry, in table: TOMLTable) -> Int64? {
        guard let text = typed(entry, "a duration string such as \"10m\"", in: table,
                               { if case .string(let s) = $0 { s } else { nil } }) else { return nil }
        return checked(entry, in: table) { name throws(CachewrapError) in try UserNumbers.duration.parse(text, name: name) }
    }

    mutating func retries(_ entry: TOMLEntry, in table: TOMLTable) -> Int? {
        guard let n = typed(entry, "an integer", in: table, { if case .integer(let n) = $0 { n } else { nil } })
        else { return nil }
        return checked(entry, in: table) { name throws(CachewrapError) in try UserNumbers.retries.check(n, name: name) }.map { Int($0) }
    }

    /// A number through its `NumberSetting`, its problem reported on the entry's line.
    private mutating func checked(_ entry: TOMLEntry, in table: TOMLTable,
                                  _ read: (String) throws(CachewrapError) -> Int64) -> Int64? {
        let name = "'\(entry.key)' in [\(table.name)]"
        do {
            return try read(name)
        } catch {
            issue(entry, error.message(naming: name))
            return nil
        }
    }

    /// An array of strings, keeping the valid ones and reporting each invalid one.
    mutating func strings(_ entry: TOMLEntry, in table: TOMLTable, valid: (String) -> Bool,
                                  _ why: String) -> [String] {
        guard let items = typed(entry, "an array of strings", in: table,
                                { if case .strings(let a) = $0 { a } else { nil } }) else { return [] }
        for item in items where !valid(item) { issue(entry, "'\(item)' in '\(entry.key)' \(why)") }
        return items.filter(valid)
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    /// Command words, none a flag; with `group`, a trailing " *" stands for a whole group.
    static func isOperation(_ text: String, group: Bool) -> Bool {
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if group, words.count > 1, words.last == "*" { words.removeLast() }
        return !words.isEmpty && words.allSatisfy { !$0.hasPrefix("-") && !$0.contains("*") }
    }

    /// Operations as policies name them: words joined by one space.
    static func normalized(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}
