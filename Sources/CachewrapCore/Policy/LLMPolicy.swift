/// What the LLM agent CLIs (claude, gemini, copilot) share, as data: a one-shot prompt in
/// read-only mode is cached for an hour, keyed on the workspace and stdin; anything that lets the
/// agent change files is mutating; continuing a saved conversation passes through (its history is
/// not in the key); everything else is an interactive session. Each tool fills in its own flags.
struct LLMAgent: Sendable {
    var tool: String
    /// The switch for one-shot mode (`-p`, `--print`).
    var promptFlags: [String]
    /// Whether the prompt is that flag's value (`gemini -p TEXT`) rather than a positional word
    /// after a plain switch (`claude -p TEXT`).
    var promptTakesValue: Bool
    var valueFlags: Set<String>
    /// Switches that let the agent act without asking (`--yolo`); any one makes the call mutating.
    var writeFlags: [String]
    /// Variables with the same effect (`COPILOT_ALLOW_ALL`).
    var writeEnvironment: [String] = []
    /// Approval modes and tool lists that let the agent write, on the command line or in settings.
    var grants = WriteGrants.none
    /// Settings files that may grant writes (allow lists, default mode); read for prompts only.
    var settingsFiles: @Sendable (Invocation) -> [String] = { _ in [] }
    /// Continue a saved conversation: the answer depends on history the key cannot see.
    var sessionFlags: [String]
    /// Flags that run a prompt and then stay in the session (`gemini -i`).
    var interactiveFlags: [String] = []
    /// Subcommands (`mcp *`) that are no prompt at all: they run as they are.
    var subcommands: Set<String> = []
    var versionFlags = ["--version", "-v"]
    var helpFlags = ["--help", "-h"]
    /// Tool-specific rules read after the write and static rules (`gemini -l`).
    var extraRules: [Rule] = []
    var keyEnv: [String]
    /// Instruction and settings files whose content changes the answer (CLAUDE.md, GEMINI.md).
    var identityFiles: @Sendable (Invocation) -> [String] = { _ in [] }
    var transient: [OutputCheck]
    var quota: [OutputCheck] = []
    var emptyStdoutIsFailure = false
    /// How the tool's JSON output says what an answer cost (`AnswerCost`).
    var answerCost: (@Sendable (Transcript) -> AnswerCost?)?

    /// The table and key settings as the shared engine reads them.
    var spec: PolicySpec {
        let safety = safetyRules
        var spec = PolicySpec(tool: tool, rules: safety + callRules)
        // A config line names a subcommand (`mcp list`): read it after the write grants and the
        // tool's own rules, never for a prompt, a resumed session or an interactive run.
        spec.configRules = ConfigRulePlacement(
            index: safety.count, onlyIf: .not(.flag(promptFlags + sessionFlags + interactiveFlags)))
        spec.valueFlags = valueFlags
        spec.keyEnv = keyEnv
        spec.identityFiles = identityFiles
        let promptFlags = promptFlags
        // An answer depends on the files the agent reads and on what is piped in; --version does not.
        spec.context = { shape, _ in shape.hasAny(promptFlags) ? .workspace : .none }
        spec.keysStdin = { $0.hasAny(promptFlags) }
        spec.transient = transient
        spec.quota = quota
        spec.emptyStdoutIsFailure = emptyStdoutIsFailure
        spec.answerCost = answerCost
        // The agents retry API errors themselves (claude and gemini about ten times): one more is enough.
        spec.retries = 1
        return spec
    }

    /// Safety first: write grants, then static answers and the tool's own rules. No config line
    /// comes before them.
    var safetyRules: [Rule] {
        let prompt = Condition.flag(promptFlags)
        let writes = Condition.any([.flag(writeFlags), .any(writeEnvironment.map(Condition.environment)),
                                    .invocation { [self] in grantsWrites($0, $1) }])
        let why = "\(tool) may change files without asking (a write grant by flag, variable or settings)"
        return [
            Rule(.all([prompt, writes]), .mutating, why, operation: "prompt"),
            // `not(prompt)`: a prompt's grants were just checked; reading settings files twice
            // would cost every cached prompt call a second round of file reads.
            Rule(.all([.not(prompt), writes]), .mutating, why, operation: "session"),
        ] + Rule.staticInfo(version: versionFlags, help: helpFlags) + extraRules
    }

    /// Then subcommands, sessions and the read-only prompt, ending in the catch-all: an
    /// interactive session.
    var callRules: [Rule] {
        let prompt = Condition.flag(promptFlags)
        return [
            Rule(.operation(subcommands), .passthrough, "a \(tool) subcommand, not a prompt"),
            Rule(.flag(interactiveFlags), .interactive, "runs the prompt, then stays interactive", operation: "session"),
            Rule(.all([prompt, .flag(sessionFlags)]), .passthrough,
                 "continues a saved conversation: the answer depends on history outside the key", operation: "prompt"),
            Rule(.all([prompt, .any([.custom { [self] in namesPrompt($0) }, .stdinCarriesData])]), .cacheable(.prompt),
                 "a one-shot prompt in read-only mode", operation: "prompt"),
            Rule(prompt, .passthrough, "one-shot mode with no prompt and nothing on stdin", operation: "prompt"),
            Rule(.always, .interactive, "starts an interactive \(tool) session", operation: "session"),
        ]
    }

    /// The command line gives a prompt: as the flag's value or as positional words. (Without
    /// one, a prompt piped on stdin still is one.)
    func namesPrompt(_ shape: ArgvShape) -> Bool {
        if promptTakesValue && promptFlags.contains(where: { !(shape.value(of: $0) ?? "").isEmpty }) { return true }
        return !shape.words.isEmpty
    }

    /// A write-granting mode or tool list on the command line, or (for prompts) in a settings file.
    func grantsWrites(_ shape: ArgvShape, _ invocation: Invocation) -> Bool {
        if grants.grants(shape) { return true }
        guard shape.hasAny(promptFlags) else { return false }
        if let flag = grants.inlineSettingsFlag, let value = shape.value(of: flag) {
            let text = value.hasPrefix("{") ? Array(value.utf8) : invocation.read(value) ?? []
            if grants.grants(settings: text) { return true }
        }
        return settingsFiles(invocation).contains { invocation.read($0).map(grants.grants(settings:)) ?? false }
    }

    /// `$NAME` when set, else the home directory plus `relative`: where an agent keeps its
    /// user-level settings (CLAUDE_CONFIG_DIR, GEMINI_CLI_HOME).
    static func directory(fromEnvironment name: String, orHome relative: String, _ invocation: Invocation) -> String {
        invocation.environment.nonEmpty(name) ?? invocation.homeDirectory + relative
    }

    /// Network failures every Node-based agent prints: worth one retry.
    static let networkTransient = ["ECONNRESET", "ETIMEDOUT"]
}

extension Rule {
    /// `--version` and `--help`: static answers, kept a day (the key names the binary by content,
    /// as every key does, so an upgrade is a miss).
    static func staticInfo(version: [String], help: [String]) -> [Rule] {
        [
            Rule(.option(version), .cacheable(.static), "the version is static", operation: "version"),
            Rule(.option(help), .cacheable(.static), "help text is static", operation: "help"),
        ]
    }
}

/// What lets an agent change files without asking, beyond plain switches: an approval mode
/// (`--permission-mode acceptEdits`), a list of pre-approved tools (`--allowedTools "Bash(git:*)"`)
/// and the same two in its JSON settings files. A cached answer must never stand in for a run
/// that would have edited the workspace, so any write tool in any allow list counts.
struct WriteGrants: Sendable {
    /// Tools that edit files or run commands (`Edit`, `Bash`; gemini's `write_file`).
    var tools: Set<String> = []
    /// Tool-name prefixes that can do anything (claude's MCP tools, `mcp__server__tool`).
    var toolPrefixes: [String] = []
    /// Approval modes that auto-approve writes (`acceptEdits`, `auto_edit`).
    var modes: Set<String> = []
    var modeFlag: String?
    /// Flags listing pre-approved tools; their values run until the next flag (commander and
    /// yargs read them that way) and may be comma or space separated.
    var toolListFlags: [String] = []
    /// The settings key holding the allow list (`"allow"`, `"allowed"`).
    var settingsListKey = "allow"
    /// A flag whose value is a settings file or inline JSON (claude's `--settings`).
    var inlineSettingsFlag: String?

    /// For agents whose write grants are all plain switches (copilot).
    static let none = WriteGrants()

    /// The mode flag names a write mode, or a tool list flag names a write tool.
    func grants(_ shape: ArgvShape) -> Bool {
        if let flag = modeFlag, let mode = shape.value(of: flag), modes.contains(mode) { return true }
        return WriteGrants.listValues(of: toolListFlags, in: shape.args).contains(where: grants(tool:))
    }

    /// A tool entry such as `Edit`, `Bash(git log:*)` or `run_shell_command(git)`: its name
    /// (before any parenthesis) is a write tool.
    func grants(tool entry: String) -> Bool {
        let name = String(entry.prefix { $0 != "(" }.filter { $0 != " " && $0 != "\"" && $0 != "'" })
        return tools.contains(name) || toolPrefixes.contains { name.hasPrefix($0) }
    }

    /// A settings file that names a write mode anywhere, or a write tool in an allow list.
    func grants(settings json: [UInt8]) -> Bool {
        guard !json.isEmpty else { return false }
        if modes.contains(where: { json.containsBytes(Array("\"\($0)\"".utf8)) }) { return true }
        return WriteGrants.stringArrays(named: settingsListKey, in: json).joined().contains(where: grants(tool:))
    }

    /// Values of list flags: `--flag a b`, `--flag=a`, split on commas and spaces.
    static func listValues(of flags: [String], in args: [String]) -> [String] {
        var values: [String] = []
        var collecting = false
        for arg in args {
            if arg.hasPrefix("-") {
                collecting = flags.contains(arg)
                if let eq = arg.firstIndex(of: "="), flags.contains(String(arg[..<eq])) {
                    values.append(String(arg[arg.index(after: eq)...]))
                }
            } else if collecting {
                values.append(arg)
            }
        }
        return values.flatMap { $0.split { $0 == "," || $0 == " " }.map(String.init) }
    }

    /// Every JSON array of strings under `"key"` (a small scanner: settings files are small and
    /// cachewrap links no JSON parser). Escapes are skipped over, not decoded: tool names have none.
    static func stringArrays(named key: String, in json: [UInt8]) -> [[String]] {
        let space: Set<UInt8> = [0x20, 0x09, 0x0a, 0x0d]
        var arrays: [[String]] = []
        for found in json.ranges(of: Array("\"\(key)\"".utf8)) {
            var i = found.upperBound
            func skip() { while i < json.count, space.contains(json[i]) { i += 1 } }
            skip()
            guard i < json.count, json[i] == UInt8(ascii: ":") else { continue }
            i += 1; skip()
            guard i < json.count, json[i] == UInt8(ascii: "[") else { continue }
            i += 1
            var items: [String] = []
            while i < json.count, json[i] != UInt8(ascii: "]") {
                guard json[i] == UInt8(ascii: "\"") else { i += 1; continue }
                var j = i + 1
                while j < json.count, json[j] != UInt8(ascii: "\"") { j += json[j] == UInt8(ascii: "\\") ? 2 : 1 }
                items.append(String(decoding: json[(i + 1)..<min(j, json.count)], as: UTF8.self))
                i = j + 1
            }
            arrays.append(items)
        }
        return arrays
    }
}
