import Glibc

/// The bytes RESP travels over: a plain socket (`PlainStream`) or a TLS session on one
/// (`TLSStream`), so `RESPConnection` neither knows nor cares which. Every wait is a poll(2)
/// bounded by the caller's deadline. A stream owns its socket and closes it when dropped.
protocol ByteStream: AnyObject {
    /// Sends all of `bytes`.
    func send(_ bytes: [UInt8], deadline: Deadline) throws(RemoteError)
    /// Waits for at least one byte and puts what has arrived (up to the buffer's size) into
    /// `buffer`; returns how many. The server closing its end is an error.
    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(RemoteError) -> Int
    /// How the bytes are protected, for `doctor` ("TLSv1.3, verified for HOST"); nil for none.
    var protection: String? { get }
}

/// A connected, non-blocking TCP or Unix socket.
final class PlainStream: ByteStream {
    private let fd: Int32

    init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    var protection: String? { nil }

    func send(_ bytes: [UInt8], deadline: Deadline) throws(RemoteError) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n >= 0 { sent += n; continue }
            switch errno {
            case EINTR: continue
            case EAGAIN: try deadline.wait(fd, for: Int32(POLLOUT))
            default: throw .unreachable("send: \(errnoText(errno))")
            }
        }
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(RemoteError) -> Int {
        while true {
            try deadline.wait(fd, for: Int32(POLLIN))
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 { return n }
            if n == 0 { throw .unreachable("the server closed the connection") }
            if errno != EINTR && errno != EAGAIN { throw .unreachable("recv: \(errnoText(errno))") }
        }
    }
}
