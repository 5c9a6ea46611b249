import Glibc

/// One socket address as raw `sockaddr` bytes, so IPv4, IPv6 and Unix addresses travel alike.
struct SocketAddress: Sendable, Equatable {
    var bytes: [UInt8]

    var family: Int32 {
        Int32(bytes.withUnsafeBytes { $0.loadUnaligned(as: sa_family_t.self) })
    }

    /// A Unix socket address for `path` (the caller has checked it fits in `sun_path`).
    init(unixPath path: String) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
        }
        bytes = withUnsafeBytes(of: &address) { Array($0) }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// `address` with `port`, as the `sockaddr_in` or `sockaddr_in6` that connect(2) takes.
    init(_ address: IPAddress, port: UInt16) {
        if address.bytes.count == 4 {
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &v4.sin_addr) { $0.copyBytes(from: address.bytes) }
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else {
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            v6.sin6_scope_id = address.scope
            withUnsafeMutableBytes(of: &v6.sin6_addr) { $0.copyBytes(from: address.bytes) }
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        }
    }
}

/// An IPv4 (4 bytes) or IPv6 (16 bytes, with the interface index of a scoped address) address:
/// what /etc/hosts, /etc/resolv.conf and DNS answers hold.
struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    let bytes: [UInt8]
    let scope: UInt32

    /// From 4 or 16 bytes (an A or AAAA record); nil for any other length.
    init?(bytes: [UInt8], scope: UInt32 = 0) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
        self.scope = bytes.count == 16 ? scope : 0
    }

    /// A literal as inet_pton(3) reads it (dotted quad, or IPv6 with an optional `%scope`, an
    /// interface name or number); nil for anything else, host names included. inet_pton and
    /// if_nametoindex are plain parsing and one ioctl: neither reaches NSS.
    init?<S: StringProtocol>(_ text: S) {
        let parts = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        var raw = [UInt8](repeating: 0, count: 16)
        if parts.count == 1, inet_pton(AF_INET, String(text), &raw) == 1 {
            self.init(bytes: Array(raw.prefix(4)))
            return
        }
        guard inet_pton(AF_INET6, String(parts[0]), &raw) == 1 else { return nil }
        var scope: UInt32 = 0
        if parts.count == 2 {
            let name = String(parts[1])
            scope = UInt32(name) ?? if_nametoindex(name)
            guard scope != 0 else { return nil }
        }
        self.init(bytes: raw, scope: scope)
    }

    var isIPv4: Bool { bytes.count == 4 }

    /// The usual text form (inet_ntop), for messages and tests.
    var description: String {
        var out = [UInt8](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = out.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { inet_ntop(isIPv4 ? AF_INET : AF_INET6, bytes, $0.baseAddress, socklen_t($0.count)) }
        }
        return String(decoding: out.prefix { $0 != 0 }, as: UTF8.self) + (scope != 0 ? "%\(scope)" : "")
    }

    static let loopbackV4 = IPAddress(bytes: [127, 0, 0, 1])!
    static let loopbackV6 = IPAddress(bytes: [UInt8](repeating: 0, count: 15) + [1])!
}
