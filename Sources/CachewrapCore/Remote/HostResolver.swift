/// Resolves the host of a `redis://` or `rediss://` URL within a deadline, as glibc's
/// `hosts: files dns` does, without calling glibc's resolver: an address literal
/// (`IPAddress`), then /etc/hosts (`HostsFile`), then `localhost` and `*.localhost` as the
/// loopback addresses (RFC 6761, so such a name never goes out to DNS), then DNS
/// (`DNSResolver`, nameservers from /etc/resolv.conf).
///
/// Why not getaddrinfo(3): the release binary is static, and glibc's static NSS dlopen()s the
/// running system's `libnss_*.so` for every source its nsswitch.conf names beyond files and dns
/// (mdns, resolve, myhostname, sss...), whose glibc may not be the one linked in; that can fail
/// or crash (docs/architecture.md, The static binary and NSS). Sources other than files and dns are therefore not
/// consulted. And getaddrinfo blocks for as long as DNS takes, which needed a
/// thread to keep the deadline; every step here is a file read or a poll on our own sockets.
enum HostResolver {
    /// The addresses of `host:port`, IPv4 before IPv6 (see `DNSResolver.resolve` for why), each
    /// in the order its source gives.
    static func resolve(host: String, port: UInt16, deadline: Deadline) throws(RemoteError) -> [SocketAddress] {
        try addresses(of: host, deadline: deadline).map { SocketAddress($0, port: port) }
    }

    static func addresses(of host: String, deadline: Deadline) throws(RemoteError) -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        let listed = HostsFile.addresses(of: host)
        if !listed.isEmpty { return listed.filter(\.isIPv4) + listed.filter { !$0.isIPv4 } }
        let name = HostsFile.comparable(host)
        if name == Array("localhost".utf8) || name.reversed().starts(with: ".localhost".utf8.reversed()) {
            return [.loopbackV4, .loopbackV6]
        }
        return try DNSResolver(conf: .system()).resolve(host, deadline: deadline)
    }
}
