import Glibc

/// Every way a talk with the team cache can fail, kept small on purpose: the caller only needs to
/// know whether to fail open quietly, trip the circuit breaker, or drop one write for good.
public enum RemoteError: Error, Equatable, Sendable {
    /// The operation's one deadline passed (connect, handshake or reply): a slow or hung server.
    case timeout
    /// Nothing to talk to: refused, no route, unknown host, missing Unix socket.
    case unreachable(String)
    /// The bytes on the wire were not RESP2 as we know it, or the server hung up mid-reply.
    case protocolError(String)
    /// The server answered with an error line, kept verbatim (e.g. "NOAUTH Authentication required.",
    /// "WRONGPASS invalid username-password pair or user is disabled.", "NOPERM ...", "READONLY ...").
    case server(String)

    /// One line for `doctor`, `stats` and warnings; never contains the password (we never send it
    /// back, and Redis never echoes it).
    public var message: String {
        switch self {
        case .timeout: "timed out"
        case .unreachable(let why): why
        case .protocolError(let why): "protocol error: \(why)"
        case .server(let text): text
        }
    }

    /// The first word of a server error (`NOAUTH`, `WRONGPASS`, `NOPERM`, `ERR`...), which is
    /// what Redis documents as the error's kind; "" for the other cases.
    public var serverCode: String {
        guard case .server(let text) = self else { return "" }
        return String(text.prefix { $0 != " " })
    }

    /// Credentials are wrong or missing: nothing will work until the configuration changes, so the
    /// breaker opens (a whole fleet hammering Redis with a bad password helps nobody).
    public var isAuthFailure: Bool {
        ["NOAUTH", "WRONGPASS"].contains(serverCode)
            || (serverCode == "ERR" && message.contains("AUTH"))
    }
}

/// A point in time on the monotonic clock after which an operation must give up. One deadline is
/// made per remote operation and handed down to connect, handshake and reply reading, so the sum
/// of all their waits can never exceed it (a wall-clock jump cannot stretch it either).
public struct Deadline: Sendable {
    /// CLOCK_MONOTONIC nanoseconds at which time is up.
    let endNs: UInt64

    /// A deadline `milliseconds` from now.
    public init(milliseconds: Int64) {
        endNs = Deadline.nowNs() &+ UInt64(max(0, milliseconds)) &* 1_000_000
    }

    /// Monotonic now, in nanoseconds.
    static func nowNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// What is left, in whole milliseconds for poll(2), rounded up so a wait of 0.3 ms does not
    /// turn into a busy loop of zero-timeout polls; 0 once the deadline has passed.
    var pollMilliseconds: Int32 {
        let now = Deadline.nowNs()
        guard now < endNs else { return 0 }
        return Int32(min(UInt64(Int32.max), (endNs - now + 999_999) / 1_000_000))
    }

    /// Waits until `fd` is ready for `events` (POLLIN or POLLOUT); throws `.timeout` when the
    /// deadline passes first. Hang-ups and errors count as ready: the next read or write reports them.
    func wait(_ fd: Int32, for events: Int32) throws(RemoteError) {
        while true {
            let left = pollMilliseconds
            guard left > 0 else { throw .timeout }
            var p = pollfd(fd: fd, events: Int16(events), revents: 0)
            let n = poll(&p, 1, left)
            if n > 0 { return }
            if n < 0 && errno != EINTR { throw .protocolError("poll: \(errnoText(errno))") }
        }
    }
}

/// A `CACHEWRAP_REMOTE*` setting that cannot be used, with the message the user reads. Messages
/// never echo the URL or a password: only the offending part and how to fix it.
public enum RemoteConfigError: Error, Equatable, Sendable {
    case tlsNotSupported
    case passwordInURL
    case badURL(String)
    case badMode(String)
    case badTimeout(String)
    case badNamespace(String)
    case passwordFile(path: String, why: String)
    case twoPasswords

    public var message: String {
        switch self {
        case .tlsNotSupported:
            "CACHEWRAP_REMOTE: rediss:// (TLS) is not supported; use redis:// on a trusted network or "
                + "a Unix socket, or a local TLS tunnel (stunnel, spiped) and point redis:// at it"
        case .passwordInURL:
            "CACHEWRAP_REMOTE must not contain a password (it would end up in shell history and process "
                + "lists): remove it and set CACHEWRAP_REMOTE_PASSWORD or CACHEWRAP_REMOTE_PASSWORD_FILE"
        case .badURL(let why):
            "CACHEWRAP_REMOTE: \(why) (expected redis://[USER@]HOST[:PORT][/DB] or redis+unix:///PATH[?db=N])"
        case .badMode(let mode): "CACHEWRAP_REMOTE_MODE='\(mode.prefix(40))': use rw, ro or off"
        case .badTimeout(let text):
            "CACHEWRAP_REMOTE_TIMEOUT='\(text.prefix(40))': use a duration from \(UserNumbers.remoteTimeout.limits.low) "
                + "to \(UserNumbers.remoteTimeout.limits.high), e.g. 50ms or 1s"
        case .badNamespace(let why): "CACHEWRAP_REMOTE_NAMESPACE: \(why)"
        case .passwordFile(let path, let why): "CACHEWRAP_REMOTE_PASSWORD_FILE \(path): \(why)"
        case .twoPasswords: "set only one of CACHEWRAP_REMOTE_PASSWORD and CACHEWRAP_REMOTE_PASSWORD_FILE"
        }
    }
}
