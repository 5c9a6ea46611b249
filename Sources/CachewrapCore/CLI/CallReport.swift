import Glibc

/// How one wrapped call ended, as the status line (`--status`) and the event log (CACHEWRAP_LOG)
/// tell it: made where the call ends (a replay, a settled run, a hand-over) and told by
/// `CallReporter`. Nothing in it comes from the argv, so a secret there never reaches the log.
/// The fields and their meaning are a contract: docs/event-log.md, schema version `v`.
struct CallReport: Equatable {
    /// What answered the call. A new outcome (`revalidated`, for an answer a server confirmed
    /// unchanged) is added here and in docs/event-log.md; readers of the log must allow for it.
    enum Outcome: String, CaseIterable {
        /// A fresh stored answer, local or from the team cache, replayed instead of a run.
        case hit
        /// The tool ran (nothing fresh was stored, or `--refresh` / `--no-cache`).
        case miss
        /// An expired answer replayed: the run failed (stale-if-error), or `--offline`.
        case stale
        /// Handed to the tool untouched (exec), or a mutation run as a child cachewrap waited for.
        case passthrough
        /// `--offline` with nothing it may replay: cachewrap's own exit 69.
        case offline
        /// Run, retried on transient failures, never stored: downloads, and stdin that cannot be keyed.
        case uncached
        /// A stored answer the server confirmed unchanged (HTTP 304 to a conditional request):
        /// replayed, and fresh again.
        case revalidated
    }

    /// The event log's schema version: it changes when a field changes meaning, not when one is added.
    static let schemaVersion: Int64 = 1

    var outcome: Outcome
    var tool: String
    /// The policy's name for what runs ("pr list"); nil when no policy decided.
    var operation: String?
    var cid: String? = nil
    /// How old the replayed answer was; nil when none was replayed.
    var ageMs: Int64? = nil
    /// The run the answer comes from: the stored entry's for a replay, this call's for a run; nil
    /// when cachewrap saw no run (an exec).
    var durationMs: Int64? = nil
    /// The run a replay made unnecessary.
    var savedMs: Int64 = 0
    /// stdout and stderr bytes of the answer; nil when they went past cachewrap (an exec, a
    /// waited mutation).
    var bytes: Int64? = nil
    /// What the call exits with; nil for an exec, whose status cachewrap never sees.
    var exit: Int32? = nil
    /// The status line's words for why: "stored", "not stored: exit 1", "mutating", "team cache".
    var detail: String? = nil

    /// `hit gh pr list (age 42s, saved 0.8s)`, without the `cachewrap: ` prefix.
    var statusLine: String {
        var parts: [String] = []
        switch outcome {
        case .hit: parts = [detail, ageMs.map { "age " + Self.age($0) }, "saved " + Self.time(savedMs)].compactMap { $0 }
        case .stale: parts = [ageMs.map { "age " + Self.age($0) }, detail].compactMap { $0 }
        case .miss, .uncached: parts = [durationMs.map { "ran " + Self.time($0) }, detail].compactMap { $0 }
        case .revalidated:
            parts = [ageMs.map { "age " + Self.age($0) }, durationMs.map { "not modified, asked in " + Self.time($0) }, detail].compactMap { $0 }
        case .passthrough, .offline: parts = [detail, durationMs.map { "ran " + Self.time($0) }].compactMap { $0 }
        }
        // A miss says its failure as why it was not stored; replays and --offline give a stored
        // success or cachewrap's own error, which its message tells.
        if outcome == .uncached || outcome == .passthrough, let exit, exit != 0 { parts.append("exit \(exit)") }
        let name = operation.map { $0.isEmpty || $0 == tool ? tool : tool + " " + $0 } ?? tool
        return "\(outcome.rawValue) \(name)" + (parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")")
    }

    /// One line of the event log, newline included, for a call that ended at `nowMs`.
    func jsonLine(nowMs: Int64) -> String {
        let document: JSONValue = [
            "v": .int(Self.schemaVersion),
            "ts": .string(Self.timestamp(ms: nowMs)),
            "tool": .string(tool),
            "op": operation.map(JSONValue.string) ?? .null,
            "outcome": .string(outcome.rawValue),
            "cid": cid.map(JSONValue.string) ?? .null,
            "age_ms": ageMs.map(JSONValue.int) ?? .null,
            "duration_ms": durationMs.map(JSONValue.int) ?? .null,
            "saved_ms": .int(savedMs),
            "bytes": bytes.map(JSONValue.int) ?? .null,
            "exit": exit.map { .int(Int64($0)) } ?? .null,
        ]
        return document.canonicalText + "\n"
    }

    /// A run's time: `7ms`, `0.8s`, `12.1s`, past two minutes `3m`.
    static func time(_ ms: Int64) -> String {
        if ms < 100 { return "\(max(0, ms))ms" }
        return ms < 120_000 ? Duration.tenths(milliseconds: ms) : Duration.format(seconds: ms / 1000)
    }

    /// An answer's age, as `ls` shows it: `42s`, `12m`, `3h`.
    static func age(_ ms: Int64) -> String { Duration.format(seconds: ms / 1000) }

    /// RFC 3339 in UTC with milliseconds: `2025-01-31T08:05:09.042Z`.
    static func timestamp(ms: Int64) -> String {
        var seconds = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        var t = tm()
        gmtime_r(&seconds, &t)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let millis = Int32(ms - Int64(seconds) * 1000)
        return "\(digits(t.tm_year + 1900, 4))-\(digits(t.tm_mon + 1, 2))-\(digits(t.tm_mday, 2))"
            + "T\(digits(t.tm_hour, 2)):\(digits(t.tm_min, 2)):\(digits(t.tm_sec, 2)).\(digits(millis, 3))Z"
    }
}

extension CachedResult {
    /// The stdout and stderr bytes this answer replays (its frames without their headers).
    var outputBytes: Int64? {
        if let blob { return FrameStreamWriter.payloadBytes(blob) }
        var total: Int64 = 0
        Transcript.forEachFrame(in: frames, { _, chunk in total += Int64(chunk.count) }, ifMalformed: {})
        return total
    }
}

extension RunOutcome {
    /// What the call exits with after this run: by the signal it got, by a failed write of the
    /// answer (`failure`), or with the tool's status.
    func callStatus(failure: WriteFailure?) -> Int32 {
        interruptedBy.map { 128 + $0 } ?? failure?.status ?? status
    }
}
