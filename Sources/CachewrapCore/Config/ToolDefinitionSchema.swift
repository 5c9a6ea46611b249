/// The keys of `[tools.NAME]` that only a tool defined in the config may set (a built-in
/// tool's own policy decides these), and the checks a definition must pass.
enum ToolDefinitionKeys {
    static let all = ["mutating", "interactive", "files", "fail_if", "transient", "value_flags"]

    /// Why `name` cannot be a defined tool, or nil when it can: it must be a plain command name
    /// that `cachewrap NAME` reaches (a management command such as `ls` would shadow it).
    static func problem(withName name: String) -> String? {
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._+-".unicodeScalars.contains($0))
        }
        guard !name.isEmpty, allowed, !name.hasPrefix("-"), !name.hasPrefix(".") else {
            return "'\(name)' is not a command name (letters, digits, '.', '_', '+' and '-', no '/')"
        }
        if name == "cachewrap" || name == "help" || Cachewrap.managementCommand(name) != nil {
            return "'\(name)' is a cachewrap command: wrap it with 'cachewrap -- \(name) ...' instead"
        }
        return nil
    }
}

extension ConfigSchema {
    /// One definition-only key; false when `entry.key` is none of them.
    mutating func readDefinition(_ entry: TOMLEntry, in table: TOMLTable, into settings: inout ToolConfig) -> Bool {
        let pattern = "is empty: a pattern must have at least one character"
        switch entry.key {
        case "mutating": settings.mutating = operations(entry, in: table)
        case "interactive": settings.interactive = operations(entry, in: table)
        case "files":
            settings.files = strings(entry, in: table, valid: { !$0.isEmpty && !$0.contains("\u{0}") }, "is not a file path")
        case "fail_if": settings.failIf = strings(entry, in: table, valid: { !$0.isEmpty }, pattern)
        case "transient": settings.transient = strings(entry, in: table, valid: { !$0.isEmpty }, pattern)
        case "value_flags":
            settings.valueFlags = strings(entry, in: table, valid: Self.isFlag, "is not a flag such as \"--region\" or \"-r\"")
        default: return false
        }
        return true
    }

    /// A tool defined here must list something to do: a `[tools.gj] retries = 2` meant for gh
    /// would otherwise define a tool that caches nothing, silently.
    mutating func checkDefinitions() {
        for name in config.definedTools {
            // A list given with only bad entries was reported already, entry by entry.
            guard let tool = config.tools[name], !tool.disabled,
                  !["cacheable", "mutating", "interactive"].contains(where: { tool.lines[$0] != nil }) else { continue }
            issues.append(ConfigIssue(line: tool.lines[""], "[tools.\(name)] defines no operations: '\(name)' is not a "
                + "built-in tool (those are \(Policies.known.joined(separator: ", "))), and a tool defined in the config "
                + "lists cacheable, mutating or interactive operations"))
        }
    }

    static func isFlag(_ text: String) -> Bool {
        text.count >= 2 && text.hasPrefix("-") && text != "--" && !text.contains("=") && !text.contains(where: \.isWhitespace)
    }
}
