/// `cachewrap bench-populate N [--tool T]`: fills the store with N synthetic entries through the
/// store's own insert path (the same statements a miss runs, batched 10,000 to a transaction),
/// so `bench/run.sh` can measure hit latency at 1,000,000 entries without a million tool runs.
/// A maintainer's command: listed in the man page, not in `--help`.
enum BenchPopulateCommand {
    static let batch = 10_000

    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "bench-populate", valued: ["--tool"], maxPositionals: 1)
        guard let text = parsed.positionals.first, let count = Int(text), count > 0 else {
            throw .usage("usage: cachewrap bench-populate N [--tool T]")
        }
        let tool = parsed.values["--tool"] ?? "bench"
        let store = try openStoreForCommand()
        let now = Clock.nowMs()
        var done = 0
        while done < count {
            let end = min(count, done + batch)
            try store.populate(from: done, to: end, tool: tool, now: now)
            done = end
        }
        Console.notice("bench-populate: \(count) entries for '\(tool)'")
        return 0
    }
}

extension Store {
    /// Inserts synthetic entries `from..<to` in one transaction: distinct CIDs and outputs.
    func populate(from: Int, to: Int, tool: String, now: Int64) throws(CachewrapError) {
        try wrap { () throws(SQLiteDatabase.Failure) in
            try db.transaction { () throws(SQLiteDatabase.Failure) in
                for i in from..<to {
                    var transcript = Transcript()
                    transcript.append(stream: 1, Array("bench output \(i)\n".utf8))
                    let info = EntryInfo(cid: CID.of(Array("bench-\(tool)-\(i)".utf8)), tool: tool, operation: "bench",
                                         display: "bench \(i)", scope: .tool("bench"), createdMs: now, expiresMs: now + 86_400_000,
                                         exitCode: 0, durationMs: 1, stdoutBytes: Int64(transcript.stdoutCount),
                                         stderrBytes: 0)
                    try insert(info, hash: SHA256.hash(transcript.bytes), check: AnswerCheck.content(transcript.bytes),
                               transcript: transcript, spill: nil)
                }
            }
        }
    }
}
