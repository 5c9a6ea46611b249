extension PolicySpec {
    /// `cachewrap -- CMD`: the user asked for caching, so any successful run is cached with the
    /// default TTL, keyed on argv, cwd, stdin, the terminal and the variables named with `--env`.
    public static func generic(command: String, keyEnv: [String]) -> PolicySpec {
        let name = command.split(separator: "/").last.map(String.init) ?? command
        var spec = PolicySpec(tool: name, rules: [
            Rule(.always, .cacheable(.command), "cachewrap -- CMD: caching was asked for", operation: name),
        ])
        spec.keyEnv = keyEnv
        spec.context = { _, _ in .cwd }
        spec.keysStdin = { _ in true }
        return spec
    }
}
