import Glibc

/// One socket address as raw `sockaddr` bytes, so IPv4, IPv6 and Unix addresses travel alike.
struct SocketAddress: Sendable {
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
}

/// Resolves a host name within a deadline. getaddrinfo(3) blocks for as long as DNS takes and
/// glibc's getaddrinfo_a is not visible to Swift, so an IP literal is converted at once and a name
/// is looked up on a detached thread we stop waiting for at the deadline. The thread hands its
/// answer over a socketpair and owns its own end, so nothing is shared and an abandoned lookup
/// just finishes (its send fails quietly with MSG_NOSIGNAL) and exits.
enum HostResolver {
    /// The addresses of `host:port` in getaddrinfo's order (IPv6 and IPv4 as configured).
    static func resolve(host: String, port: UInt16, deadline: Deadline) throws(RemoteError) -> [SocketAddress] {
        if let numeric = lookup(host: host, port: port, flags: AI_NUMERICHOST | AI_NUMERICSERV), case .success(let a) = numeric {
            return a
        }
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw .unreachable("\(host): cannot resolve: \(errnoText(errno))")
        }
        defer { close(fds[0]) }
        let job = Unmanaged.passRetained(Job(host: host, port: port, fd: fds[1])).toOpaque()
        var thread = pthread_t()
        guard pthread_create(&thread, nil, { raw in
            Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, job) == 0 else {
            Unmanaged<Job>.fromOpaque(job).release()
            close(fds[1])
            throw .unreachable("\(host): cannot resolve: no thread")
        }
        pthread_detach(thread)
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            try deadline.wait(fds[0], for: Int32(POLLIN))
            let n = chunk.withUnsafeMutableBytes { recv(fds[0], $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { answer.append(contentsOf: chunk[0..<n]); continue }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            break
        }
        return try decode(answer, host: host)
    }

    /// The thread's side: one blocking getaddrinfo, its answer serialised onto `fd`, then `fd` closed.
    private final class Job {
        let host: String, port: UInt16, fd: Int32
        init(host: String, port: UInt16, fd: Int32) { self.host = host; self.port = port; self.fd = fd }

        func run() {
            var out: [UInt8]
            switch HostResolver.lookup(host: host, port: port, flags: AI_NUMERICSERV) {
            case .success(let addresses)?:
                out = [1]
                for a in addresses { out.append(UInt8(a.bytes.count)); out.append(contentsOf: a.bytes) }
            case .failure(let why)?: out = [0] + Array(why.text.utf8)
            case nil: out = [0] + Array("no address".utf8)
            }
            _ = out.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(fd)
        }
    }

    /// Reads the thread's answer: `1` then length-prefixed addresses, or `0` then the error text.
    private static func decode(_ answer: [UInt8], host: String) throws(RemoteError) -> [SocketAddress] {
        guard answer.first == 1 else {
            throw .unreachable("\(host): cannot resolve: \(String(decoding: answer.dropFirst(), as: UTF8.self))")
        }
        var addresses: [SocketAddress] = []
        var at = 1
        while at < answer.count {
            let length = Int(answer[at])
            guard at + 1 + length <= answer.count else { break }
            addresses.append(SocketAddress(bytes: Array(answer[(at + 1)..<(at + 1 + length)])))
            at += 1 + length
        }
        guard !addresses.isEmpty else { throw .unreachable("\(host): no address") }
        return addresses
    }

    /// getaddrinfo for stream sockets; nil when it found nothing (or, with AI_NUMERICHOST, the
    /// host is a name), a failure with gai_strerror's text otherwise.
    static func lookup(host: String, port: UInt16, flags: Int32) -> Result<[SocketAddress], LookupFailure>? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = flags
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else {
            return status == EAI_NONAME && flags & AI_NUMERICHOST != 0 ? nil : .failure(LookupFailure(String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var node = list
        while let entry = node {
            if let addr = entry.pointee.ai_addr {
                addresses.append(SocketAddress(bytes: Array(UnsafeRawBufferPointer(start: addr, count: Int(entry.pointee.ai_addrlen)))))
            }
            node = entry.pointee.ai_next
        }
        return addresses.isEmpty ? nil : .success(addresses)
    }

    /// getaddrinfo's error text, as an Error so it can sit in a Result.
    struct LookupFailure: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }
}
