/// `cachewrap rm CID-PREFIX... | --tool T [--op OP] | --expired`.
enum RemoveCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "rm", flags: ["--expired"], valued: ["--tool", "--op"],
                                          maxPositionals: Int.max)
        let store = try openStoreForCommand()
        let removed: Int
        switch (parsed.positionals.isEmpty, parsed.values["--tool"], parsed.has("--expired")) {
        case (false, nil, false):
            removed = try store.remove(cids: parsed.positionals.map { prefix throws(CachewrapError) in
                try store.entry(prefix: prefix).cid
            })
        case (true, let tool?, false):
            removed = try store.remove(tool: tool, operation: parsed.values["--op"])
        case (true, nil, true) where parsed.values["--op"] == nil:
            removed = try store.removeExpired()
        default:
            throw .usage(HelpText.command("rm")?.usage ?? "")
        }
        Console.notice("removed \(removed) \(removed == 1 ? "entry" : "entries")")
        return 0
    }
}

/// `cachewrap clear`: every entry goes; counters stay.
enum ClearCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        _ = try CommandArguments(args, command: "clear")
        let store = try openStoreForCommand()
        let count = try store.size().entries
        try store.clear()
        Console.notice("removed \(count) \(count == 1 ? "entry" : "entries")")
        return 0
    }
}

/// `cachewrap gc [--max-size SIZE]`: drops entries expired longer than the stale-if-error
/// window, then evicts least-recently-used entries until the store fits; hourly counters past
/// their retention go too (Store/HourlyCounters.swift).
enum GCCommand {
    static let defaultMaxBytes: Int64 = 1 << 30
    static let keepExpiredMs = Plan.defaultStaleIfErrorSeconds * 1000

    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "gc", valued: ["--max-size"])
        var maxBytes = defaultMaxBytes
        if let text = parsed.values["--max-size"] { maxBytes = try UserNumbers.storeSize.parse(text, name: "gc --max-size") }
        let store = try openStoreForCommand()
        let expired = try store.removeExpired(before: Clock.nowMs() - keepExpiredMs)
        let evicted = try store.evict(toFit: maxBytes)
        try store.pruneHourly()
        let strays = try store.sweepFiles()
        let size = try store.size()
        Console.notice("gc: removed \(expired) expired, evicted \(evicted), \(strays) stray files; \(size.entries) entries, \(ByteSize.format(size.bytes))")
        return 0
    }
}
