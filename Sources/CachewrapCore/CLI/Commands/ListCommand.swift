/// `cachewrap ls [--tool T] [--json]`: the entries, newest first.
enum ListCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "ls", flags: ["--json"], valued: ["--tool"])
        let entries = try openStoreForReading().list(tool: parsed.values["--tool"])
        let now = Clock.nowMs()
        if parsed.has("--json") {
            Console.output(JSONValue.array(entries.map { json($0, now: now) }).canonicalText + "\n")
            return 0
        }
        var lines = [row(["CID", "TOOL", "OPERATION", "AGE", "TTL LEFT", "SIZE", "HITS", "COMMAND"])]
        for e in entries {
            let left = e.isFresh(at: now) ? Duration.format(seconds: (e.expiresMs - now) / 1000) : "expired"
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

    static func json(_ e: EntryInfo, now: Int64) -> JSONValue {
        .object([
            "cid": .string(e.cid), "tool": .string(e.tool), "operation": .string(e.operation),
            "command": .string(e.display), "age_seconds": .int((now - e.createdMs) / 1000),
            "ttl_left_seconds": .int(max(0, (e.expiresMs - now) / 1000)), "fresh": .bool(e.isFresh(at: now)),
            "exit_code": .int(Int64(e.exitCode)), "stdout_bytes": .int(e.stdoutBytes),
            "stderr_bytes": .int(e.stderrBytes), "hits": .int(e.hits), "duration_ms": .int(e.durationMs),
        ])
    }
}
