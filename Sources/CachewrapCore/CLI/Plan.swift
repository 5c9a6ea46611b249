/// What one call will do, resolved once from cachewrap's options, the numbers in its environment
/// (`CACHEWRAP_TTL`, `CACHEWRAP_RETRIES`, `CACHEWRAP_MAX_ENTRY`, the retry timing) and the
/// policy's decision (which already holds the config's TTLs, stale ages and retries). The run
/// path reads the plan, never the options, so what `--refresh`, `--no-cache` or `--offline`
/// mean is written here once (docs/architecture.md, The path of one call).
struct Plan: Equatable {
    /// Ask the cache before running: not with `--refresh` or `--no-cache` (a background refresh
    /// runs with `--refresh`).
    var looksUp: Bool
    /// Read (and key) stdin, take the flight lock, store a successful run and count the call:
    /// everything but `--no-cache`, whose run is as if cachewrap were not there.
    var records: Bool
    /// `--offline`: only replay; an expired answer will do, and a miss is an error.
    var offline: Bool
    /// This process is a detached refresher: it leaves a key someone else is running alone, and
    /// its run is no miss.
    var background: Bool
    /// An answer older than this is expired for this call (`--ttl`, then `CACHEWRAP_TTL`).
    var requestedTTL: Int64?
    /// How long a new entry stays fresh.
    var ttlSeconds: Int64
    /// Replay a hit older than this and refresh it in the background (`--stale`, the config).
    var staleWhileRevalidate: Int64?
    /// How long after expiry an answer may still stand in for a failed run; 0: never (prompts).
    var staleIfErrorSeconds: Int64
    var retries: Int
    var backoff: Backoff
    /// Outputs larger than this are shown, not stored.
    var recordLimit: Int
    /// Whether a call whose policy allows it may read the response's validators and send a
    /// conditional request (docs/architecture.md, Revalidation): not with `--no-revalidate`,
    /// nor with `--no-cache`, whose run is the tool's alone.
    var revalidates: Bool
    /// `--revalidate`: a fresh answer is asked about too, instead of replayed.
    var revalidatesFresh: Bool

    /// How long after expiry an entry may still answer when the tool fails (docs/architecture.md, Retries).
    static let defaultStaleIfErrorSeconds: Int64 = 86_400

    init(options: WrapOptions, decision: Decision, background: Bool = BackgroundRefresh.isBackground) {
        looksUp = !options.refresh && !options.noCache
        records = !options.noCache
        offline = options.offline
        self.background = background
        requestedTTL = options.ttlSeconds ?? CachedRun.environmentTTL()
        ttlSeconds = requestedTTL ?? decision.ttlSeconds
        staleWhileRevalidate = options.staleSeconds ?? decision.staleSeconds
        staleIfErrorSeconds = options.staleIfErrorSeconds ?? (decision.ttlClass == .prompt ? 0 : Self.defaultStaleIfErrorSeconds)
        retries = options.retries ?? CachedRun.environmentRetries() ?? decision.retries
        backoff = .fromEnvironment()
        recordLimit = CachedRun.maxEntryBytes()
        revalidates = records && options.revalidate != false
        revalidatesFresh = options.revalidate == true
    }

    /// Whether a run that failed may be answered by `expired` instead: within the stale-if-error
    /// window of its expiry.
    func mayStandIn(_ expired: CachedResult, nowMs: Int64) -> Bool {
        staleIfErrorSeconds > 0 && nowMs - expired.expiresMs <= staleIfErrorSeconds.multipliedSaturating(by: 1000)
    }
}
