/// How docker's flag library (pflag, under cobra) reads the flags the docker rules ask about:
/// shorthands cluster (`-itd`, `-dit`), a boolean takes `=VALUE` (`--tty=false`, `-t=false`),
/// and `run`, `create` and `exec` stop reading their own flags at their first argument (the
/// image, the container): what follows belongs to the command run in the container.
///
/// Each rule reads in the direction that errs safe: the flags that make a command interactive
/// (`-i`, `-t`) count anywhere, even where they may be a value's or the container's; the ones
/// that make it less so (`-d`) count only before the first argument, outside values.
enum DockerFlags {
    /// Go's spellings of false (strconv.ParseBool): `--tty=0` is no tty.
    static let falseValues: Set<Substring> = ["0", "f", "F", "false", "FALSE", "False"]

    /// Whether one of `args` sets the boolean `--long` or `-short`. A cluster is read letter by
    /// letter while each is one of `booleans`; any other letter takes the rest of the argument as
    /// its value (`-eFOO=it` sets no `-i`), and `=VALUE` after a letter is that letter's value.
    static func sets(_ args: some Sequence<String>, _ long: String, _ short: Character?,
                     booleans: Set<Character> = []) -> Bool {
        args.contains { arg in
            if arg.hasPrefix("--") {
                let name = arg.dropFirst(2).prefix { $0 != "=" }
                let value = arg.dropFirst(2 + name.count)
                return name == long && (value.isEmpty || !falseValues.contains(value.dropFirst()))
            }
            guard let short, arg.hasPrefix("-") else { return false }
            var rest = arg.dropFirst()
            while let letter = rest.first {
                rest = rest.dropFirst()
                if rest.hasPrefix("=") { return letter == short && !falseValues.contains(rest.dropFirst()) }
                if letter == short { return true }
                guard booleans.contains(letter) else { return false }
            }
            return false
        }
    }

    /// The flags before the command's first argument, values of value flags left out: for
    /// `docker run --rm -d alpine ls -d`, `--rm -d`.
    static func leading(_ shape: ArgvShape) -> [String] {
        var words = 0
        var flags: [String] = []
        for (i, arg) in shape.args.enumerated() where !shape.valuePositions.contains(i) {
            if arg == "--" { break }
            if arg.hasPrefix("-") && arg != "-" {
                flags.append(arg)
            } else {
                words += 1
                if words > shape.operationDepth { break }
            }
        }
        return flags
    }

    /// Shorthands that are booleans for `run`, `create` and `exec` (the others take a value).
    static let runBooleans: Set<Character> = ["d", "i", "t", "P", "q"]

    /// `run`, `exec`: `-i` or `-t` attach the terminal, unless `-d` detaches the container.
    static func attachesTerminal(_ shape: ArgvShape) -> Bool {
        let terminal = sets(shape.options, "interactive", "i", booleans: runBooleans)
            || sets(shape.options, "tty", "t", booleans: runBooleans)
        return terminal && !detached(shape)
    }

    /// `-d`/`--detach` before the first argument: compose's `run` and `exec` take it too.
    static func detached(_ shape: ArgvShape) -> Bool {
        sets(leading(shape), "detach", "d", booleans: runBooleans.union(["T"]))
    }

    /// `start -a` / `-i`: attaches the container's output (and input) to the terminal.
    static func attachesToStart(_ shape: ArgvShape) -> Bool {
        let booleans: Set<Character> = ["a", "i"]
        return sets(shape.options, "attach", "a", booleans: booleans) || sets(shape.options, "interactive", "i", booleans: booleans)
    }

    /// `logs -f`, `-tf`, `--follow`.
    static func follows(_ shape: ArgvShape) -> Bool { sets(shape.options, "follow", "f", booleans: ["f", "t"]) }

    /// Help for a command: `docker help ...`, `docker --help`, or a command word (or two) followed
    /// by nothing but `--help` (`-h`, but for `run` and `create`, where it is `--hostname`). Not
    /// `--help` after other flags: the one before it may take it as its value (`--name --help`)
    /// and then the command runs, so a mutation would be answered as help text.
    static func asksHelp(_ shape: ArgvShape) -> Bool {
        if shape.words.first == "help" { return true }
        let hostname = ["run", "create", "container run", "container create"].contains(shape.operation)
        let help = hostname ? ["--help"] : ["--help", "-h"]
        guard shape.operationDepth > 0 else {
            return shape.args.last.map(help.contains) == true && !shape.valuePositions.contains(shape.args.count - 1)
        }
        var words = 0
        for (i, arg) in shape.args.enumerated() where !shape.valuePositions.contains(i) && !arg.hasPrefix("-") {
            words += 1
            if words == shape.operationDepth { return shape.args.count == i + 2 && help.contains(shape.args[i + 1]) }
        }
        return false
    }
}
