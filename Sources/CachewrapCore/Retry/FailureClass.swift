/// What one finished attempt was, read from its exit code and the policy's patterns on both
/// streams (vastai and legacy hf report HTTP errors with exit 0, or on stdout).
public enum FailureClass: Equatable, Sendable {
    case success
    /// Worth another try: rate limits, 5xx, dropped connections. `retryAfter` is the server's
    /// own hint in seconds (`Retry after 3 seconds`), when it gave one.
    case transient(retryAfter: Int64?)
    /// A quota that resets later than any retry could wait (`resets at ... UTC`).
    case quota
    /// Retrying cannot help: usage errors, 401/404, exit 8 (checks pending).
    case permanent

    public var isTransient: Bool {
        if case .transient = self { return true }
        return false
    }
}

extension PolicySpec {
    /// Classifies an attempt. Quota patterns win over transient ones: a 429 that says the daily
    /// limit resets tomorrow must not be retried.
    public func classify(_ outcome: RunOutcome) -> FailureClass {
        if isStorable(outcome) { return .success }
        if quota.firstMatch(in: outcome.transcript) != nil { return .quota }
        guard transient.firstMatch(in: outcome.transcript) != nil else { return .permanent }
        return .transient(retryAfter: RetryHint.seconds(in: outcome.transcript))
    }
}

extension PolicySpec {
    /// A short name for a transient failure, for the retry notice: the pattern that matched,
    /// without gh's parentheses ("HTTP 503").
    func transientReason(_ outcome: RunOutcome) -> String {
        guard let check = transient.firstMatch(in: outcome.transcript) else { return "exit \(outcome.status)" }
        return check.pattern.trimmingCharacters(in: "():' ")
    }
}

/// Finds a server's "retry after N seconds" hint in an attempt's output (hf prints
/// `Retry after 1 seconds`; HTTP's header shows up as `Retry-After: N`).
enum RetryHint {
    static func seconds(in transcript: Transcript) -> Int64? {
        seconds(in: transcript.stream(2)) ?? seconds(in: transcript.stream(1))
    }

    static func seconds(in bytes: [UInt8]) -> Int64? {
        let lower = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        for marker in ["retry after ", "retry-after: ", "retry in "] {
            let needle = Array(marker.utf8)
            var i = 0
            while i + needle.count <= lower.count {
                if lower[i..<(i + needle.count)].elementsEqual(needle) {
                    var j = i + needle.count
                    var value: Int64 = 0
                    var digits = 0
                    while j < lower.count, lower[j] >= 48, lower[j] <= 57, digits < 9 {
                        value = value * 10 + Int64(lower[j] - 48)
                        j += 1
                        digits += 1
                    }
                    if digits > 0 { return value }
                }
                i += 1
            }
        }
        return nil
    }
}
