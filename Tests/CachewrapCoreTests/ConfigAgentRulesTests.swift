import Testing

@testable import CachewrapCore

/// `[tools.NAME] cacheable` for the LLM agents: their tables end in a catch-all (an interactive
/// session) and pass subcommands through, so a line appended at the end could never match. It
/// is read after the write-grant, static and tool-specific rules instead, and only for calls
/// that are not a prompt, a session or an interactive run: a config line names a subcommand,
/// and must never make a call that may change files cacheable.
@Suite struct ConfigAgentRulesTests {
    static func spec(_ tool: String, _ cacheable: [String]) -> PolicySpec {
        let list = cacheable.map { "\"\($0)\"" }.joined(separator: ", ")
        let (config, issues) = UserConfig.parse("[tools.\(tool)]\ncacheable = [\(list)]\n")
        #expect(issues.isEmpty, "\(issues)")
        return config.apply(to: Policies.builtIn(tool)!)
    }

    @Test(arguments: ["claude", "gemini", "copilot"])
    func aListedSubcommandIsCached(tool: String) {
        let spec = Self.spec(tool, ["mcp list", "plugin *"])
        let decision = spec.decide(["mcp", "list"])
        #expect(decision.commandClass == .cacheable(.live), "\(decision.reason)")
        #expect(decision.operation == "mcp list" && decision.ttlSeconds == TTLClass.live.seconds)
        #expect(decision.context == KeyContext.none, "not a prompt: no workspace in the key")
        #expect(spec.decide(["plugin", "list", "--json"]).commandClass == .cacheable(.live))
        #expect(spec.decide(["mcp", "add", "x"]).commandClass == Policies.builtIn(tool)!.decide(["mcp", "add", "x"]).commandClass,
                "an operation not listed keeps its built-in class")
        #expect(Policies.builtIn(tool)!.decide(["mcp", "list"]).isCacheable == false, "the built-in is unchanged")
    }

    @Test(arguments: [
        ["claude", "mcp", "list", "--dangerously-skip-permissions"],
        ["claude", "--permission-mode", "acceptEdits", "mcp", "list"],
        ["claude", "-p", "mcp", "list", "--dangerously-skip-permissions"],
        ["claude", "-p", "hi", "--dangerously-skip-permissions"],
        ["claude", "-p", "hi", "--allowedTools", "Edit"],
        ["gemini", "mcp", "list", "--yolo"],
        ["gemini", "--delete-session", "3", "mcp", "list"],
        ["copilot", "mcp", "list", "--allow-all-tools"],
    ])
    func writeGrantsStayMutating(argv: [String]) {
        let spec = Self.spec(argv[0], ["mcp list", "hi"])
        #expect(spec.decide(Array(argv.dropFirst())).commandClass == .mutating)
    }

    /// A prompt, a resumed session, an interactive run and static answers are decided by the
    /// built-in rules, whatever words the config lists. (`claude hi` is not among them: the
    /// built-in table only guesses that unknown words start a session, and the config knows better.)
    @Test(arguments: [
        ["claude", "-p", "mcp", "list"], ["claude", "-p", "hi"], ["claude", "-c", "hi"], ["claude", "-p", "-c", "hi"],
        ["claude", "mcp", "list", "--help"], ["gemini", "-i", "hi"], ["gemini", "-p", "hi"],
        ["gemini", "mcp", "list", "-l"], ["copilot", "--resume", "hi"], ["copilot", "-p", "hi"],
    ])
    func promptsSessionsAndStaticAnswersKeepTheirRules(argv: [String]) {
        let args = Array(argv.dropFirst())
        let configured = Self.spec(argv[0], ["mcp list", "hi"]).decide(args)
        let builtIn = Policies.builtIn(argv[0])!.decide(args)
        #expect(configured.commandClass == builtIn.commandClass && configured.reason == builtIn.reason,
                "\(configured.reason) vs \(builtIn.reason)")
    }

    /// Tools whose tables end without a catch-all still read config lines after every built-in rule.
    @Test func ghAndHFStillAppend() {
        for tool in ["gh", "hf"] {
            let spec = Self.spec(tool, ["extension list"])
            let builtIn = Policies.builtIn(tool)!
            #expect(Array(spec.rules.prefix(builtIn.rules.count)).map(\.reason) == builtIn.rules.map(\.reason))
            #expect(spec.rules.count == builtIn.rules.count + 1)
            #expect(spec.decide(["extension", "list"]).commandClass == .cacheable(.live))
        }
    }
}
