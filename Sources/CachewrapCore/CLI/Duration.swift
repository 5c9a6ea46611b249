/// Durations on the command line and in the environment: `30s`, `10m`, `2h`, `7d`, or `0`.
/// Kept to whole units so `--ttl 5x` is an error, not a guess.
public enum Duration {
    /// The longest duration accepted: 100 years. Anything longer is a typo, and the bound keeps
    /// every `now + seconds * 1000` that turns a TTL into an expiry far from overflowing (an
    /// overflow traps: `--ttl 99999999999999999s` crashed cachewrap).
    public static let maxSeconds: Int64 = 100 * 365 * 86_400

    /// Seconds in `text`, or nil when it is not a duration.
    public static func seconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        guard let unit = text.last, text.first?.isNumber == true, let number = Int64(text.dropLast()) else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86400
        default: return nil
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: scale)
        return overflow || value > maxSeconds ? nil : value
    }

    /// Milliseconds in `text`: a duration as above, or a whole number of milliseconds (`250ms`)
    /// for the retry timings, where seconds are too coarse.
    public static func milliseconds(_ text: String) -> Int64? {
        if text.hasSuffix("ms"), text.first?.isNumber == true {
            return Int64(text.dropLast(2)).flatMap { $0 <= maxSeconds * 1000 ? $0 : nil }
        }
        return seconds(text).map { $0 * 1000 }
    }

    /// A compact human form for `ls` and `explain`: 45s, 12m, 3h, 2d.
    public static func format(seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }
}

/// Sizes for `gc --max-size`: bytes with an optional K, M or G (powers of 1024).
public enum ByteSize {
    public static func parse(_ text: String) -> Int64? {
        let upper = text.uppercased().replacingSuffix("IB", with: "").replacingSuffix("B", with: "")
        guard let last = upper.last else { return nil }
        let scales: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        guard upper.first?.isNumber == true else { return nil }
        guard let scale = scales[last] else { return Int64(upper) }
        guard let n = Int64(upper.dropLast()) else { return nil }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow ? nil : bytes
    }

    public static func format(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}

extension String {
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
