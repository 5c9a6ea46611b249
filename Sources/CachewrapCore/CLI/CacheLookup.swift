/// Looking a key up and replaying what was found: the hit path, kept small on purpose.
struct CacheLookup {
    let cid: String
    /// What the answer depends on: an answer older than a mutation of it is never replayed.
    let scope: Scope
    /// `--ttl` / `CACHEWRAP_TTL`: when given, an entry older than this is expired for this call.
    let requestedTTL: Int64?
    let tool: String
    /// Told of every replay of a wrapped call; nil for `ls` and `explain`, which only look.
    var reporter: CallReporter? = nil

    enum Found {
        case fresh(CachedResult)
        case expired(CachedResult)
        /// Its run started before a mutation of its scope ended: it may show what the mutation
        /// changed, so it is never replayed, not even as a stale answer or with --offline.
        case superseded(CachedResult)
        /// There, but it failed its checks: never replayed; dropped and counted by the caller.
        case damaged(AnswerCheck.Damage)
        case missing
    }

    /// The one answer to "is there a fresh entry": the hit path, `explain`, `ls` and `show` all
    /// ask here, so they cannot disagree. The hot file alone (no database) and the scope's marks:
    /// every entry saved has a hot file, removed with it, so an entry whose hot file could not be
    /// written is only a lost hit.
    func find(cache: String) -> Found {
        switch HotFile.read(cache: cache, cid: cid) {
        case .missing: return .missing
        case .damaged(let damage): return .damaged(damage)
        case .found(let cached):
            guard ScopeMarks(cache: cache).allows(scope, startedMs: cached.createdMs) else { return .superseded(cached) }
            return classify(cached)
        }
    }

    private func classify(_ cached: CachedResult) -> Found {
        let now = Clock.nowMs()
        let fresh = requestedTTL.map { now < Clock.expiry(createdMs: cached.createdMs, ttlSeconds: $0) } ?? (now < cached.expiresMs)
        return fresh ? .fresh(cached) : .expired(cached)
    }

    /// Which answer a replay gives: a fresh one, here or from the team cache, or an expired one
    /// that `--offline` accepts (a stale hit: told, logged and counted as one).
    enum Source {
        case fresh, team, expiredOffline
    }

    /// Writes the recorded output, then logs the hit (an append, not a database write: see
    /// `HitLog`) and reports the call. nil when the answer failed its checks before a byte was
    /// written: the caller then runs the tool. A failed write to the user ends the call (see
    /// `WriteFailure`).
    func replay(_ cached: CachedResult, cache: String, from source: Source = .fresh) -> Int32? {
        if source == .expiredOffline {
            Console.notice("--offline: replaying an expired result from \(Duration.format(seconds: (Clock.nowMs() - cached.createdMs) / 1000)) ago")
        }
        let outcome = Replay.write(cached)
        if case .damaged(let damage) = outcome {
            dropDamaged(damage, cache: cache)
            return nil
        }
        if HitLog.append(directory: cache, cid: cid, tool: tool, durationMs: cached.durationMs, stale: source == .expiredOffline) {
            // Rare (once per ~10,000 hits), and after the answer is out: fold the log now.
            try? Store().foldHitLog()
        }
        let failure = outcome.failure
        reporter?.report(source == .expiredOffline ? .stale : .hit) { call in
            call.cid = cid
            call.ageMs = max(0, Clock.nowMs() - cached.createdMs)
            call.durationMs = cached.durationMs
            call.savedMs = cached.durationMs
            call.bytes = cached.outputBytes
            call.exit = failure?.status ?? cached.exitCode
            call.detail = source == .team ? "team cache" : source == .expiredOffline ? "--offline: replayed an expired answer" : nil
        }
        return failure?.end() ?? cached.exitCode
    }

    /// A damaged answer: one warning, and its hot file goes at once so no other call reads it;
    /// the miss that follows drops its row and counts it (`CachedRun.execute`).
    func dropDamaged(_ damage: AnswerCheck.Damage, cache: String) {
        Console.warn("the cached answer of this \(tool) call is damaged (\(damage.message)): dropped it, running \(tool)")
        HotFile.remove(cache: cache, cid: cid)
    }
}
