/// The entry point: decides between a management command and the wrap path, and turns every
/// failure into its message and exit code. `main.swift` only calls this and exits.
public enum Cachewrap {
    /// The one place the version is written: install/package.sh reads this line (with sed) to
    /// name the release archive and the .deb, and checks that `--version` says the same.
    public static let version = "0.1.0"

    /// The management command named `name`, if it is one; every other first word is a tool.
    static func managementCommand(_ name: String) -> (([Argument]) throws(CachewrapError) -> Int32)? {
        switch name {
        case "stats": StatsCommand.run
        case "ls": ListCommand.run
        case "show": ShowCommand.run
        case "rm": RemoveCommand.run
        case "clear": ClearCommand.run
        case "gc": GCCommand.run
        case "key": KeyCommand.run
        case "config": ConfigCommand.run
        case "explain": ExplainCommand.run
        case "bench-populate": BenchPopulateCommand.run
        case "init": InitCommand.run
        case "shims": ShimsCommand.run
        case "doctor": DoctorCommand.run
        case RemoteFlushCommand.name: RemoteFlushCommand.run
        default: nil
        }
    }

    public static func main(_ argv: [Argument]) -> Int32 {
        let invokedAs = argv.first.map { baseName($0.text) } ?? "cachewrap"
        let args = Array(argv.dropFirst())
        defer { TestEvents.helperExits(args) }
        do throws(CachewrapError) {
            // A shim (`gh` linked to cachewrap) wraps the tool it is named after.
            if invokedAs != "cachewrap", Policies.wraps(invokedAs) {
                return WrapCommand(request: WrapRequest(options: WrapOptions(), tool: invokedAs,
                                                        arguments: args, generic: false)).run()
            }
            guard let first = args.first?.text else { throw .missingTool }
            switch first {
            case "--help", "-h", "help":
                Console.output(HelpText.usage)
                return 0
            case "--version", "-V":
                Console.output("cachewrap \(version)\n")
                return 0
            default:
                if let command = managementCommand(first) {
                    let rest = Array(args.dropFirst())
                    if let help = HelpText.command(first), HelpText.isRequest(rest.map(\.text), for: first) {
                        Console.output(help.text)
                        return 0
                    }
                    return try command(rest)
                }
                return WrapCommand(request: try parseWrap(args)).run()
            }
        } catch {
            Console.error(error.message)
            if error.exitCode == 64 && error != .missingTool { Console.error("see 'cachewrap --help'") }
            return error.exitCode
        }
    }

    /// `[OPTIONS] TOOL ARGS...` or `[OPTIONS] -- COMMAND ARGS...`.
    static func parseWrap(_ args: [Argument]) throws(CachewrapError) -> WrapRequest {
        let (options, index) = try WrapOptions.parse(args)
        var rest = Array(args[index...])
        let generic = rest.first?.text == "--"
        if generic { rest.removeFirst() }
        guard let tool = rest.first else { throw CachewrapError.missingTool }
        if !generic && tool.text.hasPrefix("-") { throw CachewrapError.unknownOption(tool.text) }
        return WrapRequest(options: options, tool: tool.text, arguments: Array(rest.dropFirst()), generic: generic)
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
