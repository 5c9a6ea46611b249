/// Durations on the command line, in the environment and in the config: `30s`, `10m`, `2h`,
/// `7d`, or `0`. Kept to whole units so `--ttl 5x` is an error, not a guess. This is only the
/// syntax: `NumberSetting` (UserNumbers.swift) adds each setting's range.
public enum Duration {
    /// Seconds in `text`, or nil when it is not a duration. A well-formed number too large to
    /// count saturates at `Int64.max`, so the range check calls it too large rather than junk.
    public static func seconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        guard let unit = text.last, let number = WholeNumber.parse(text.dropLast()) else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86400
        default: return nil
        }
        return number.multipliedSaturating(by: scale)
    }

    /// Milliseconds in `text`: a duration as above, or a whole number of milliseconds (`250ms`)
    /// for the retry timings, where seconds are too coarse.
    public static func milliseconds(_ text: String) -> Int64? {
        if text.hasSuffix("ms") { return WholeNumber.parse(text.dropLast(2)) }
        return seconds(text)?.multipliedSaturating(by: 1000)
    }

    /// A compact human form for `ls` and `explain`: 45s, 12m, 3h, 2d.
    public static func format(seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }

    /// `2.4s`: seconds to one decimal, cut rather than rounded (a retry's wait, a run's time).
    static func tenths(milliseconds ms: Int64) -> String {
        "\(ms / 1000).\((ms % 1000) / 100)s"
    }

    /// A duration as a user would write it, without rounding: 90s stays 90s, 300 is 5m.
    public static func exact(seconds: Int64) -> String {
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where seconds > 0 && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}

/// Sizes for `gc --max-size` and the size settings: bytes with an optional K, M, G or T (powers
/// of 1024, an optional B or iB after them).
public enum ByteSize {
    static let scales: [(suffix: Character, bytes: Int64)] = [("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)]

    /// Bytes in `text`, or nil when it is not a size; too large to count saturates, as for durations.
    public static func parse(_ text: String) -> Int64? {
        let upper = text.uppercased().replacingSuffix("IB", with: "").replacingSuffix("B", with: "")
        guard let last = upper.last else { return nil }
        guard let scale = scales.first(where: { $0.suffix == last })?.bytes else { return WholeNumber.parse(upper[...]) }
        return WholeNumber.parse(upper.dropLast())?.multipliedSaturating(by: scale)
    }

    /// A size as a user would write it: the largest unit that divides it exactly (1T, 64M, 10).
    static func exact(_ bytes: Int64) -> String {
        guard let unit = scales.first(where: { bytes > 0 && bytes % $0.bytes == 0 }) else { return "\(bytes)" }
        return "\(bytes / unit.bytes)\(unit.suffix)"
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

/// The digits of every number cachewrap reads from a user: ASCII 0-9 only (no sign, no blanks,
/// no other scripts' digits), at least one.
enum WholeNumber {
    /// The value of `text`, saturating at `Int64.max`; nil when it is not all digits.
    static func parse(_ text: Substring) -> Int64? {
        guard !text.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in text.utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value.multipliedSaturating(by: 10).addingSaturating(Int64(byte - 0x30))
        }
        return value
    }
}

extension String {
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
