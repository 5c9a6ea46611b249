import Glibc

/// The team cache (L2, docs/architecture.md, Team cache) on the run path. `CachedRun` calls in two places:
/// `remoteLookup` after a local miss (under the flight lock, after the re-check), and
/// `remoteWriteBehind` after a successful save. A local hit never gets here, so it never touches
/// the network; every remote problem degrades to running without the remote (fail open).
enum RemoteTier {
    /// `CACHEWRAP_REMOTE*`, read once per process; a bad setting is warned about once and the run
    /// goes on without the remote.
    static let settings: RemoteSettings? = {
        do throws(RemoteConfigError) {
            return try RemoteSettings.fromEnvironment()
        } catch {
            Console.warn("\(error.message); running without the team cache")
            return nil
        }
    }()

    /// The process's client for the run path, made on first use (nil without a team cache or in
    /// mode `off`): a first call's salt fetch and its lookup then share one connection and AUTH.
    nonisolated(unsafe) private static var client: (directory: String, remote: RemoteCache?)?

    static func remote(cacheDirectory: String) -> RemoteCache? {
        if let client, client.directory == cacheDirectory { return client.remote }
        let remote = RemoteCache.make(settings, cacheDirectory: cacheDirectory)
        client = (cacheDirectory, remote)
        return remote
    }

    /// The flusher's least deadline per write: it runs detached, so it can afford to wait longer
    /// than a lookup; a longer `CACHEWRAP_REMOTE_TIMEOUT` (a slow link, a loaded machine) wins, or
    /// writes would time out, open the breaker and stall the outbox where lookups still succeed.
    static let flushTimeoutMs: Int64 = 2000

    /// Starts a detached `cachewrap remote-flush` (new session, stdio on /dev/null, not waited
    /// for; see `Detached`). Best effort: if it does not start, the write stays in
    /// the outbox for the next flusher. Only one flusher drains at a time (`outbox.lock`).
    static func startFlusher() {
        Detached.spawnSelf([Argument(RemoteFlushCommand.name)])
    }
}

extension CachedRun {
    /// What the team cache said before a run: an answer replayed, or the marks of this call's
    /// scope as they were before the tool starts (nil when unknown: then nothing is written back,
    /// since a value without them could outlive a mutation elsewhere).
    enum RemoteStep {
        case replayed(Int32)
        case run(marks: [Int64]?)
    }

    /// After a local miss: asks the team cache for `key` and its scope's marks in one round trip.
    /// A verified answer made after the last mutation of its scope, anywhere, is stored locally
    /// (with the remote's expiry) and replayed; otherwise the outcome is counted and the caller
    /// runs the tool. A refresh asks for the marks alone.
    func remoteLookup(_ remote: RemoteCache, key: InvocationKey, lookup: CacheLookup, store: Store, cache: String) -> RemoteStep {
        let wantsValue = !request.options.refresh && !BackgroundRefresh.isBackground
        let answer = remote.get(key.cid, marks: decision.scope.marksRead, value: wantsValue)
        guard wantsValue else { return .run(marks: answer.marks) }
        let counter: Counter
        switch answer.lookup {
        case .hit(let result, _):
            let now = Clock.nowMs()
            if let ttl = lookup.requestedTTL, now >= Clock.expiry(createdMs: result.createdMs, ttlSeconds: ttl) {
                counter = .remoteMisses  // older than this call's --ttl allows
            } else if !ScopeMarks(cache: cache).allows(decision.scope, startedMs: result.createdMs) {
                counter = .remoteStale  // older than a mutation made here, whose mark may not have reached the server
            } else if let transcript = Transcript(frames: result.frames) {
                return .replayed(storeAndReplay(result, transcript: transcript, key: key, lookup: lookup, store: store,
                                                cache: cache))
            } else {
                counter = .remoteCorrupt
            }
        case .superseded: counter = .remoteStale
        case .miss: counter = .remoteMisses
        case .corrupt: counter = .remoteCorrupt
        case .unavailable: counter = .remoteErrors
        }
        record(store, [counter: 1])
        return .run(marks: answer.marks)
    }

    private func storeAndReplay(_ result: CachedResult, transcript: Transcript, key: InvocationKey, lookup: CacheLookup,
                                store: Store, cache: String) -> Int32 {
        let info = entry(for: key, createdMs: result.createdMs, expiresMs: result.expiresMs, exitCode: result.exitCode,
                         durationMs: result.durationMs, stdoutBytes: transcript.stdoutCount,
                         stderrBytes: transcript.stderrCount)
        do {
            try store.save(info, transcript: transcript, counting: [.remoteHits: 1])
        } catch {
            Console.warn("could not store the team cache's result: \(error.message)")
            do { try store.count(tool: policy.tool, [.remoteHits: 1]) } catch {}
        }
        // Counted as a normal hit too (HitLog), like any replay. Its frames are in memory and
        // were verified on arrival, so this replay cannot find them damaged.
        return lookup.replay(result, cache: cache) ?? result.exitCode
    }

    /// After a successful save (mode rw): queues the result, stamped with the scope's marks read
    /// before the run, in the outbox (a local file, no network) and starts the detached flusher
    /// that sends it.
    func remoteWriteBehind(_ info: EntryInfo, transcript: Transcript, spilled: Bool, marks: [Int64]?, store: Store) {
        guard !spilled, let marks, let settings = RemoteTier.settings, settings.mode == .rw,
              let remote = RemoteCache.make(settings, cacheDirectory: store.location.directory) else { return }
        let result = CachedResult(createdMs: info.createdMs, expiresMs: info.expiresMs, exitCode: info.exitCode,
                                  durationMs: info.durationMs, frames: transcript.bytes)
        if remote.enqueue(info.cid, result: result, marks: marks) == .queued { RemoteTier.startFlusher() }
    }
}

/// `cachewrap remote-flush` (hidden): drains this cache dir's outbox to the team cache with a
/// longer deadline, then exits. Started detached by the run path; a second flusher finds the
/// outbox lock held and exits at once.
enum RemoteFlushCommand {
    static let name = "remote-flush"

    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        _ = try CommandArguments(args, command: name, flags: [], valued: [])
        let directory = CacheLocation.fromEnvironment().directory
        guard let settings = RemoteTier.settings,
              let remote = RemoteCache.make(settings, cacheDirectory: directory,
                                            timeoutMs: max(settings.timeoutMs, RemoteTier.flushTimeoutMs)) else { return 0 }
        TeamSalt(remote: remote, location: CacheLocation(directory: directory)).reconcile()
        let outbox = Outbox(cacheDirectory: directory)
        // Drain again while writes keep arriving: a run that queued while we held the lock saw
        // its own flusher give up, so its write is ours to send.
        for _ in 0..<20 {
            let report = outbox.drain(using: remote)
            countRefusals(report.refusedKeys)
            guard report.ran, report.stoppedBy == nil, report.remaining > 0 else { break }
        }
        return 0
    }

    /// A refused write (NOPERM for a read-only ACL user, READONLY replica...) is dropped for good,
    /// so it is counted where people look: `remote_errors` in `stats`, under the tool whose entry
    /// it was (found by the CID at the end of the key), or `unknown` when that entry is gone.
    static func countRefusals(_ keys: [String]) {
        guard !keys.isEmpty, let store = try? Store() else { return }
        var perTool: [String: Int64] = [:]
        for key in keys {
            let cid = key.split(separator: ":").last.map(String.init) ?? ""
            perTool[(try? store.entry(prefix: cid))?.tool ?? "unknown", default: 0] += 1
        }
        for (tool, count) in perTool { try? store.count(tool: tool, [.remoteErrors: count]) }
    }
}
