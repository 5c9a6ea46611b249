/// `cachewrap -- CMD`: the user asked for caching, so any successful run is cached with the
/// default TTL, keyed on argv, cwd, stdin, the terminal and the variables named with `--env`.
public struct GenericPolicy: ToolPolicy {
    public let tool: String
    public let keyEnv: [String]

    public init(command: String, keyEnv: [String]) {
        self.tool = command
        self.keyEnv = keyEnv
    }

    public func decide(_ args: [String]) -> Decision {
        var decision = Decision(.cacheable, "cachewrap -- CMD: caching was asked for", operation: baseName(tool))
        decision.ttlClass = .command
        decision.keyEnv = keyEnv
        decision.context = .cwd
        decision.keysStdin = true
        return decision
    }

    private func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
