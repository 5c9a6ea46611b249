/// The small option grammar every management command shares: `--flag`, `--name VALUE`
/// (or `--name=VALUE`), and positional words; anything else is a usage error (exit 64).
struct CommandArguments {
    var flags: Set<String> = []
    var values: [String: String] = [:]
    var positionals: [String] = []

    /// `flags` are the boolean options allowed, `valued` those that take a value.
    init(_ args: [Argument], command: String, flags allowedFlags: Set<String> = [], valued: Set<String> = [],
         maxPositionals: Int = 0) throws(CachewrapError) {
        var i = 0
        while i < args.count {
            let arg = args[i].text
            if arg.hasPrefix("--") && arg.count > 2 {
                let parts = arg.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                if allowedFlags.contains(parts[0]) && parts.count == 1 {
                    flags.insert(parts[0])
                } else if valued.contains(parts[0]) {
                    if parts.count == 2 {
                        values[parts[0]] = parts[1]
                    } else {
                        i += 1
                        guard i < args.count else { throw .missingValue(parts[0]) }
                        values[parts[0]] = args[i].text
                    }
                } else {
                    throw .unknownOption("\(command) \(arg)")
                }
            } else {
                positionals.append(arg)
            }
            i += 1
        }
        guard positionals.count <= maxPositionals else {
            throw .usage("'cachewrap \(command)' takes no argument '\(positionals[maxPositionals])'")
        }
    }

    func has(_ flag: String) -> Bool { flags.contains(flag) }
}

/// Opens the store for a management command, with every logged hit folded in so counts are
/// current; unlike the wrap path, a broken store is an error here.
func openStoreForCommand() throws(CachewrapError) -> Store {
    let store = try Store()
    try store.foldHitLog()
    return store
}

/// Opens the store for a command that only reads it (`ls`, `stats`, `show`): a cache this user
/// can write gets its logged hits folded in first, so counts are current; any other (not made
/// yet, another user's, a read-only mount) is read as it is, and nothing is created.
func openStoreForReading() throws(CachewrapError) -> Store {
    let location = CacheLocation.fromEnvironment()
    return Store.canWrite(location) ? try openStoreForCommand() : try Store.forReading(location)
}
