/// What a team cache lookup found. Only `hit` is replayed; the caller counts the others
/// (`remote_misses`, `remote_corrupt`, `remote_errors`) and runs the tool.
public enum RemoteLookup: Sendable {
    /// A verified entry. `result.expiresMs` is this machine's now + the server's PTTL, so clock
    /// skew between machines cannot stretch or cut its life; `pttlMs` is -1 for a key without TTL.
    case hit(CachedResult, pttlMs: Int64)
    case miss
    /// A verified value made before the last mutation of its scope (its marks are not the
    /// server's): never replayed, and the next run's write replaces it.
    case superseded
    /// A value was there but failed verification (see `RemoteEnvelope.Corruption`): never replay it.
    case corrupt(String)
    /// No answer within the deadline, an error, or the breaker is open: fail open.
    case unavailable(String)
}

/// A lookup's answer and the marks of the call's scope (see `Scope`) as the server had them in
/// the same round trip: counts of mutations, which the run's own write carries (`enqueue`), so
/// a value made before a mutation anywhere is told apart from one made after it, whatever the
/// machines' clocks say. `marks` is nil when they could not be read.
public struct RemoteAnswer: Sendable {
    public var lookup: RemoteLookup
    public var marks: [Int64]?
}

/// What a write did.
public enum RemoteWrite: Sendable, Equatable {
    case stored
    /// Not attempted: mode is not rw, or the result has already expired.
    case skipped(String)
    /// The server will never take this write (NOPERM for a read-only ACL user, READONLY replica,
    /// OOM...): drop it, count it, and keep going.
    case refused(String)
    /// No connection, timeout, or bad credentials: keep the write for later.
    case unavailable(String)
}

/// The team cache (L2) as the run path and the flusher see it: GET+PTTL lookups and SET PX
/// writes under `cw:v1:<namespace>:<cid>`, and scope marks under `cw:v1:<namespace>:mark:<name>`
/// (INCR by mutations, read with every lookup), each within one deadline, behind the shared
/// circuit breaker. Keeps one connection for its lifetime, so the flusher pays for connect and AUTH once.
/// Not thread-safe: one per process (or per thread).
public final class RemoteCache {
    public let settings: RemoteSettings
    public let breaker: CircuitBreaker
    public let cacheDirectory: String
    /// The deadline of each operation: the settings' for lookups; the flusher may pass a longer one.
    public let timeoutMs: Int64
    /// How many times this instance tried to open a connection: lets tests (and `doctor`) see that
    /// an open breaker costs no network at all.
    public private(set) var connectAttempts = 0
    /// Told of a TLS failure (`RemoteError.isTLSFailure`) as it happens, before the breaker
    /// silences the next calls: the run path warns, since waiting will not fix a certificate.
    public var onTLSFailure: ((RemoteError) -> Void)?
    private var connection: RESPConnection?

    public init(settings: RemoteSettings, cacheDirectory: String, timeoutMs: Int64? = nil, breaker: CircuitBreaker? = nil) {
        self.settings = settings
        self.cacheDirectory = cacheDirectory
        self.timeoutMs = timeoutMs ?? settings.timeoutMs
        self.breaker = breaker ?? CircuitBreaker(directory: cacheDirectory)
    }

    /// The remote to use, or nil when there is none or it is `off` (which must never connect).
    public static func make(_ settings: RemoteSettings?, cacheDirectory: String, timeoutMs: Int64? = nil) -> RemoteCache? {
        guard let settings, settings.mode != .off else { return nil }
        return RemoteCache(settings: settings, cacheDirectory: cacheDirectory, timeoutMs: timeoutMs)
    }

    /// Looks `cid` up with GET and PTTL, and reads `marks` (mark names, see `Scope.marksRead`),
    /// in one round trip; without `value`, only the marks (a refresh runs the tool anyway).
    public func get(_ cid: String, marks: [String] = [], value: Bool = true) -> RemoteAnswer {
        guard settings.mode != .off else { return RemoteAnswer(lookup: .unavailable("remote mode is off")) }
        let permit = breaker.permit()
        guard case .go(let ticket) = permit else { return RemoteAnswer(lookup: .unavailable(Self.pausedText(permit))) }
        let key = Array(settings.key(for: cid).utf8)
        let lookup: [[[UInt8]]] = value ? [[Array("GET".utf8), key], [Array("PTTL".utf8), key]] : []
        let replies: [RESPValue]
        do {
            replies = try exchange(lookup + marks.map { [Array("GET".utf8), Array(settings.markKey($0).utf8)] })
        } catch {
            breaker.recordFailure(error.message, ticket)
            return RemoteAnswer(lookup: .unavailable(error.message))
        }
        let current = Self.marks(replies.dropFirst(lookup.count))
        guard value else {
            breaker.recordSuccess(ticket)
            return RemoteAnswer(lookup: .miss, marks: current)
        }
        let answer: RemoteLookup
        switch replies[0] {
        case .bulk(nil):
            breaker.recordSuccess(ticket)
            answer = .miss
        case .bulk(let bytes?):
            breaker.recordSuccess(ticket)
            answer = found(bytes, cid: cid, pttl: replies[1], marks: current)
        case .error(let text) where text.hasPrefix("WRONGTYPE"):
            breaker.recordSuccess(ticket)
            answer = .corrupt(text)  // something else lives under our key
        case .error(let text):
            breaker.recordFailure(text, ticket)
            return RemoteAnswer(lookup: .unavailable(text))
        default:
            return RemoteAnswer(lookup: .unavailable(unexpectedReply(to: "GET", ticket)))
        }
        return RemoteAnswer(lookup: answer, marks: current)
    }

    private func found(_ value: [UInt8], cid: String, pttl: RESPValue, marks: [Int64]?) -> RemoteLookup {
        Self.found(value, cid: cid, pttl: pttl, marks: marks, now: Clock.nowMs(), refused: breaker.noteRefusal)
    }

    /// Verifies a fetched value and works out how long it lives here: what the server's GET and
    /// PTTL replies mean, apart from the connection, so the reply fuzzer reaches it. `marks` are
    /// the scope's marks read with it: a value stamped with others predates a mutation.
    /// `refused` hears of a PTTL the server would not run.
    static func found(_ value: [UInt8], cid: String, pttl: RESPValue, marks: [Int64]?, now: Int64,
                      refused: (String) -> Void) -> RemoteLookup {
        let envelope: RemoteEnvelope
        switch RemoteEnvelope.decode(value, cid: cid) {
        case .failure(let corruption): return .corrupt(corruption.message)
        case .success(let e): envelope = e
        }
        guard let marks, envelope.marks == marks else { return .superseded }
        var result = envelope.cachedResult
        switch pttl {
        // No longer than the longest TTL cachewrap writes with: a larger PTTL is not ours, and
        // `now +` it could overflow (a trap on every lookup of that key).
        case .integer(let ms) where ms > 0: result.expiresMs = now + min(ms, UserNumbers.duration.range.upperBound * 1000)
        case .integer(-2): return .miss  // expired between GET and PTTL
        case .integer(-1): break  // written without a TTL: trust the envelope
        case .error(let text): refused(text)  // e.g. an ACL without +pttl: the envelope still says
        default: return .miss
        }
        guard result.expiresMs > now else { return .miss }
        if case .integer(let ms) = pttl { return .hit(result, pttlMs: ms) }
        return .hit(result, pttlMs: -1)
    }

    /// Writes an encoded envelope with `SET key value PX ttl` (the key expires on the server when
    /// the entry would expire locally). The last writer wins, not the first: after a mutation the
    /// value there is superseded, and the next run's answer must be able to replace it.
    public func put(_ cid: String, envelope: [UInt8], ttlMs: Int64) -> RemoteWrite {
        put(key: settings.key(for: cid), envelope: envelope, ttlMs: ttlMs)
    }

    /// `put` by full key: the outbox stores keys, so a namespace change never re-files old writes.
    func put(key: String, envelope: [UInt8], ttlMs: Int64) -> RemoteWrite {
        guard settings.mode == .rw else { return .skipped("remote mode is \(settings.mode.rawValue)") }
        guard ttlMs > 0 else { return .skipped("expired") }
        let permit = breaker.permit()
        guard case .go(let ticket) = permit else { return .unavailable(Self.pausedText(permit)) }
        let command: [[UInt8]] = [Array("SET".utf8), Array(key.utf8), envelope, Array("PX".utf8), Array(String(ttlMs).utf8)]
        let reply: RESPValue
        do {
            reply = try exchange([command])[0]
        } catch {
            breaker.recordFailure(error.message, ticket)
            return .unavailable(error.message)
        }
        switch reply {
        case .simple("OK"):
            breaker.recordSuccess(ticket)
            breaker.forgetRefusal()
            return .stored
        case .error(let text) where RemoteError.server(text).isAuthFailure:
            breaker.recordFailure(text, ticket)
            return .unavailable(text)
        case .error(let text):
            breaker.recordSuccess(ticket)
            breaker.noteRefusal(text)
            return .refused(text)
        default:
            return .unavailable(unexpectedReply(to: "SET", ticket))
        }
    }

    /// For `doctor`: connect, AUTH, SELECT, PING and a GET (which needs read permission) within
    /// one deadline, ignoring the breaker. Returns the round trip in microseconds, or the error.
    public func check() -> Result<Int64, RemoteError> {
        dropConnection()
        let start = Deadline.nowNs()
        do {
            let replies = try exchange([[Array("PING".utf8)], [Array("GET".utf8), Array(settings.key(for: "doctor").utf8)]])
            for case .error(let text) in replies { return .failure(.server(text)) }
            return .success(Int64((Deadline.nowNs() - start) / 1000))
        } catch {
            return .failure(error)
        }
    }

    /// Sends a pipeline on the kept connection, opening it first if needed, all within one new
    /// deadline; a failed connection is dropped so the next call starts clean.
    func exchange(_ commands: [[[UInt8]]]) throws(RemoteError) -> [RESPValue] {
        let deadline = Deadline(milliseconds: timeoutMs)
        do {
            if connection == nil {
                connectAttempts += 1
                connection = try RESPConnection.open(settings.url, password: settings.password, tls: settings.tls, deadline: deadline)
            }
            return try connection!.pipeline(commands, deadline: deadline)
        } catch {
            dropConnection()
            if error.isTLSFailure { onTLSFailure?(error) }
            throw error
        }
    }

    private func dropConnection() { connection = nil }

    /// How the kept connection is protected (`RESPConnection.protection`), for `doctor`.
    public var protection: String? { connection?.protection }

    /// A reply of the wrong type: the stream can no longer be trusted, so the connection goes and
    /// the breaker counts it like any other failure.
    private func unexpectedReply(to command: String, _ ticket: CircuitBreaker.Ticket) -> String {
        let why = RemoteError.protocolError("unexpected reply to \(command)").message
        breaker.recordFailure(why, ticket)
        dropConnection()
        return why
    }

    /// Why a skipped call did not reach the server, for warnings and `doctor`.
    static func pausedText(_ permit: CircuitBreaker.Permit) -> String {
        guard case .skip(let state) = permit else { return "" }
        return "remote paused for \(max(0, state.openUntilMs - Clock.nowMs()) / 1000)s after: \(state.lastError ?? "an error")"
    }
}
