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
        /// The store failed mid-lookup (already warned): run without it.
        case unavailable
    }

    func find(in store: Store) -> Found {
        do {
            guard let cached = try store.lookup(key.cid), Replay.isWellFormed(cached.frames) else { return .missing }
            let now = Clock.nowMs()
            let fresh = requestedTTL.map { now < cached.createdMs + $0 * 1000 } ?? (now < cached.expiresMs)
            return fresh ? .fresh(cached) : .expired(cached)
        } catch {
            Console.warn("\(error.message); running \(tool) without the cache")
            return .unavailable
        }
    }

    /// Writes the recorded output, then counts the hit: the write to the store comes after the
    /// user already has the answer.
    func replay(_ cached: CachedResult, from store: Store, note: String? = nil) -> Int32 {
        if let note {
            Console.notice("\(note) from \(Duration.format(seconds: (Clock.nowMs() - cached.createdMs) / 1000)) ago")
        }
        Replay.write(cached.frames)
        var counting: [Counter: Int64] = [.hits: 1, .callsSaved: 1, .timeSavedMs: cached.durationMs]
        if note != nil { counting[.staleServed] = 1 }
        do {
            try store.recordHit(key.cid, tool: tool, counting: counting)
        } catch {
            Console.warn("could not update the hit counters: \(error.message)")
        }
        return cached.exitCode
    }
}
