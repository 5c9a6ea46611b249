/// The numbers the wrap path takes from its environment. Each is read on first use and kept for
/// the process (a static's initializer runs once), so a bad value is warned about once however
/// often it is asked for, and the default used (fail open: the tool always runs).
enum EnvironmentNumbers {
    static let ttl = UserNumbers.duration.fromEnvironment("CACHEWRAP_TTL", otherwise: "the policy's TTL")
    static let retries = UserNumbers.retries.fromEnvironment("CACHEWRAP_RETRIES", otherwise: "the policy's count")
    static let maxEntry = UserNumbers.entrySize.fromEnvironment(
        "CACHEWRAP_MAX_ENTRY", otherwise: UserNumbers.entrySize.format(defaultMaxEntry)) ?? defaultMaxEntry
    static let maxStdin = UserNumbers.stdinSize.fromEnvironment(
        "CACHEWRAP_MAX_STDIN", otherwise: UserNumbers.stdinSize.format(defaultMaxStdin)) ?? defaultMaxStdin
    static let retryBase = UserNumbers.retryTiming.fromEnvironment("CACHEWRAP_RETRY_BASE", otherwise: "the default")
    static let retryCap = UserNumbers.retryTiming.fromEnvironment("CACHEWRAP_RETRY_CAP", otherwise: "the default")
    static let retryBudget = UserNumbers.retryTiming.fromEnvironment("CACHEWRAP_RETRY_BUDGET", otherwise: "the default")

    static let defaultMaxEntry: Int64 = 64 << 20
    static let defaultMaxStdin: Int64 = 64 << 20
}

extension CachedRun {
    /// Largest output stored (default 64 MiB, `CACHEWRAP_MAX_ENTRY`); bigger outputs stream
    /// through uncached, with one notice (`overLimitNotice`).
    static func maxEntryBytes() -> Int { Int(EnvironmentNumbers.maxEntry) }

    /// How many bytes of stdin are read to key a call (default 64 MiB, `CACHEWRAP_MAX_STDIN`);
    /// 0 means stdin is never keyed.
    static func maxStdinBytes() -> Int { Int(EnvironmentNumbers.maxStdin) }

    /// `CACHEWRAP_TTL`, when set and valid; a bad value is reported and ignored (fail open).
    static func environmentTTL() -> Int64? { EnvironmentNumbers.ttl }

    /// `CACHEWRAP_RETRIES`, when set and valid; otherwise the policy's count.
    static func environmentRetries() -> Int? { EnvironmentNumbers.retries.map { Int($0) } }

    /// What a successful run too large to store says: it was shown in full, it will run again
    /// next time, and which setting to raise.
    static func overLimitNotice(outputBytes: Int, limit: Int) -> String {
        "output of \(ByteSize.format(Int64(outputBytes))) is over the \(ByteSize.format(Int64(limit))) entry limit "
            + "(CACHEWRAP_MAX_ENTRY): shown, not stored"
    }
}
