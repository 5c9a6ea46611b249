import Glibc

/// What /etc/resolv.conf tells a stub resolver, read as glibc's res_init reads it, with the
/// parts a Redis URL's host name needs: up to three `nameserver`s (IPv4 or IPv6), the search
/// list (`search`, or `domain`: the last of them wins), and `options ndots:N timeout:N
/// attempts:N`. Other options (rotate, edns0, ...) and LOCALDOMAIN/RES_OPTIONS are ignored.
struct ResolvConf: Equatable, Sendable {
    var nameservers: [IPAddress]
    var search: [String]
    /// A name with at least this many dots is tried as given before the search list.
    var ndots: Int
    /// Seconds to wait for an answer before asking again, and how many times to ask.
    var timeoutSeconds: Int
    var attempts: Int

    static let path = "/etc/resolv.conf"
    static let readLimit = 1 << 20
    /// glibc's MAXNS and its caps on the options.
    static let maxNameservers = 3, maxNdots = 15, maxTimeoutSeconds = 30, maxAttempts = 5
    /// The longest search list kept: each domain can cost a round trip within the deadline.
    static let maxSearch = 6

    init(nameservers: [IPAddress], search: [String] = [], ndots: Int = 1, timeoutSeconds: Int = 5, attempts: Int = 2) {
        self.nameservers = nameservers; self.search = search; self.ndots = ndots
        self.timeoutSeconds = timeoutSeconds; self.attempts = attempts
    }

    /// This machine's settings; the search list defaults to the domain of its host name
    /// (gethostname(2) is uname, no NSS), as glibc's does.
    static func system() -> ResolvConf {
        var name = [UInt8](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0 ? String(decoding: name.prefix { $0 != 0 }, as: UTF8.self) : ""
        return parse(FileIO.readLines(path, limit: readLimit) ?? [], hostname: host)
    }

    /// Reads resolv.conf's bytes. Keywords start a line; `#` or `;` start a comment. With no
    /// usable `nameserver`, the server is 127.0.0.1 (glibc's default), so a machine running its
    /// own resolver without a resolv.conf still resolves.
    static func parse(_ bytes: ArraySlice<UInt8>, hostname: String = "") -> ResolvConf {
        var conf = ResolvConf(nameservers: [])
        var search: [String]?
        for line in bytes.split(separator: 10) {
            let content = line.prefix { $0 != UInt8(ascii: "#") && $0 != UInt8(ascii: ";") }
            let words = content.split { $0 == 32 || $0 == 9 || $0 == 13 }.map { String(decoding: $0, as: UTF8.self) }
            guard let keyword = words.first else { continue }
            let rest = words.dropFirst()
            switch keyword {
            case "nameserver":
                if let text = rest.first, let address = IPAddress(text), conf.nameservers.count < maxNameservers {
                    conf.nameservers.append(address)
                }
            case "domain": search = rest.first.map { [$0] } ?? []
            case "search": search = Array(rest.prefix(maxSearch))
            case "options": for option in rest { conf.apply(option) }
            default: continue
            }
        }
        if conf.nameservers.isEmpty { conf.nameservers = [.loopbackV4] }
        // Trailing dots dropped (`search corp.example.`); a domain that is no DNS name is no use.
        conf.search = (search ?? hostname.firstIndex(of: ".").map { [String(hostname[hostname.index(after: $0)...])] } ?? [])
            .map { String($0.reversed().drop { $0 == "." }.reversed()) }.filter { DNSName($0) != nil }
        return conf
    }

    /// One `options` word; a value out of range is clamped as glibc clamps it.
    private mutating func apply(_ option: String) {
        let parts = option.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let value = Int(parts[1].prefix(4)), value >= 0 else { return }
        switch parts[0] {
        case "ndots": ndots = min(value, Self.maxNdots)
        case "timeout": timeoutSeconds = max(1, min(value, Self.maxTimeoutSeconds))
        case "attempts": attempts = max(1, min(value, Self.maxAttempts))
        default: break
        }
    }

    /// The names to ask for, in order, as res_search tries them: a name ending in `.` is
    /// absolute and asked as it is; one with at least `ndots` dots is asked as given, then with
    /// each search domain; a shorter one with the search domains first, then as given.
    func candidates(for name: String) -> [String] {
        if name.hasSuffix(".") { return [String(name.dropLast())] }
        let expanded = search.map { name + "." + $0 }
        return name.filter { $0 == "." }.count >= ndots ? [name] + expanded : expanded + [name]
    }
}
