/// An argv as policies see it: positional words (flags and their values removed) and flags.
/// Parsed once per invocation with the tool's list of flags that take a value.
public struct ArgvShape: Sendable {
    public let args: [String]
    /// Positional words in order: the command path, then its arguments.
    public let words: [String]
    /// The command path, e.g. "pr list" (first `depth` words; one word for single-word groups).
    public let operation: String
    /// How many words the operation took, so `arguments` are the words after it.
    public let operationDepth: Int
    /// Indexes in `args` taken as a flag's value (`-R o/r`: the `o/r`), which are never flags.
    public let valuePositions: Set<Int>

    public init(_ args: [String], valueFlags: Set<String>, depth: Int = 2, singleWordGroups: Set<String> = []) {
        self.args = args
        var out: [String] = []
        var values: Set<Int> = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" { out.append(contentsOf: args[(i + 1)...]); break }
            if a.hasPrefix("-") && a != "-" {
                if valueFlags.contains(a) { i += 1; values.insert(i) }
            } else {
                out.append(a)
            }
            i += 1
        }
        words = out
        valuePositions = values
        let n = out.first.map { singleWordGroups.contains($0) } == true ? 1 : min(depth, out.count)
        operationDepth = n
        operation = out.prefix(n).joined(separator: " ")
    }

    /// Positional words after the operation (IDs, names, prompts).
    public var arguments: ArraySlice<String> { words.dropFirst(operationDepth) }

    /// Arguments before a `--`: what follows it is operands, never options (`hf jobs run IMG --
    /// python --help` runs a job, it does not ask for help).
    public var options: ArraySlice<String> { args.prefix { $0 != "--" } }

    /// A flag given as `--flag`, `--flag=VALUE` (anything but false) or, for a short flag, `-f`,
    /// before any `--`.
    public func has(_ flag: String) -> Bool {
        options.contains { $0 == flag || ($0.hasPrefix(flag + "=") && $0 != flag + "=false") }
    }

    public func hasAny(_ flags: [String]) -> Bool { flags.contains { has($0) } }

    /// Like `has`, but only an argument in a flag's own position counts, not one a value flag
    /// takes as its value (`--title --help=x` sets a title; gh's flag library takes the next
    /// argument whatever it looks like). For the flags that make a command cacheable: `has`
    /// would cache `gh issue create --title --help=x` as help text. Flags that stop caching keep
    /// `has`, which errs the safe way.
    public func hasOption(_ flag: String) -> Bool {
        let options = options  // computed: once, not once per argument
        return options.indices.contains { i in
            let a = options[i]
            return !valuePositions.contains(i) && (a == flag || (a.hasPrefix(flag + "=") && a != flag + "=false"))
        }
    }

    /// The value of `flag` (`--flag V` or `--flag=V`), the last one when repeated.
    public func value(of flag: String) -> String? {
        var found: String?
        for (i, a) in args.enumerated() {
            if a == flag, i + 1 < args.count { found = args[i + 1] }
            else if a.hasPrefix(flag + "=") { found = String(a.dropFirst(flag.count + 1)) }
        }
        return found
    }
}
