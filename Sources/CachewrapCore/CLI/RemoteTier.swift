import Glibc

/// The team cache's settings and client for this process, and its write-behind flusher
/// (docs/architecture.md, Team cache). The run path reaches the team cache through `Tiers`
/// (`team` after a local miss, `keep` after a successful run) and `ScopeChange` (marks); a local
/// hit never gets here, so it never touches the network; every remote problem degrades to
/// running without the remote (fail open).
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
    /// A TLS failure is warned about as it happens (the breaker then spares the calls of its
    /// window, so at most one warning per window): a certificate problem needs the user's fix.
    nonisolated(unsafe) private static var client: (directory: String, remote: RemoteCache?)?

    static func remote(cacheDirectory: String) -> RemoteCache? {
        if let client, client.directory == cacheDirectory { return client.remote }
        let remote = RemoteCache.make(settings, cacheDirectory: cacheDirectory)
        if let url = remote?.settings.url {
            remote?.onTLSFailure = { Console.warn("team cache \(url): \($0.message); running without it (see cachewrap doctor)") }
        }
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
