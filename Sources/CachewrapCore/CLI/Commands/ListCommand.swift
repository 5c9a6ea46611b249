/// `cachewrap ls [--tool T] [--json]`: the entries, newest first.
enum ListCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "ls", flags: ["--json"], valued: ["--tool"])
        let store = try openStoreForReading()
        let entries = try store.list(tool: parsed.values["--tool"])
        let now = Clock.nowMs(), cache = store.location.directory
        if parsed.has("--json") {
            Console.output(JSONValue.array(entries.map { json($0, state: State.of($0, cache: cache), now: now) }).canonicalText + "\n")
            return 0
        }
        var lines = [row(["CID", "TOOL", "OPERATION", "AGE", "TTL LEFT", "SIZE", "HITS", "COMMAND"])]
        for e in entries {
            let state = State.of(e, cache: cache)
            let left = state == .fresh ? Duration.format(seconds: (e.expiresMs - now) / 1000) : state.rawValue
            lines.append(row([String(e.cid.prefix(16)), e.tool, e.operation,
                              Duration.format(seconds: (now - e.createdMs) / 1000), left,
                              ByteSize.format(e.size), "\(e.hits)", e.display]))
        }
        Console.output(lines.joined(separator: "\n") + "\n")
        return 0
    }

    private static func row(_ cells: [String]) -> String {
        let widths = [16, 8, 14, 6, 9, 10, 5]
        return cells.enumerated().map { i, cell in
            i < widths.count ? TextColumns.pad(cell, widths[i]) : cell
        }.joined(separator: "  ")
    }

    /// Whether a call would replay the entry now, as the call itself finds out
    /// (`CacheLookup.find`: hot file, checks, scope marks, expiry), so `ls`, `show`, `explain` and
    /// the hit path cannot disagree.
    enum State: String {
        case fresh, expired
        /// Made before a mutation of its scope: never replayed.
        case changed
        case damaged
        /// The row is there but its hot file is not: the next call runs the tool.
        case missing

        /// What `show` says of an entry a call would not replay.
        var summary: String {
            switch self {
            case .fresh: "fresh"
            case .expired: "expired"
            case .changed: "made before a change to its scope: the next call runs the tool"
            case .damaged: "damaged: the next call drops it and runs the tool"
            case .missing: "its hot file is missing: the next call runs the tool"
            }
        }

        static func of(_ e: EntryInfo, cache: String) -> State {
            // `CACHEWRAP_TTL` too: a call made here now would honour it.
            let lookup = CacheLookup(cid: e.cid, scope: e.scope, requestedTTL: CachedRun.environmentTTL(), tool: e.tool)
            return switch lookup.find(cache: cache) {
            case .fresh: .fresh
            case .expired: .expired
            case .superseded: .changed
            case .damaged: .damaged
            case .missing: .missing
            }
        }
    }

    static func json(_ e: EntryInfo, state: State, now: Int64) -> JSONValue {
        .object([
            "cid": .string(e.cid), "tool": .string(e.tool), "operation": .string(e.operation),
            "command": .string(e.display), "age_seconds": .int((now - e.createdMs) / 1000),
            "ttl_left_seconds": .int(max(0, (e.expiresMs - now) / 1000)), "fresh": .bool(state == .fresh),
            "state": .string(state.rawValue), "scope": .string(e.scope.description),
            "exit_code": .int(Int64(e.exitCode)), "stdout_bytes": .int(e.stdoutBytes),
            "stderr_bytes": .int(e.stderrBytes), "hits": .int(e.hits), "duration_ms": .int(e.durationMs),
        ])
    }
}
