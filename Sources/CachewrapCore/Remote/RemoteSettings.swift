import Glibc

/// What this machine may do with the team cache: `rw` reads and writes, `ro` only reads (e.g.
/// developers reading what CI wrote), `off` never connects at all.
public enum RemoteMode: String, Sendable {
    case rw, ro, off
}

/// The team cache password. A wrapper rather than a `String` so that printing, interpolating or
/// dumping settings can never show it: every description is `<redacted>`. Only the connection
/// reads `bytes`, to send them in AUTH.
public struct RedisPassword: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    let bytes: [UInt8]
    public init(_ text: String) { bytes = Array(text.utf8) }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// Everything `CACHEWRAP_REMOTE*` says, validated once, so the run path, `config` and `doctor` all
/// see the same settings and the same errors.
public struct RemoteSettings: Sendable, CustomStringConvertible {
    public var url: RedisURL
    public var password: RedisPassword?
    /// Where the password came from (a variable name, or the file's path), for `config`/`doctor`.
    public var passwordSource: String?
    /// The key prefix after `cw:v1:`: `u:<user>` keeps a user's entries to themself, `t:<team>` shares.
    public var namespace: String
    public var mode: RemoteMode
    /// The one deadline of a lookup: connect, TLS handshake, AUTH, SELECT and GET+PTTL together.
    public var timeoutMs: Int64
    /// For `rediss://`: the CA to trust and the client certificate.
    public var tls: TLSOptions

    public init(url: RedisURL, password: RedisPassword? = nil, namespace: String,
                mode: RemoteMode = .rw, timeoutMs: Int64 = RemoteSettings.defaultTimeoutMs, tls: TLSOptions = TLSOptions()) {
        self.url = url; self.password = password; self.namespace = namespace
        self.mode = mode; self.timeoutMs = timeoutMs; self.tls = tls
    }

    /// The range (`UserNumbers.remoteTimeout`, 1ms to 60s): above a minute a "cache" lookup is
    /// no longer cheaper than running most tools.
    public static let defaultTimeoutMs: Int64 = 50

    /// Reads the environment (through `lookup`, so tests need not touch the process's own); nil
    /// when `CACHEWRAP_REMOTE` is unset or empty. The wrap path should warn once on an error and
    /// run without the remote (fail open); `config` and `doctor` show the error's message.
    public static func fromEnvironment(
        _ lookup: (String) -> String? = Environment.get
    ) throws(RemoteConfigError) -> RemoteSettings? {
        guard let text = lookup("CACHEWRAP_REMOTE"), !text.isEmpty else { return nil }
        var settings = RemoteSettings(url: try RedisURL.parse(text), namespace: "")
        if let mode = lookup("CACHEWRAP_REMOTE_MODE"), !mode.isEmpty {
            guard let parsed = RemoteMode(rawValue: mode.lowercased()) else { throw .badMode(mode) }
            settings.mode = parsed
        }
        if let timeout = lookup("CACHEWRAP_REMOTE_TIMEOUT"), !timeout.isEmpty {
            // Refused with the other remote settings, not defaulted: `doctor` and `config` show it.
            do {
                settings.timeoutMs = try UserNumbers.remoteTimeout.parse(timeout, name: "CACHEWRAP_REMOTE_TIMEOUT")
            } catch {
                throw .badTimeout(timeout)
            }
        }
        let namespace = lookup("CACHEWRAP_REMOTE_NAMESPACE").flatMap { $0.isEmpty ? nil : $0 }
        settings.namespace = namespace ?? defaultNamespace()
        if let namespace, let why = namespaceProblem(namespace) { throw .badNamespace(why) }
        (settings.password, settings.passwordSource) = try password(lookup)
        settings.tls = try TLSOptions.fromEnvironment(lookup, tls: settings.url.tls)
        return settings
    }

    /// `CACHEWRAP_REMOTE_PASSWORD`, or the first line of `CACHEWRAP_REMOTE_PASSWORD_FILE` (the
    /// trailing newline editors add is dropped); both set is an error, not a silent choice.
    private static func password(
        _ lookup: (String) -> String?
    ) throws(RemoteConfigError) -> (RedisPassword?, String?) {
        let direct = lookup("CACHEWRAP_REMOTE_PASSWORD").flatMap { $0.isEmpty ? nil : $0 }
        let file = lookup("CACHEWRAP_REMOTE_PASSWORD_FILE").flatMap { $0.isEmpty ? nil : $0 }
        if direct != nil && file != nil { throw .twoPasswords }
        if let direct { return (RedisPassword(direct), "CACHEWRAP_REMOTE_PASSWORD") }
        guard let file else { return (nil, nil) }
        guard var bytes = FileIO.readFile(file, limit: 65536) else {
            throw .passwordFile(path: file, why: errnoText(errno))
        }
        if bytes.last == 10 { bytes.removeLast() }
        if bytes.last == 13 { bytes.removeLast() }
        guard !bytes.isEmpty else { throw .passwordFile(path: file, why: "the file is empty") }
        return (RedisPassword(String(decoding: bytes, as: UTF8.self)), file)
    }

    /// `u:` + the login name, so by default nobody reads another user's entries (their outputs
    /// may hold private data); characters a namespace may not have become `_`.
    /// The name is the effective uid's in /etc/passwd (`PasswdFile`, never NSS), not `$USER` or
    /// `$LOGNAME`: the namespace is a privacy boundary, and any process can set those to another
    /// user's name. A user /etc/passwd does not list (LDAP, sssd) gets `u:uid<N>`, just as private.
    static func defaultNamespace(account: PasswdFile.Account? = PasswdFile.account(uid: geteuid()), uid: uid_t = geteuid()) -> String {
        let cleaned = String((account?.name ?? "").unicodeScalars.map { isNamespaceScalar($0) ? Character($0) : "_" })
        return cleaned.isEmpty ? "u:uid\(uid)" : "u:" + cleaned
    }

    /// Letters, digits and `. _ - : @ +` only: no spaces or control bytes in keys, and none of the
    /// glob characters (`* ? [ ]`) that would widen an ACL key pattern such as `~cw:v1:t:ci:*`.
    static func isNamespaceScalar(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || "._-:@+".unicodeScalars.contains(s)
    }

    /// Why `namespace` is not acceptable, or nil when it is.
    static func namespaceProblem(_ namespace: String) -> String? {
        guard namespace.unicodeScalars.count <= 100 else { return "longer than 100 characters" }
        guard namespace.unicodeScalars.allSatisfy(isNamespaceScalar) else {
            return "'\(namespace.prefix(100))' may only have letters, digits and . _ - : @ +"
        }
        return nil
    }

    /// The Redis key of one entry: `cw:v1:<namespace>:<cid>`. The `v1` moves when the envelope
    /// format changes incompatibly, so old and new clients never read each other's values.
    public func key(for cid: String) -> String { "cw:v1:\(namespace):\(cid)" }

    /// Where a scope mark lives (see `Scope`): beside the values, in the same namespace, so every
    /// machine that shares the values shares the marks. Written without a TTL: a mark that
    /// vanished would let values made before it pass again.
    public func markKey(_ mark: String) -> String { "cw:v1:\(namespace):mark:\(Scope.markName(mark))" }

    /// Name/value pairs for `config` and `doctor`; the password appears only as set or not set.
    public var redactedFields: [(name: String, value: String)] {
        [
            ("remote", url.description),
            ("password", password == nil ? "none" : "set" + (passwordSource.map { " (from \($0))" } ?? "") + ", <redacted>"),
            ("namespace", namespace),
            ("mode", mode.rawValue),
            ("timeout", "\(timeoutMs)ms"),
        ] + (url.tls ? [("tls", tls.summary)] : [])
    }

    /// One line, safe to print anywhere (`"\(settings)"` uses it too).
    public var description: String {
        redactedFields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
    }
}
