/// Fuzz target: durations and sizes as users type them (`--ttl`, `CACHEWRAP_TTL`, the config's
/// ttl lines, `CACHEWRAP_RETRY_*` and `CACHEWRAP_REMOTE_TIMEOUT` in milliseconds, `gc
/// --max-size`). Whatever is accepted is non-negative and agrees across the parsers; what
/// cachewrap prints about a duration or a size never crashes, and a config-style duration
/// (`cachewrap config`'s exact form) parses back to itself.

/// Whether `ms` works the way callers use a duration: as an expiry or deadline, `now + ms`
/// (a TTL is `seconds * 1000` first), checked, where cachewrap's own arithmetic traps.
private func usableAsExpiry(milliseconds ms: Int64) -> Bool {
    !Clock.nowMs().addingReportingOverflow(ms).overflow
}

private func usableAsExpiry(seconds: Int64) -> Bool {
    let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    return !overflow && usableAsExpiry(milliseconds: ms)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    let text = String(decoding: bytes, as: UTF8.self)

    let seconds = Duration.seconds(text)
    if let seconds {
        check(seconds >= 0, "Duration.seconds(\(text.debugDescription)) = \(seconds)")
        _ = Clock.expiry(createdMs: Clock.nowMs(), ttlSeconds: seconds)  // saturates: must never trap
        if let ttl = try? UserNumbers.duration.parse(text, name: "--ttl") {
            check(usableAsExpiry(seconds: ttl), "a TTL in range (\(ttl)) overflows now + ttl")
        }
        _ = Duration.format(seconds: seconds)
        check(Duration.seconds(Duration.exact(seconds: seconds)) == seconds, "exact(\(seconds)) does not parse back")
    }
    let milliseconds = Duration.milliseconds(text)
    if let milliseconds {
        check(milliseconds >= 0, "Duration.milliseconds(\(text.debugDescription)) = \(milliseconds)")
        if let ms = try? UserNumbers.retryTiming.parse(text, name: "CACHEWRAP_RETRY_BASE") {
            check(usableAsExpiry(milliseconds: ms), "a timing in range (\(ms)) overflows now + ms")
        }
    }
    if !text.hasSuffix("ms") {
        check(milliseconds == seconds.map { $0.multipliedSaturating(by: 1000) },
              "milliseconds(\(text.debugDescription)) = \(String(describing: milliseconds)), seconds \(String(describing: seconds))")
    }
    if let size = ByteSize.parse(text) {
        check(size >= 0, "ByteSize.parse(\(text.debugDescription)) = \(size)")
        _ = ByteSize.format(size)
    }

    // Numbers from the bytes, through the formatters and back.
    var number: Int64 = 0
    for b in bytes.prefix(8) { number = number << 8 | Int64(b) }
    _ = Duration.format(seconds: number)
    _ = ByteSize.format(number)
    let positive = number == .min ? 0 : abs(number)
    check(Duration.seconds(Duration.exact(seconds: positive)) == positive, "exact(\(positive)) does not parse back")
    check(Duration.seconds("\(positive)s") == positive, "'\(positive)s' misread")
    let inRange = UserNumbers.duration.range.contains(positive)
    check(((try? UserNumbers.duration.parse("\(positive)s", name: "--ttl")) != nil) == inRange, "'\(positive)s' range")
    check(ByteSize.parse("\(positive)") == positive, "'\(positive)' is not a size")
    for (unit, scale) in [("K", Int64(1) << 10), ("MiB", 1 << 20), ("gb", 1 << 30)] {
        check(ByteSize.parse("\(positive)\(unit)") == positive.multipliedSaturating(by: scale), "'\(positive)\(unit)' misread")
    }
    return 0
}
