/// Looking a key up and replaying what was found: the hit path, kept small on purpose.
struct CacheLookup {
    let key: InvocationKey
    /// `--ttl` / `CACHEWRAP_TTL`: when given, an entry older than this is expired for this call.
    let requestedTTL: Int64?
    let tool: String

    enum Found {
        case fresh(CachedResult)
        case expired(CachedResult)
        case missing
    }

    /// The hot file alone (no database). Every entry saved has one, removed with it, so this is
    /// the whole lookup: an entry whose hot file could not be written is only a lost hit.
    func findHot(cache: String) -> Found {
        guard let cached = HotFile.read(cache: cache, cid: key.cid) else { return .missing }
        return classify(cached)
    }

    private func classify(_ cached: CachedResult) -> Found {
        let now = Clock.nowMs()
        let fresh = requestedTTL.map { now < Clock.expiry(createdMs: cached.createdMs, ttlSeconds: $0) } ?? (now < cached.expiresMs)
        return fresh ? .fresh(cached) : .expired(cached)
    }

    /// Writes the recorded output, then logs the hit (an append, not a database write: see
    /// `HitLog`).
    func replay(_ cached: CachedResult, cache: String, note: String? = nil) -> Int32 {
        if let note {
            Console.notice("\(note) from \(Duration.format(seconds: (Clock.nowMs() - cached.createdMs) / 1000)) ago")
        }
        Replay.write(cached)
        if HitLog.append(directory: cache, cid: key.cid, tool: tool, durationMs: cached.durationMs, stale: note != nil) {
            // Rare (once per ~10,000 hits), and after the answer is out: fold the log now.
            try? Store().foldHitLog()
        }
        return cached.exitCode
    }
}
