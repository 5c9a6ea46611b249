/// What `cachewrap stats --advice` suggests: each operation's refreshes weighed by `TTLAdvice`,
/// and each suggestion turned into the config line that would apply it, only where such a line
/// takes effect. The wording is `StatsAdviceReport`'s.
struct StatsAdvice {
    /// Where an operation's TTL is set in config.toml.
    enum Section: Hashable, Comparable {
        /// `[tools.NAME.ttl]`, keyed by the operation as entries record it.
        case tool(String)
        /// `[defaults] ttl`: the only TTL that reaches `cachewrap -- CMD` (`UserConfig.applyGeneric`).
        case defaults

        var header: String {
            switch self {
            case .tool(let name): "[tools.\(name).ttl]"
            case .defaults: "[defaults]"
            }
        }
    }

    /// A TTL to paste, with what it rests on.
    struct Suggestion: Equatable {
        var tool: String
        var operation: String
        var evidence: TTLAdvice.Evidence
        var seconds: Int64
        var section: Section
        /// The line under `section.header`, e.g. `"pr list" = "5m"`.
        var line: String
    }

    var suggestions: [Suggestion] = []
    /// Operations with enough evidence and nothing to suggest, and why, for the report.
    var unsuggested: [(name: String, why: String)] = []
    /// Of the operations with too few refreshes at their TTL, the one with the most; nil: none.
    var closest: (name: String, refreshes: Int)?

    init(_ operations: [OperationRefreshes], config: UserConfig) {
        for op in operations {
            let evidence = TTLAdvice.Evidence(op.records)
            let name = Self.name(tool: op.tool, operation: op.operation)
            let seconds: Int64
            switch TTLAdvice.verdict(evidence) {
            case .tooFew:
                if evidence.refreshes > closest?.refreshes ?? 0 { closest = (name, evidence.refreshes) }
                continue
            case .fits:
                unsuggested.append((name, "the \(Duration.exact(seconds: evidence.ttlSeconds)) TTL fits what "
                    + StatsAdviceReport.counts(evidence) + " found"))
                continue
            case .longer(let s), .shorter(let s):
                seconds = s
            }
            switch Self.placement(tool: op.tool, operation: op.operation, config: config) {
            case .nowhere(let why):
                unsuggested.append((name, why))
            case .under(let section):
                guard let line = Self.line(section, operation: op.operation, seconds: seconds) else {
                    unsuggested.append((name, "cachewrap config takes no TTL line for the operation \"\(op.operation)\""))
                    continue
                }
                suggestions.append(Suggestion(tool: op.tool, operation: op.operation, evidence: evidence,
                                              seconds: seconds, section: section, line: line))
            }
        }
    }

    /// How the report names an operation: `gh pr list`, or `cachewrap -- make` for a generic one.
    static func name(tool: String, operation: String) -> String {
        operation == tool ? "cachewrap -- \(tool)" : "\(tool) \(operation)"
    }

    /// Where a line for an operation would take effect, or why none would.
    enum Placement: Equatable {
        case under(Section)
        case nowhere(String)
    }

    /// Generic commands record their name as the operation (`PolicySpec.generic`), which no
    /// tool's operation is. A built-in tool's records come from cacheable calls, and the config
    /// cannot make those anything else (only switch the tool off); a defined tool's operation
    /// must still be cacheable in its definition.
    static func placement(tool: String, operation: String, config: UserConfig) -> Placement {
        if operation == tool { return .under(.defaults) }
        if Policies.builtIn(tool) != nil {
            return config.tools[tool]?.disabled == true ? .nowhere("\(tool) is disabled in the config") : .under(.tool(tool))
        }
        guard let spec = config.definedPolicy(tool) else { return .nowhere("\(tool) is no longer defined in the config") }
        let decision = spec.decide(Invocation(operation.split(separator: " ").map(String.init)))
        guard decision.isCacheable, decision.operation == operation else {
            return .nowhere("\"\(operation)\" is not cacheable in [tools.\(tool)] any more")
        }
        return .under(.tool(tool))
    }

    /// The line that sets `seconds` for the operation under `section.header`, or nil when the
    /// config would refuse it or read it as anything else (an operation with a flag in it, such
    /// as kubectl's "version --client", cannot be a key): checked by reading it back.
    static func line(_ section: Section, operation: String, seconds: Int64) -> String? {
        let value = "\"\(Duration.exact(seconds: seconds))\""
        let line: String
        switch section {
        case .defaults: line = "ttl = " + value
        case .tool: line = "\"" + operation.map { $0 == "\"" || $0 == "\\" ? "\\\($0)" : "\($0)" }.joined() + "\" = " + value
        }
        let (tables, syntax) = TOMLSubset.parse(Array((section.header + "\n" + line + "\n").utf8))
        var schema = ConfigSchema()
        for table in tables { schema.read(table) }
        guard syntax.isEmpty, schema.issues.isEmpty else { return nil }
        switch section {
        case .defaults: return schema.config.defaultTTL == seconds ? line : nil
        case .tool(let tool): return schema.config.tools[tool]?.ttl[operation] == seconds ? line : nil
        }
    }
}
