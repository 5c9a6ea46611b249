/// Every number a user hands cachewrap, from a flag, the environment or config.toml, is read by
/// one `NumberSetting`: one syntax per unit and one documented range, so `--ttl`, `CACHEWRAP_TTL`
/// and `[defaults] ttl` accept exactly the same values. A value past the range is refused, not
/// clamped: `--ttl 106751991167d` is a typo or a test of the edges, never a wish, and it used to
/// overflow `now + ttl * 1000` and kill cachewrap after the tool had run.
///
/// The limits (the README and the man page list them too):
/// - durations (TTLs, `--stale`, `--stale-if-error`, config TTLs and stale ages): 0 to 3650d.
///   Ten years outlives any cached answer, and in milliseconds it stays far from Int64's edge.
/// - retries: 0 to 10, flag, environment and config alike: more hammers a failing service.
/// - retry base, cap and budget: 0 to 1h each; a longer wait is a hung terminal, not a retry.
/// - the team cache's deadline: 1ms to 60s (beyond a minute a lookup costs more than a run).
/// - the entry size limit: 1 byte to 1T (outputs past 4 MiB spill to disk, so memory is no bound).
/// - stdin read to key a call: 0 (never key stdin) to 1G, as it is held in memory.
/// - `gc --max-size`: 0 to 1T.
/// - `stats --since`: 1s to 90d, the hourly counters' retention (nothing older is kept).
public struct NumberSetting: Sendable {
    public enum Unit: Sendable {
        /// `30s`, `10m`, `2h`, `7d` or `0`, counted in seconds.
        case seconds
        /// As `seconds`, or `250ms`, counted in milliseconds.
        case milliseconds
        /// Bytes with an optional K, M, G or T.
        case bytes
        /// A whole number.
        case count
    }

    public let unit: Unit
    public let range: ClosedRange<Int64>

    public init(_ unit: Unit, _ range: ClosedRange<Int64>) {
        self.unit = unit
        self.range = range
    }

    /// The value of `text`, or the error to report; `name` is how the user wrote the setting
    /// (`--ttl`, `CACHEWRAP_TTL`, `'ttl' in [defaults]`).
    public func parse(_ text: String, name: String) throws(CachewrapError) -> Int64 {
        let value: Int64?
        switch unit {
        case .seconds: value = Duration.seconds(text)
        case .milliseconds: value = Duration.milliseconds(text)
        case .bytes: value = ByteSize.parse(text)
        case .count: value = WholeNumber.parse(text[...])
        }
        guard let value else {
            switch unit {
            case .seconds, .milliseconds: throw .badDuration(text)
            case .bytes: throw .badSize(text)
            case .count: throw .badNumber(option: name, value: text)
            }
        }
        return try check(value, name: name, as: text)
    }

    /// `value` when it is in range; for numbers already parsed (a config integer).
    public func check(_ value: Int64, name: String, as written: String? = nil) throws(CachewrapError) -> Int64 {
        guard range.contains(value) else { throw .outOfRange(name: name, value: written ?? "\(value)", low: limits.low, high: limits.high) }
        return value
    }

    /// The range's ends as a user would write them, e.g. ("1ms", "60s").
    public var limits: (low: String, high: String) { (format(range.lowerBound), format(range.upperBound)) }

    /// A value as the user would write it, for messages: 3650d, 1h, 60s, 1T, 10.
    public func format(_ value: Int64) -> String {
        switch unit {
        case .seconds: value == 0 ? "0" : Duration.exact(seconds: value)
        case .milliseconds: value == 0 ? "0" : value % 1000 == 0 ? Duration.exact(seconds: value / 1000) : "\(value)ms"
        case .bytes: ByteSize.exact(value)
        case .count: "\(value)"
        }
    }

    /// `variable`'s value when it is set, not empty and valid. A bad value must never stop a
    /// tool (fail open): it is warned about, naming what is used instead, and nil returned.
    public func fromEnvironment(_ variable: String, otherwise fallback: String,
                                lookup: (String) -> String? = Environment.get) -> Int64? {
        guard let text = lookup(variable), !text.isEmpty else { return nil }
        do {
            return try parse(text, name: variable)
        } catch {
            Console.warn("\(error.message(naming: variable)); using \(fallback)")
            return nil
        }
    }
}

/// The settings, each with its range (see `NumberSetting` for why these limits).
public enum UserNumbers {
    /// TTLs and stale windows, wherever they are given.
    public static let duration = NumberSetting(.seconds, 0...(3650 * 86_400))
    public static let retries = NumberSetting(.count, 0...10)
    /// CACHEWRAP_RETRY_BASE, _CAP and _BUDGET.
    public static let retryTiming = NumberSetting(.milliseconds, 0...3_600_000)
    public static let remoteTimeout = NumberSetting(.milliseconds, 1...60_000)
    public static let entrySize = NumberSetting(.bytes, 1...(1 << 40))
    public static let stdinSize = NumberSetting(.bytes, 0...(1 << 30))
    /// `gc --max-size`.
    public static let storeSize = NumberSetting(.bytes, 0...(1 << 40))
    /// `stats --since`.
    public static let statsWindow = NumberSetting(.seconds, 1...(Store.retentionDays * 86_400))
}

/// Arithmetic where a user's number meets a clock (expiry = created + ttl, stale windows,
/// backoff, deadlines): the nearest bound instead of a trap, so no input can crash a call.
extension Int64 {
    func addingSaturating(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    func multipliedSaturating(by other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }
}

extension Clock {
    /// When an entry created at `createdMs` with a TTL of `ttlSeconds` expires.
    static func expiry(createdMs: Int64, ttlSeconds: Int64) -> Int64 {
        createdMs.addingSaturating(ttlSeconds.multipliedSaturating(by: 1000))
    }
}
