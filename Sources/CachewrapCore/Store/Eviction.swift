import Glibc

/// `gc --max-size`: least-recently-used entries go until the distinct outputs fit, each counted
/// by the bytes it takes (a packed one's `stored_size`, see `PackedFrames`).
///
/// The store is walked from its least recently used end (`entries_by_use`, ties by CID) in
/// batches, one transaction each, so memory stays bounded by a batch whatever the store's size,
/// and a miss waiting for the write lock waits for one batch, not for the whole eviction.
/// Outputs are content-addressed and may be shared: an output's bytes come free only with its
/// last entry in that order, which the batch's query says of each row, so a batch stops at the
/// exact entry that makes the store fit (the same entries as evicting one at a time).
extension Store {
    /// Entries per transaction. Each commit checkpoints the pages the batch rewrote, and with
    /// CIDs spread at random over the pages a small batch rewrites nearly as many as a large one:
    /// evicting half of 1,000,000 entries took 39 s in batches of 10,000, 23 s of 50,000, 19 s
    /// of 100,000 (database alone, rows deleted one statement each; one statement per batch
    /// then made it 15 s). A batch's CIDs take 6 MB (`PackedNames`); a miss waits for one batch
    /// at most (about 3 s at that size, under SQLite's 5 s busy timeout).
    static let evictionBatch = 100_000
    /// Hot files handed to one `FileRemoval` while a batch is scanned.
    static let unlinkChunk = 20_000

    /// Evicts least-recently-used entries until the outputs fit in `maxBytes`; returns how many.
    public func evict(toFit maxBytes: Int64) throws(CachewrapError) -> Int {
        try evict(toFit: maxBytes, batch: Self.evictionBatch, unlinkChunk: Self.unlinkChunk)
    }

    /// The same, `batch` entries at most per transaction (tests make batches and chunks small).
    /// The total is read once: outputs that other processes add meanwhile are not counted,
    /// which the next `gc` settles.
    func evict(toFit maxBytes: Int64, batch: Int, unlinkChunk: Int = Store.unlinkChunk) throws(CachewrapError) -> Int {
        try wrap { () throws(SQLiteDatabase.Failure) in
            var excess = try db.scalar("SELECT COALESCE(SUM(COALESCE(stored_size, size)), 0) FROM outputs") - maxBytes
            var evicted = 0
            while excess > 0 {
                let (entries, freed) = try db.transaction { () throws(SQLiteDatabase.Failure) in
                    try evictBatch(freeing: excess, limit: batch, unlinkChunk: unlinkChunk)
                }
                guard entries > 0 else { break }
                evicted += entries
                excess -= freed
            }
            return evicted
        }
    }

    /// Evicts from the least recently used end, at most `limit` entries, stopping at the one
    /// whose output frees the `bytes` still wanted; returns the entries and bytes it removed.
    /// Hot files go before the rows, inside the transaction (see `HotFile`): were the process
    /// to die before the commit, only cache is lost, and no hot file outlives its entry.
    private func evictBatch(freeing bytes: Int64, limit: Int, unlinkChunk: Int) throws(SQLiteDatabase.Failure) -> (Int, Int64) {
        // `last`: no other entry of the same output comes later in the order, so removing this
        // one (and, before it, every earlier one) frees the output.
        let scan = try db.prepare("""
            SELECT e.cid, e.tool, e.output_id, COALESCE(o.stored_size, o.size), o.frames IS NULL, o.hash,
                   NOT EXISTS (SELECT 1 FROM entries r WHERE r.output_id = e.output_id AND r.cid <> e.cid
                               AND (r.last_used_ms, r.cid) > (e.last_used_ms, e.cid)) AS last, e.last_used_ms
            FROM entries e INDEXED BY entries_by_use JOIN outputs o ON o.id = e.output_id
            ORDER BY e.last_used_ms, e.cid LIMIT ?
            """)
        try scan.bind(.int(Int64(limit)))
        var chunk = PackedNames(), perTool: [String: Int64] = [:]
        var outputs: [Int64] = [], blobs: [String] = []
        var freed: Int64 = 0, lastUsed: Int64 = 0, lastCID = "", count = 0
        // Hot files are unlinked a chunk at a time while the scan goes on, so the file system's
        // waits overlap the scan as well as the delete; all are done before the commit.
        var unlinking: [FileRemoval] = []
        defer { for removal in unlinking { removal.wait() } }
        let hot = HotFile.directory(location.directory)
        while freed < bytes, try scan.step() {
            lastCID = scan.text(0)
            chunk.append(lastCID)
            count += 1
            lastUsed = scan.int(7)
            perTool[scan.text(1), default: 0] += 1
            if chunk.count == unlinkChunk {
                unlinking.append(FileRemoval(directory: hot, names: chunk))
                chunk = PackedNames()
            }
            guard scan.int(6) == 1 else { continue }
            outputs.append(scan.int(2))
            freed += scan.int(3)
            if scan.int(4) == 1 { blobs.append(blobPath(scan.blob(5))) }
        }
        guard count > 0 else { return (0, 0) }
        unlinking.append(FileRemoval(directory: hot, names: chunk))
        // One statement for the batch: the victims are exactly the rows up to the last one in LRU
        // order (the write lock is held since the scan), and SQLite deletes them in CID order.
        try db.prepare("""
            DELETE FROM entries WHERE cid IN
                (SELECT cid FROM entries INDEXED BY entries_by_use WHERE (last_used_ms, cid) <= (?, ?))
            """).bind(.int(lastUsed), .text(lastCID)).run()
        let deleteOutput = try db.prepare("DELETE FROM outputs WHERE id = ?")
        for id in outputs { try deleteOutput.bind(.int(id)).run() }
        for (tool, n) in perTool { try addCounters(tool: tool, [.evictions: n]) }
        // A blob whose removal fails is only space: `gc` sweeps files no row names.
        for path in blobs { unlink(path) }
        for removal in unlinking { removal.wait() }
        return (count, freed)
    }
}
