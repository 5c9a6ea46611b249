/// Where one call's answer may be kept, nearest first: this machine's store (the entry's hot
/// file and scope marks for the hit path, the database for everything else) and the team cache
/// (docs/architecture.md: Store, Team cache). The run path asks and tells through here
/// alone: `local` and `team` to look up, `keep` to store a run (locally, then written behind to
/// the team cache), `drop` for an answer that must go. Every tier problem degrades to running
/// the tool (fail open).
struct Tiers {
    let lookup: CacheLookup
    let store: LazyStore
    /// The team cache, when one is configured and not `off`.
    let remote: RemoteCache?
    let tool: String

    var cache: String { store.location.directory }

    /// The local answer: the hot file and its scope's marks (`CacheLookup.find`), no database.
    func local() -> CacheLookup.Found { lookup.find(cache: cache) }

    /// Drops an answer that must never be replayed (damaged, superseded) and counts `counting`:
    /// its hot file now, so no other call reads it, its row once the database is open.
    func drop(_ counting: [Counter: Int64]) {
        HotFile.remove(cache: cache, cid: lookup.cid)
        forgetRow()
        count(counting)
    }

    /// Removes the entry's row (its hot file is gone already): after a miss whose found answer
    /// was dropped, the run's own counters carry the count.
    func forgetRow() { _ = try? store.get()?.remove(cids: [lookup.cid]) }

    /// Adds to the tool's counters; a failure is only a lost count.
    func count(_ counting: [Counter: Int64], in opened: Store? = nil) {
        guard !counting.isEmpty, let target = opened ?? store.get() else { return }
        do { try target.count(tool: tool, counting) } catch { Console.warn("could not update counters: \(error.message)") }
    }

    /// What the team cache said before a run: an answer replayed, or the marks of the call's
    /// scope as they were before the tool starts (nil when unknown: then nothing is written back,
    /// since a value without them could outlive a mutation elsewhere).
    enum TeamAnswer {
        case replayed(Int32)
        case run(marks: [Int64]?)
    }

    /// After a local miss, under the flight lock: asks the team cache for the key and its
    /// scope's marks in one round trip (only the marks when `wantsValue` is false: a refresh
    /// runs the tool anyway). A verified answer made after the last mutation of its scope,
    /// anywhere, is stored locally with the remote's expiry and replayed.
    func team(_ entry: (CachedResult, Transcript) -> EntryInfo, wantsValue: Bool) -> TeamAnswer {
        guard let remote, let opened = store.get() else { return .run(marks: nil) }
        let answer = remote.get(lookup.cid, marks: lookup.scope.marksRead, value: wantsValue)
        guard wantsValue else { return .run(marks: answer.marks) }
        let counter: Counter
        switch answer.lookup {
        case .hit(let result, _):
            if let ttl = lookup.requestedTTL, Clock.nowMs() >= Clock.expiry(createdMs: result.createdMs, ttlSeconds: ttl) {
                counter = .remoteMisses  // older than this call's --ttl allows
            } else if !ScopeMarks(cache: cache).allows(lookup.scope, startedMs: result.createdMs) {
                counter = .remoteStale  // older than a mutation made here, whose mark may not have reached the server
            } else if let transcript = Transcript(frames: result.frames) {
                do {
                    try opened.save(entry(result, transcript), transcript: transcript, spill: nil, counting: [.remoteHits: 1],
                                    packed: PackedFrames(frames: result.frames, packed: result.packed))
                } catch {
                    Console.warn("could not store the team cache's result: \(error.message)")
                    count([.remoteHits: 1], in: opened)
                }
                // Counted as a normal hit too (HitLog). Its frames are in memory and were
                // verified on arrival, so this replay cannot find them damaged.
                return .replayed(lookup.replay(result, cache: cache, from: .team) ?? result.exitCode)
            } else {
                counter = .remoteCorrupt
            }
        case .superseded: counter = .remoteStale
        case .miss: counter = .remoteMisses
        case .corrupt: counter = .remoteCorrupt
        case .unavailable: counter = .remoteErrors
        }
        count([counter: 1], in: opened)
        return .run(marks: answer.marks)
    }

    /// Stores a successful run: its row, output and hot file in one transaction with `counting`,
    /// then (mode rw, with the scope's marks read before the run) queued for the team cache in
    /// the outbox, a local file, and sent by a detached flusher, so nobody waits for the network.
    /// False when it could not be stored here (said in a warning). The output is packed once,
    /// for both.
    @discardableResult
    func keep(_ info: EntryInfo, _ outcome: RunOutcome, counting: [Counter: Int64], marks: [Int64]?) -> Bool {
        guard let opened = store.get() else { return false }
        let packed = outcome.spill == nil ? PackedFrames(outcome.transcript.bytes) : nil
        do {
            try opened.save(info, transcript: outcome.transcript, spill: outcome.spill, counting: counting, packed: packed)
        } catch {
            Console.warn("could not store the result: \(error.message)")
            return false
        }
        guard outcome.spill == nil, let marks, let remote, remote.settings.mode == .rw else { return true }
        let result = CachedResult(createdMs: info.createdMs, expiresMs: info.expiresMs, exitCode: info.exitCode,
                                  durationMs: info.durationMs, frames: outcome.transcript.bytes, packed: packed?.packed)
        if remote.enqueue(info.cid, result: result, marks: marks) == .queued { RemoteTier.startFlusher() }
        return true
    }
}
