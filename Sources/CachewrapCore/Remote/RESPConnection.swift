import Glibc

/// A RESP2 client over one non-blocking POSIX socket (TCP or Unix), in the clear or, for
/// `rediss://`, in TLS (`ByteStream`).
///
/// Every wait is a poll(2) bounded by the caller's `Deadline`, so connect, the TLS handshake,
/// AUTH, SELECT and the command round trip together can never take longer than the one deadline
/// of the operation.
/// AUTH and SELECT are not sent on their own: they ride in front of the first pipeline, so a
/// lookup costs one round trip after the TCP handshake. After any error the connection is
/// `broken` and must be dropped (the byte stream may be out of step with the replies).
public final class RESPConnection {
    private let stream: ByteStream
    private var reader = RESPReader()
    /// AUTH / SELECT still to be sent in front of the next pipeline (empty once done).
    private var handshake: [[[UInt8]]]
    public private(set) var broken = false

    private init(stream: ByteStream, handshake: [[[UInt8]]]) {
        self.stream = stream
        self.handshake = handshake
    }

    /// How the connection is protected ("TLSv1.3, certificate verified for HOST"), nil in the clear.
    public var protection: String? { stream.protection }

    /// Connects to `url`'s endpoint within `deadline`, with TLS for `rediss://` (checked as
    /// `tls` says). Tries each address of a host name in turn (IPv4 first, e.g. 127.0.0.1 then
    /// ::1 for localhost; see `HostResolver`) while time is left; a TLS failure is not retried at another address, since it
    /// is about the server's certificate or this machine's settings, not about the address.
    public static func open(_ url: RedisURL, password: RedisPassword?, tls: TLSOptions = TLSOptions(),
                            deadline: Deadline) throws(RemoteError) -> RESPConnection {
        var handshake: [[[UInt8]]] = []
        if let password {
            handshake.append([Array("AUTH".utf8)] + (url.user.map { [Array($0.utf8)] } ?? []) + [password.bytes])
        } else if let user = url.user {
            handshake.append([Array("AUTH".utf8), Array(user.utf8), []])  // a `nopass` ACL user
        }
        if url.database != 0 { handshake.append([Array("SELECT".utf8), Array(String(url.database).utf8)]) }
        switch url.endpoint {
        case .unix(let path):
            let fd = try connect(SocketAddress(unixPath: path), label: path, deadline: deadline)
            return RESPConnection(stream: PlainStream(fd: fd), handshake: handshake)
        case .tcp(let host, let port):
            let fd = try connect(host: host, port: port, deadline: deadline)
            let stream: ByteStream = url.tls ? try TLSStream(fd: fd, host: host, options: tls, deadline: deadline) : PlainStream(fd: fd)
            return RESPConnection(stream: stream, handshake: handshake)
        }
    }

    /// The first address of `host` that accepts a TCP connection.
    private static func connect(host: String, port: UInt16, deadline: Deadline) throws(RemoteError) -> Int32 {
        var lastError = RemoteError.unreachable("\(host):\(port): no address")
        for address in try HostResolver.resolve(host: host, port: port, deadline: deadline) {
            do {
                return try connect(address, label: "\(host):\(port)", deadline: deadline)
            } catch .timeout {
                throw .timeout
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// A non-blocking connect, waiting for completion with poll; returns the connected socket.
    private static func connect(_ address: SocketAddress, label: String, deadline: Deadline) throws(RemoteError) -> Int32 {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .unreachable("\(label): socket: \(errnoText(errno))") }
        if address.family != AF_UNIX {
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let status = address.bytes.withUnsafeBytes {
            Glibc.connect(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
        }
        var failure = status == 0 ? 0 : errno
        if failure == EINPROGRESS || failure == EINTR {
            do { try deadline.wait(fd, for: Int32(POLLOUT)) } catch { close(fd); throw error }
            var length = socklen_t(MemoryLayout<Int32>.size)
            failure = 0
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
        }
        guard failure == 0 else {
            close(fd)
            throw .unreachable("\(label): \(errnoText(failure))")
        }
        return fd
    }

    /// Sends `commands` in one write and reads one reply per command, all within `deadline`.
    /// Error replies to the commands come back as `.error` values (the caller decides what they
    /// mean); an error reply to AUTH or SELECT is thrown as `.server`, since nothing can work then.
    /// Meant for small pipelines (a lookup, a few writes): all requests are written before any
    /// reply is read, which is safe as long as the replies fit in the socket buffers or arrive
    /// after the requests are consumed, as they do for GET+PTTL or a SET.
    public func pipeline(_ commands: [[[UInt8]]], deadline: Deadline) throws(RemoteError) -> [RESPValue] {
        guard !broken else { throw .protocolError("connection already failed") }
        do throws(RemoteError) {
            var request: [UInt8] = []
            for command in handshake + commands { RESPEncoder.append(command, to: &request) }
            try stream.send(request, deadline: deadline)
            for _ in handshake {
                let reply = try readReply(deadline: deadline)
                if case .error(let text) = reply { throw .server(text) }
            }
            handshake = []
            var replies: [RESPValue] = []
            replies.reserveCapacity(commands.count)
            for _ in commands { replies.append(try readReply(deadline: deadline)) }
            return replies
        } catch {
            broken = true
            throw error
        }
    }

    /// One command's reply (see `pipeline`).
    public func command(_ arguments: [[UInt8]], deadline: Deadline) throws(RemoteError) -> RESPValue {
        try pipeline([arguments], deadline: deadline)[0]
    }

    /// Reads until one whole reply is buffered. Reads are as large as the data waiting (up to
    /// 256 KiB in the clear, a 16 KiB record in TLS), so a 1 MiB value costs few system calls.
    private func readReply(deadline: Deadline) throws(RemoteError) -> RESPValue {
        while true {
            if let reply = try reader.next() { return reply }
            try withUnsafeTemporaryAllocation(byteCount: 256 << 10, alignment: 16) { buffer throws(RemoteError) in
                let n = try stream.receive(into: buffer, deadline: deadline)
                reader.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
        }
    }
}
