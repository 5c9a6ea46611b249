/// An option of a tool that parses its command line with Rust's clap (codex), in every spelling
/// clap accepts: `--sandbox V`, `--sandbox=V`, `-s V`, `-s=V` and `-sV`. `ArgvShape.has` knows
/// the long forms and `-s` alone; an attached short value (`-oFILE`, `-Cdir`) must not slip past
/// a rule that stops caching, nor an attached image past the key.
struct ClapOption: Sendable {
    let short: String?
    let long: String
    /// Takes every word up to the next option (`-i a.png b.png`), as clap's `num_args = 1..` does.
    var greedy = false

    init(_ short: String?, _ long: String, greedy: Bool = false) {
        self.short = short
        self.long = long
        self.greedy = greedy
    }

    /// How one argument spells the option: alone (its value follows) or with its value attached.
    private enum Spelling { case alone, attached(String) }

    private func spelling(_ arg: String) -> Spelling? {
        if arg == long || arg == short { return .alone }
        if arg.hasPrefix(long + "=") { return .attached(String(arg.dropFirst(long.count + 1))) }
        // A single dash and the short name: every other character is its value, after an optional `=`.
        guard let short, arg.hasPrefix(short), !arg.hasPrefix("--") else { return nil }
        let rest = arg.dropFirst(short.count)
        return .attached(String(rest.hasPrefix("=") ? rest.dropFirst() : rest))
    }

    /// Whether the option is given, in any spelling, before any `--`.
    func isGiven(in args: [String]) -> Bool {
        args.prefix { $0 != "--" }.contains { spelling($0) != nil }
    }

    /// Every value given, in order, before any `--`.
    func values(in args: [String]) -> [String] {
        let options = Array(args.prefix { $0 != "--" })
        var values: [String] = []
        var i = 0
        while i < options.count {
            guard let spelled = spelling(options[i]) else { i += 1; continue }
            i += 1
            if case .attached(let value) = spelled {
                values.append(value)
            } else if i < options.count {
                values.append(options[i])
                i += 1
            }
            while greedy, i < options.count, !options[i].hasPrefix("-") {
                values.append(options[i])
                i += 1
            }
        }
        return values
    }
}
