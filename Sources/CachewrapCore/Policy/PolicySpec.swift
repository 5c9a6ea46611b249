/// A tool's policy as data: a rule table plus what the key depends on and how to read the
/// output. One engine (`decide`, `isStorable`) serves every tool, and the config file edits
/// the data, so a new tool or subcommand needs no new code. Every closure here is a function of
/// the argv's shape and the `Invocation`, never of the process, so a decision is too.
public struct PolicySpec: Sendable {
    public var tool: String
    /// Flags that take a value, so the value is not read as a command word.
    public var valueFlags: Set<String> = []
    /// How many words name an operation ("pr list": 2); `singleWordGroups` take one ("api").
    public var depth = 2
    public var singleWordGroups: Set<String> = []
    /// Read top to bottom, first match wins; no match passes through.
    public var rules: [Rule]
    public var keyEnv: [String] = []
    /// Files whose content digest joins the key (who is logged in, project instructions);
    /// relative ones are read from the working directory.
    public var identityFiles: @Sendable (Invocation) -> [String] = { _ in [] }
    /// What around the command the output depends on, for cacheable commands.
    public var context: @Sendable (ArgvShape, Invocation) -> KeyContext = { _, _ in .none }
    /// What a cacheable command's answer depends on and what a mutation changes (see `Scope`);
    /// by default the whole tool.
    public var scope: @Sendable (ArgvShape, Invocation) -> Scope
    /// Whether stdin carrying data is read, hashed into the key and fed to the tool.
    public var keysStdin: @Sendable (ArgvShape) -> Bool = { _ in false }
    /// Where secrets hide in argv: the standard table, which a policy may extend with its own
    /// flag names (vastai's `--api-key`). Secrets are digested in the key and hidden in displays.
    public var redaction = RedactionTable.standard
    /// Markers of a failure despite exit 0: such a run is never stored.
    public var failureMarkers: [OutputCheck] = []
    /// Exit 0 with nothing on stdout is a failure (claude's known bug).
    public var emptyStdoutIsFailure = false
    /// Signs of a passing failure worth a retry, and of a quota that a retry cannot beat.
    public var transient: [OutputCheck] = []
    public var quota: [OutputCheck] = []
    /// Retries on top of the tool's own (gh retries nothing itself; claude retries 10 times).
    public var retries = 0
    /// Variables set for the tool when it runs on cachewrap's pseudo-terminal: a pager started
    /// there would be recorded (its screen control replayed as output), so gh gets `GH_PAGER=cat`.
    public var terminalEnvironment: [String: String] = [:]
    /// Per-operation TTLs from the config file, in seconds.
    public var ttlOverrides: [String: Int64] = [:]
    /// Per-operation stale-while-revalidate ages from the config file, in seconds.
    public var staleAfter: [String: Int64] = [:]
    /// Where the config file's extra cacheable operations are read; nil: after every rule here.
    public var configRules: ConfigRulePlacement?
    /// What a stored answer cost to make, read from its recording (the LLM agents' own JSON,
    /// `AnswerCost`), so each replay counts what it saved; nil where answers carry no price.
    public var answerCost: (@Sendable (Transcript) -> AnswerCost?)?
    /// The service's hourly request limit, for `stats` to say how much of it the last hour's
    /// saved calls stand for; nil where no such limit binds a user.
    public var hourlyLimit: HourlyLimit?
    /// Whether an expired answer can be renewed by a conditional request (gh api's ETags).
    public var revalidation: @Sendable (ArgvShape, Invocation) -> Revalidation = { _, _ in .unsupported }

    public init(tool: String, rules: [Rule]) {
        self.tool = tool
        self.rules = rules
        scope = { _, _ in .tool(tool) }
    }

    public func shape(_ args: [String]) -> ArgvShape {
        ArgvShape(args, valueFlags: valueFlags, depth: depth, singleWordGroups: singleWordGroups)
    }

    /// The first matching rule's class and what goes with it, as a function of `invocation`.
    public func decide(_ invocation: Invocation) -> Decision {
        let shape = shape(invocation.arguments)
        let operation = shape.operation.isEmpty ? tool : shape.operation
        guard let rule = rules.first(where: { $0.condition.holds(shape, in: invocation) }) else {
            return Decision(.passthrough, "no \(tool) rule makes '\(operation)' cacheable", operation: operation)
        }
        var decision = Decision(rule.commandClass, rule.reason, operation: rule.operation ?? operation)
        decision.retries = retries
        decision.invalidates = rule.invalidates
        // Only where it is used: a gh scope may read the git config.
        decision.scope = decision.invalidates || decision.isCacheable ? scope(shape, invocation) : .tool(tool)
        guard let ttl = decision.ttlClass else { return decision }
        decision.ttlSeconds = ttlOverrides[decision.operation] ?? ttlOverrides["*"] ?? ttl.seconds
        decision.staleSeconds = staleAfter[decision.operation] ?? staleAfter["*"]
        decision.keyEnv = keyEnv
        decision.identityFiles = identityFiles(invocation)
        decision.context = context(shape, invocation)
        decision.keysStdin = keysStdin(shape)
        decision.redaction = redaction
        decision.revalidation = revalidation(shape, invocation)
        return decision
    }

    /// Only exit 0 without a failure marker is worth storing.
    public func isStorable(_ outcome: RunOutcome) -> Bool {
        guard outcome.status == 0 else { return false }
        if emptyStdoutIsFailure && outcome.transcript.stdoutCount == 0 { return false }
        return failureMarkers.firstMatch(in: outcome.transcript) == nil
    }
}

/// A limit of requests per hour that a service sets each user (`PolicySpec.hourlyLimit`).
public struct HourlyLimit: Sendable, Equatable {
    public var requests: Int64
    /// Which of the service's limits it is, as its documentation names it ("REST").
    public var name: String
}

/// Where `[tools.NAME] cacheable` rules go in a table that ends in a catch-all (the agents: any
/// unknown word starts a session), where rules appended at the end could never match: after the
/// first `index` rules (the safety rules, which a config line must never beat) and only for
/// calls `onlyIf` holds for.
public struct ConfigRulePlacement: Sendable {
    public var index: Int
    public var onlyIf: Condition

    public init(index: Int, onlyIf: Condition) {
        self.index = index
        self.onlyIf = onlyIf
    }
}
