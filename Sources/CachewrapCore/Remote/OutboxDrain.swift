import Glibc

/// What one `drain` did, for the flusher's counters.
public struct DrainReport: Sendable, Equatable {
    /// False when another flusher holds `outbox.lock`: this call did nothing and returned at once.
    public var ran = false
    public var stored = 0
    /// The keys permanently refused (NOPERM, READONLY...): deleted, never retried; the flusher
    /// counts them as `remote_errors` under their entry's tool.
    public var refusedKeys: [String] = []
    public var refused: Int { refusedKeys.count }
    /// Still pending after this call (the `outbox_pending` gauge).
    public var remaining = 0
    /// The connectivity error (or open breaker) that stopped the drain; the rest waits for next time.
    public var stoppedBy: String?
    /// The last permanent refusal's text (e.g. "NOPERM User ro has no permissions to run the 'set' command").
    public var lastRefusal: String?

    public init() {}
}

extension Outbox {
    /// Temp files older than this are leftovers of a writer killed mid-write, not writes in progress.
    static let staleTempMs: Int64 = 10 * 60 * 1000

    /// Sends up to `limit` pending writes through `remote` and deletes each one that is done
    /// (stored, already there, refused for good, expired, damaged). Stops at the first
    /// connectivity failure or open breaker and leaves the rest. Only one flusher drains at a
    /// time: if `outbox.lock` is held, this returns at once with `ran == false`.
    public func drain(limit: Int = Int.max, using remote: RemoteCache) -> DrainReport {
        var report = DrainReport()
        let lock = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else {
            report.stoppedBy = "\(lockPath): \(errnoText(errno))"
            return report
        }
        defer { close(lock) }  // closing drops the flock
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else { return report }
        report.ran = true
        for name in pendingFiles().prefix(max(0, limit)) {
            let path = "\(directory)/\(name)"
            guard let bytes = FileIO.readFile(path, limit: Int.max) else { continue }  // gone meanwhile
            guard let pending = Pending(bytes) else {
                unlink(path)
                continue
            }
            let ttl = pending.expiresMs - Clock.nowMs()
            guard ttl > 0 else {
                unlink(path)
                continue
            }
            switch remote.put(key: pending.key, envelope: pending.envelope, ttlMs: ttl) {
            case .stored: report.stored += 1
            case .refused(let text):
                report.refusedKeys.append(pending.key)
                report.lastRefusal = text
            case .skipped(let why), .unavailable(let why):
                report.stoppedBy = why
            }
            if report.stoppedBy != nil { break }
            unlink(path)
        }
        removeStaleTempFiles()
        report.remaining = pendingCount()
        return report
    }

    /// Deletes `.tmp-*` files nobody will rename any more (their writer died).
    private func removeStaleTempFiles() {
        let now = Clock.nowMs()
        for name in Self.names(in: directory) where name.hasPrefix(".tmp-") {
            var st = stat()
            let path = "\(directory)/\(name)"
            guard stat(path, &st) == 0 else { continue }
            if now - (Int64(st.st_mtim.tv_sec) * 1000) > Self.staleTempMs { unlink(path) }
        }
    }
}

extension RemoteCache {
    /// Write-behind for the run path: queues `result`, stamped with its scope's `marks` as they
    /// were before its run, under `cid` in this cache dir's outbox
    /// (a local file, no network). nil when this remote does not write (mode `ro` or `off`), the
    /// result has already expired, or its output is in a blob file (too large to hold in memory, so too
    /// large for one SET); the wiring then starts the flusher if it queued.
    public func enqueue(_ cid: String, result: CachedResult, marks: [Int64]) -> Outbox.Enqueued? {
        guard settings.mode == .rw, result.blob == nil, result.expiresMs > Clock.nowMs() else { return nil }
        return Outbox(cacheDirectory: cacheDirectory)
            .enqueue(key: settings.key(for: cid), envelope: RemoteEnvelope(result, marks: marks).encode(cid: cid), expiresMs: result.expiresMs)
    }
}
