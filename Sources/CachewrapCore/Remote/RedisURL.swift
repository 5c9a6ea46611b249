/// Where the team cache server listens: TCP (a name or an IP literal) or a Unix socket path.
public enum RedisEndpoint: Sendable, Equatable {
    case tcp(host: String, port: UInt16)
    case unix(path: String)
}

/// `CACHEWRAP_REMOTE` parsed: `redis://[user@]host[:port][/db]`, the same with `rediss://` (TLS,
/// the server's certificate verified; see `TLSOptions`), or `redis+unix://[user@]/path[?db=N]`.
///
/// Deliberately strict: the URL never carries a password (it would land in shell history, `ps`
/// and CI logs; the password comes from `CACHEWRAP_REMOTE_PASSWORD[_FILE]`), and anything
/// unexpected is an error rather than a guess.
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    public var endpoint: RedisEndpoint
    /// `rediss://`: the TCP stream is TLS. Never true for a Unix socket.
    public var tls: Bool
    /// The ACL user for `AUTH user pass`; nil means the `default` user (`AUTH pass`).
    public var user: String?
    /// The logical database chosen with SELECT; 0 needs no SELECT.
    public var database: Int

    public init(endpoint: RedisEndpoint, tls: Bool = false, user: String? = nil, database: Int = 0) {
        self.endpoint = endpoint; self.tls = tls; self.user = user; self.database = database
    }

    /// Parses the URL. Errors never echo the whole text, so a mistyped password cannot leak
    /// through an error message either.
    public static func parse(_ text: String) throws(RemoteConfigError) -> RedisURL {
        let lower = text.lowercased()
        if lower.hasPrefix("redis+unix://") { return try parseUnix(String(text.dropFirst(13))) }
        let tls = lower.hasPrefix("rediss://")
        guard tls || lower.hasPrefix("redis://") else { throw .badURL("the scheme must be redis://, rediss:// or redis+unix://") }
        let rest = String(text.dropFirst(tls ? 9 : 8))
        let (authority, path) = split(rest, at: "/")
        let (user, hostPort) = try userInfo(authority)
        guard !rest.contains("?"), !rest.contains("#") else {
            throw .badURL("\(tls ? "rediss" : "redis"):// takes no query (choose the database with /DB)")
        }
        let (host, port) = try hostAndPort(hostPort)
        let db = try database(path.map { $0.isEmpty ? nil : $0 } ?? nil)
        return RedisURL(endpoint: .tcp(host: host, port: port), tls: tls, user: user, database: db)
    }

    /// The part after `redis+unix://`: an empty authority (or `user@`), an absolute path, `?db=N`.
    private static func parseUnix(_ rest: String) throws(RemoteConfigError) -> RedisURL {
        let (beforeQuery, query) = split(rest, at: "?")
        let (authority, path) = split(beforeQuery, at: "/")
        let (user, host) = try userInfo(authority)
        guard host.isEmpty else { throw .badURL("redis+unix:// takes no host: write redis+unix:///PATH") }
        guard let path, !path.isEmpty else { throw .badURL("redis+unix:// needs an absolute socket path") }
        let socketPath = try percentDecoded("/" + path)
        guard socketPath.utf8.count < 108 else { throw .badURL("the socket path is longer than 107 bytes") }
        var db: String?
        for parameter in (query ?? "").split(separator: "&") {
            guard parameter.hasPrefix("db=") else { throw .badURL("the only query parameter is db=N") }
            db = String(parameter.dropFirst(3))
        }
        return RedisURL(endpoint: .unix(path: socketPath), user: user, database: try database(db))
    }

    /// Splits off `user@`; a `:` in the user part means a password was written into the URL.
    private static func userInfo(_ authority: String) throws(RemoteConfigError) -> (String?, String) {
        guard let at = authority.lastIndex(of: "@") else { return (nil, authority) }
        let info = authority[..<at]
        if info.contains(":") { throw .passwordInURL }
        let user = try percentDecoded(String(info))
        guard user.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value != 127 }) else {
            throw .badURL("the user name has spaces or control characters")
        }
        return (user.isEmpty ? nil : user, String(authority[authority.index(after: at)...]))
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`; the port defaults to 6379.
    private static func hostAndPort(_ text: String) throws(RemoteConfigError) -> (String, UInt16) {
        var host = text, portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .badURL("an IPv6 host needs a closing ]") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw .badURL("unexpected text after ]") }
            portText = after.isEmpty ? nil : after.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { throw .badURL("write an IPv6 host in brackets: redis://[::1]:6379") }
        }
        guard !host.isEmpty else { throw .badURL("no host (write redis://127.0.0.1 for this machine)") }
        let allowed = host.unicodeScalars.allSatisfy { s in
            s.properties.isASCIIHexDigit || ("g"..."z").contains(s) || ("G"..."Z").contains(s) || ".-_:%".unicodeScalars.contains(s)
        }
        guard allowed else { throw .badURL("the host has characters a host name cannot have") }
        guard let portText else { return (host, 6379) }
        guard let port = UInt16(portText), port > 0 else { throw .badURL("the port must be 1-65535") }
        return (host, port)
    }

    private static func database(_ text: String?) throws(RemoteConfigError) -> Int {
        guard let text else { return 0 }
        guard let db = Int(text), db >= 0, db < 1_000_000 else { throw .badURL("the database must be a number like /0 or ?db=0") }
        return db
    }

    /// Splits at the first `separator`; the second part is nil when there is none.
    private static func split(_ text: String, at separator: Character) -> (String, String?) {
        guard let i = text.firstIndex(of: separator) else { return (text, nil) }
        return (String(text[..<i]), String(text[text.index(after: i)...]))
    }

    /// Decodes `%XX` escapes (a user name or socket path may need them); malformed escapes are errors.
    private static func percentDecoded(_ text: String) throws(RemoteConfigError) -> String {
        guard text.contains("%") else { return text }
        var out: [UInt8] = [], bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%") else { out.append(byte); continue }
            guard bytes.count >= 2, let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) else {
                throw .badURL("a % escape must be followed by two hex digits")
            }
            out.append(value)
            bytes = bytes.dropFirst(2)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The URL as `config` and `doctor` show it: the user is not secret, and there is never a password.
    public var description: String {
        let user = self.user.map { "\($0)@" } ?? ""
        switch endpoint {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "\(tls ? "rediss" : "redis")://\(user)\(shownHost):\(port)" + (database == 0 ? "" : "/\(database)")
        case .unix(let path):
            return "redis+unix://\(user)\(path)" + (database == 0 ? "" : "?db=\(database)")
        }
    }
}
