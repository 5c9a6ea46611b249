import COpenSSL
import Glibc

/// The OpenSSL BIO a TLS session reads and writes its socket through. OpenSSL's own socket BIO
/// writes with write(2), so a server that hung up would kill cachewrap with SIGPIPE (which it
/// ignores only while a tool runs); this one sends with MSG_NOSIGNAL, as `PlainStream` does.
/// The socket is non-blocking: "would block" goes back to OpenSSL as a retry, which SSL_connect,
/// SSL_read and SSL_write report as WANT_READ or WANT_WRITE, and `TLSStream` waits in poll(2).
/// The BIO does not own the socket (its `TLSStream` closes it).
enum SocketBIO {
    /// Made once per process, on the first TLS connection.
    nonisolated(unsafe) private static let method: OpaquePointer? = {
        guard let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "cachewrap socket") else { return nil }
        _ = BIO_meth_set_write_ex(method) { bio, data, length, written in
            cachewrap_bio_clear_retry(bio)
            let n = send(socket(of: bio), data, length, Int32(MSG_NOSIGNAL))
            if n >= 0 { written?.pointee = n; return 1 }
            if errno == EAGAIN || errno == EINTR { cachewrap_bio_retry(bio, 1) }
            return 0
        }
        _ = BIO_meth_set_read_ex(method) { bio, data, length, read in
            cachewrap_bio_clear_retry(bio)
            let n = recv(socket(of: bio), data, length, 0)
            if n > 0 { read?.pointee = n; return 1 }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { cachewrap_bio_retry(bio, 0) }
            return 0  // 0 bytes: the server closed its end
        }
        // Nothing is buffered here, so a flush is done at once; other controls do not apply.
        _ = BIO_meth_set_ctrl(method) { _, command, _, _ in command == BIO_CTRL_FLUSH ? 1 : 0 }
        return method
    }()

    /// A BIO over `fd`, or nil when OpenSSL could not make one (out of memory).
    static func make(fd: Int32) -> OpaquePointer? {
        guard let method, let bio = BIO_new(method) else { return nil }
        BIO_set_data(bio, UnsafeMutableRawPointer(bitPattern: Int(fd) + 1))  // +1: fd 0 is not a null pointer
        BIO_set_init(bio, 1)
        return bio
    }

    private static func socket(of bio: OpaquePointer?) -> Int32 {
        Int32(truncatingIfNeeded: Int(bitPattern: BIO_get_data(bio)) - 1)
    }
}
