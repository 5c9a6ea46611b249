/// `cachewrap show CID-PREFIX [--stdout|--stderr|--json]`: one entry, or its raw output bytes.
enum ShowCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "show", flags: ["--stdout", "--stderr", "--json"],
                                          maxPositionals: 1)
        guard let prefix = parsed.positionals.first else { throw .usage(HelpText.command("show")?.usage ?? "") }
        guard parsed.flags.count <= 1 else { throw .usage("cachewrap show: choose one of --stdout, --stderr, --json") }
        let store = try openStoreForReading()
        let entry = try store.entry(prefix: prefix)
        let transcript = Transcript(frames: try store.frames(cid: entry.cid)) ?? Transcript()
        if parsed.has("--stdout") || parsed.has("--stderr") {
            FileIO.writeAll(1, transcript.stream(parsed.has("--stdout") ? 1 : 2))
            return 0
        }
        let now = Clock.nowMs()
        let state = ListCommand.State.of(entry, cache: store.location.directory)
        if parsed.has("--json") {
            guard case .object(var doc) = ListCommand.json(entry, state: state, now: now) else { return 0 }
            for (name, stream) in [("stdout", UInt8(1)), ("stderr", UInt8(2))] {
                let bytes = transcript.stream(stream)
                let text = String(decoding: bytes, as: UTF8.self)
                doc[name] = Array(text.utf8) == bytes ? .string(text) : .object(["hex": .string(Hex.encode(bytes))])
            }
            Console.output(JSONValue.object(doc).canonicalText + "\n")
            return 0
        }
        let left = state == .fresh ? "fresh for \(Duration.format(seconds: (entry.expiresMs - now) / 1000))" : state.summary
        Console.output("""
            cid:       \(entry.cid)
            command:   \(entry.display)
            tool:      \(entry.tool) (\(entry.operation))
            scope:     \(entry.scope.description)
            age:       \(Duration.format(seconds: (now - entry.createdMs) / 1000)), \(left)
            exit code: \(entry.exitCode)
            output:    \(ByteSize.format(entry.stdoutBytes)) stdout, \(ByteSize.format(entry.stderrBytes)) stderr
            hits:      \(entry.hits) (original run took \(entry.durationMs) ms)

            """)
        return 0
    }
}
