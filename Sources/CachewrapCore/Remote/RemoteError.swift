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
    /// TLS: no CA this machine trusts signed the server's certificate (OpenSSL's words, e.g.
    /// "self-signed certificate in certificate chain", "unable to get local issuer certificate").
    case untrustedCertificate(String)
    /// TLS: the server's certificate (or one above it) has expired, or is not valid yet.
    case certificateExpired(notYetValid: Bool)
    /// TLS: a valid certificate, but not for the host name (or IP) in `CACHEWRAP_REMOTE`.
    case certificateHostMismatch(String)
    /// TLS: any other reason the server's certificate failed verification (OpenSSL's words).
    case certificateRejected(String)
    /// TLS: the server asks for a client certificate (mutual TLS) and none is configured.
    case clientCertificateRequired
    /// TLS: the server did not accept the client certificate (the alert it sent).
    case clientCertificateRefused(String)
    /// TLS: the handshake failed otherwise: no TLS on that port, nothing common at TLS 1.2 or
    /// later, a handshake alert (OpenSSL's words).
    case tlsHandshake(String)
    /// TLS could not be set up on this machine: a CA, certificate or key file OpenSSL cannot use,
    /// a key that does not match its certificate, no CA store.
    case tlsSetup(String)

    /// One line for `doctor`, `stats` and warnings; never contains the password (we never send it
    /// back, and Redis never echoes it).
    public var message: String {
        switch self {
        case .timeout: "timed out"
        case .unreachable(let why): why
        case .protocolError(let why): "protocol error: \(why)"
        case .server(let text): text
        case .untrustedCertificate(let why): "TLS: the server's certificate is not signed by a CA this machine trusts (\(why))"
        case .certificateExpired(let notYet):
            notYet ? "TLS: the server's certificate is not valid yet" : "TLS: the server's certificate has expired"
        case .certificateHostMismatch(let host): "TLS: the server's certificate is not for \(host)"
        case .certificateRejected(let why): "TLS: the server's certificate was rejected: \(why)"
        case .clientCertificateRequired: "TLS: the server requires a client certificate"
        case .clientCertificateRefused(let why): "TLS: the server refused the client certificate (\(why))"
        case .tlsHandshake(let why): "TLS handshake failed: \(why)"
        case .tlsSetup(let why): "TLS: \(why)"
        }
    }

    /// What to change for a TLS failure, for `doctor`'s fix line; nil for the other cases, whose
    /// fix depends on the server (start it, check the password) rather than on this error.
    public var fix: String? {
        switch self {
        case .timeout, .unreachable, .protocolError, .server: nil
        case .untrustedCertificate:
            "set CACHEWRAP_REMOTE_CA to the PEM file of the CA that signed the server's certificate (the provider documents it)"
        case .certificateExpired: "renew the server's certificate, or correct this machine's clock"
        case .certificateHostMismatch:
            "connect by a name the certificate lists (openssl s_client -connect HOST:PORT shows them), or reissue it for this name"
        case .certificateRejected: "check the server's certificate chain with openssl s_client -connect HOST:PORT -verify_return_error"
        case .clientCertificateRequired: "set CACHEWRAP_REMOTE_CERT and CACHEWRAP_REMOTE_KEY to this machine's client certificate and key"
        case .clientCertificateRefused: "use a client certificate signed by a CA the server trusts (its tls-ca-cert-file)"
        case .tlsHandshake: "check that the port speaks TLS (rediss://) and accepts TLS 1.2 or later"
        case .tlsSetup: "fix CACHEWRAP_REMOTE_CA, CACHEWRAP_REMOTE_CERT or CACHEWRAP_REMOTE_KEY"
        }
    }

    /// A TLS failure will not go away by waiting (unlike a timeout or a restarting server), so the
    /// run path says so on stderr rather than only counting it (see `RemoteTier`).
    public var isTLSFailure: Bool { fix != nil }

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
    case passwordInURL
    case badURL(String)
    case badMode(String)
    case badTimeout(String)
    case badNamespace(String)
    case passwordFile(path: String, why: String)
    case twoPasswords
    /// A TLS variable (named) is set, but the URL is not `rediss://`: a forgotten `s` must not
    /// send the password and the outputs in the clear.
    case tlsWithoutRediss(String)
    /// One of `CACHEWRAP_REMOTE_CERT` and `CACHEWRAP_REMOTE_KEY` without the other (the one missing).
    case halfClientCertificate(missing: String)
    case tlsFile(variable: String, path: String, why: String)
    /// The client key is readable by group or others (its mode): refused, as ssh refuses such keys.
    case keyFileMode(path: String, mode: UInt32)

    public var message: String {
        switch self {
        case .passwordInURL:
            "CACHEWRAP_REMOTE must not contain a password (it would end up in shell history and process "
                + "lists): remove it and set CACHEWRAP_REMOTE_PASSWORD or CACHEWRAP_REMOTE_PASSWORD_FILE"
        case .badURL(let why):
            "CACHEWRAP_REMOTE: \(why) (expected redis://[USER@]HOST[:PORT][/DB], the same with rediss:// for TLS, "
                + "or redis+unix:///PATH[?db=N])"
        case .badMode(let mode): "CACHEWRAP_REMOTE_MODE='\(mode.prefix(40))': use rw, ro or off"
        case .badTimeout(let text):
            "CACHEWRAP_REMOTE_TIMEOUT='\(text.prefix(40))': use a duration from \(UserNumbers.remoteTimeout.limits.low) "
                + "to \(UserNumbers.remoteTimeout.limits.high), e.g. 50ms or 1s"
        case .badNamespace(let why): "CACHEWRAP_REMOTE_NAMESPACE: \(why)"
        case .passwordFile(let path, let why): "CACHEWRAP_REMOTE_PASSWORD_FILE \(path): \(why)"
        case .twoPasswords: "set only one of CACHEWRAP_REMOTE_PASSWORD and CACHEWRAP_REMOTE_PASSWORD_FILE"
        case .tlsWithoutRediss(let variable):
            "\(variable) is set but CACHEWRAP_REMOTE is not rediss://: use rediss:// (TLS), or unset \(variable)"
        case .halfClientCertificate(let missing):
            "a client certificate needs both CACHEWRAP_REMOTE_CERT and CACHEWRAP_REMOTE_KEY: \(missing) is not set"
        case .tlsFile(let variable, let path, let why): "\(variable) \(path): \(why)"
        case .keyFileMode(let path, let mode):
            "CACHEWRAP_REMOTE_KEY \(path) is readable by \(mode & 0o007 != 0 ? "others" : "its group") "
                + "(mode \(String(mode, radix: 8))): refused; fix: chmod 600 \(Display.quote(path))"
        }
    }
}
