/// `cachewrap bench-populate N [--tool T]`: fills the store with N synthetic entries through
/// `Store.save`, the path a miss takes (rows, hot files, and a blob file for each large output),
/// batched 10,000 to a transaction, so `bench/run.sh` measures a hit beside a million real
/// entries without a million tool runs.
/// A maintainer's command for the benchmark, not listed in `--help`.
enum BenchPopulateCommand {
    static let batch = 10_000
    /// One entry in this many has an output past the in-memory limit, spilled to a file as the
    /// tool ran and stored as a blob: large outputs are few, but they hold most of the bytes
    /// (100 of 1,000,000 entries make 400 MiB), as in a real cache.
    static let blobEvery = 10_000

    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "bench-populate", valued: ["--tool"], maxPositionals: 1)
        guard let text = parsed.positionals.first, let count = Int(text), count > 0 else {
            throw .usage("usage: cachewrap bench-populate N [--tool T]")
        }
        let tool = parsed.values["--tool"] ?? "bench"
        let store = try openStoreForCommand()
        try store.allowLargePageCache()
        let now = Clock.nowMs()
        for start in stride(from: 0, to: count, by: batch) {
            let entries = try (start..<min(count, start + batch)).map { i throws(CachewrapError) in
                // A distinct last use per entry, oldest first, so eviction has an order to follow.
                try store.benchEntry(i, tool: tool, createdMs: now - Int64(count - i))
            }
            try store.save(entries)
        }
        Console.notice("bench-populate: \(count) entries for '\(tool)'")
        return 0
    }
}

extension Store {
    /// A 256 MiB page cache for this connection: a batch's inserts land at random places in the
    /// CID-ordered tables, and SQLite's default 2 MiB made every one read and spill pages (nine
    /// preads and nine pwrites an entry). A miss touches a few pages and needs none of this.
    func allowLargePageCache() throws(CachewrapError) {
        try wrap { () throws(SQLiteDatabase.Failure) in try db.execute("PRAGMA cache_size=-262144") }
    }

    /// Synthetic entry `i` of `tool`: its own CID and output, alive for a day.
    func benchEntry(_ i: Int, tool: String, createdMs: Int64) throws(CachewrapError) -> NewEntry {
        var transcript = Transcript()
        transcript.append(stream: 1, Array("bench output \(i)\n".utf8))
        var spill: SpillFile?
        if i % BenchPopulateCommand.blobEvery == BenchPopulateCommand.blobEvery - 1 {
            spill = try benchSpill(head: transcript)
        }
        let info = EntryInfo(cid: CID.of(Array("bench-\(tool)-\(i)".utf8)), tool: tool, operation: "bench",
                             display: "bench \(i)", scope: .tool("bench"), createdMs: createdMs,
                             expiresMs: createdMs + 86_400_000, exitCode: 0, durationMs: 1,
                             stdoutBytes: Int64(spill?.stdoutCount ?? transcript.stdoutCount), stderrBytes: 0)
        return NewEntry(info: info, transcript: spill == nil ? transcript : Transcript(), spill: spill)
    }

    /// A recording just past `OutputPump.memoryLimit`, written to a spill file as the pump writes
    /// one: the in-memory head (which makes it distinct), then 1 MiB frames.
    private func benchSpill(head: Transcript) throws(CachewrapError) -> SpillFile {
        let chunk = [UInt8](repeating: 0x2e, count: 1 << 20)
        guard let file = SpillFile.create(in: location.directory),
              file.appendFrames(head.bytes, stdout: head.stdoutCount, stderr: 0),
              (0..<(OutputPump.memoryLimit >> 20)).allSatisfy({ _ in chunk.withUnsafeBytes { file.append(stream: 1, $0) } })
        else { throw .storeUnavailable("bench-populate: cannot write a spill file in \(location.directory)") }
        return file
    }
}
