/// One line of a policy table: when `condition` holds, the command is of `commandClass`.
/// Rules are read top to bottom and the first match wins, so safety rules come first.
public struct Rule: Sendable {
    public let condition: Condition
    public let commandClass: CommandClass
    public let reason: String
    /// The operation name to record, when the shape's own ("--version") is not telling.
    public let operation: String?
    /// Whether running it may change what cached reads would show, so the tool's entries are
    /// dropped first: every mutation, and interactive commands that create (`gh pr create`).
    public let invalidates: Bool

    public init(_ condition: Condition, _ commandClass: CommandClass, _ reason: String, operation: String? = nil,
                invalidates: Bool? = nil) {
        self.condition = condition
        self.commandClass = commandClass
        self.reason = reason
        self.operation = operation
        self.invalidates = invalidates ?? (commandClass == .mutating)
    }
}

/// A predicate on an argv shape and the invocation around it. Enough to write every tool's
/// table as data; `custom` and `invocation` cover the few rules that need code (gh api's
/// method; claude's settings files).
public indirect enum Condition: Sendable {
    /// The operation is one of these; an entry ending in " *" matches every operation of that group.
    case operation(Set<String>)
    /// The second word (the verb) is one of these: `create`, `delete`...
    case verb(Set<String>)
    /// Any of these flags is given (`--web`, `--web=true`, `-w`), even where a flag's value is
    /// expected: for the flags that stop caching.
    case flag([String])
    /// Any of these flags is given as a flag, not as a value flag's value (`ArgvShape.hasOption`):
    /// for the flags that make a command cacheable (`--help`, `--version`, `--list-extensions`).
    case option([String])
    /// A flag has one of these values (`--permission-mode acceptEdits`).
    case flagValue(String, Set<String>)
    /// No positional word after the operation (`gh run view` without an ID prompts).
    case noArguments
    /// The argv is exactly these words (`--version`).
    case exactly([String])
    /// The variable is set and not empty (`COPILOT_ALLOW_ALL`).
    case environment(String)
    /// Our stdout is a terminal (vastai pages through less there).
    case stdoutIsTerminal
    /// Stdin is a pipe, file or socket: a prompt may come from it.
    case stdinCarriesData
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case always
    /// A test of the argv alone.
    case custom(@Sendable (ArgvShape) -> Bool)
    /// A test that reads the invocation too: files it names (a settings file under the home
    /// directory, a relative `--settings` path).
    case invocation(@Sendable (ArgvShape, Invocation) -> Bool)

    public func holds(_ shape: ArgvShape, in invocation: Invocation) -> Bool {
        switch self {
        case .operation(let ops):
            return ops.contains(shape.operation) || ops.contains { op in
                op.hasSuffix(" *") && shape.words.first == String(op.dropLast(2))
            }
        case .verb(let verbs): return shape.words.count > 1 && verbs.contains(shape.words[1])
        case .flag(let flags): return shape.hasAny(flags)
        case .option(let flags): return flags.contains { shape.hasOption($0) }
        case .flagValue(let flag, let values): return shape.value(of: flag).map(values.contains) ?? false
        case .noArguments: return shape.arguments.isEmpty
        case .exactly(let args): return shape.args == args
        case .environment(let name): return invocation.environment.nonEmpty(name) != nil
        case .stdoutIsTerminal: return invocation.terminal.isTerminal
        case .stdinCarriesData: return invocation.stdin == .data
        case .all(let conditions): return conditions.allSatisfy { $0.holds(shape, in: invocation) }
        case .any(let conditions): return conditions.contains { $0.holds(shape, in: invocation) }
        case .not(let condition): return !condition.holds(shape, in: invocation)
        case .always: return true
        case .custom(let test): return test(shape)
        case .invocation(let test): return test(shape, invocation)
        }
    }
}
