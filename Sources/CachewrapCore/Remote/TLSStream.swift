import COpenSSL
import Glibc

/// TLS on a connected non-blocking socket: the handshake, then reads and writes, each step an
/// SSL_connect, SSL_read or SSL_write retried after poll(2) says the socket is ready for what
/// OpenSSL wants (WANT_READ, WANT_WRITE), within the operation's one deadline. The host name is
/// checked against the certificate and sent as SNI; an IP literal is checked against the
/// certificate's IP addresses and sent as no name (SNI carries names only).
final class TLSStream: ByteStream {
    private let fd: Int32
    private let ssl: OpaquePointer
    private let host: String
    /// Whether this side offers a client certificate, which decides how a refusal reads.
    private let presentsCertificate: Bool
    /// Whether a reply has come through: a server that drops the connection before that, after
    /// asking for a client certificate, did not accept ours (or our having none).
    private var received = false

    /// Takes `fd` over (closed on failure too) and completes the handshake.
    init(fd: Int32, host: String, options: TLSOptions, deadline: Deadline) throws(RemoteError) {
        self.fd = fd
        self.host = host
        presentsCertificate = options.certificateFile != nil
        do throws(RemoteError) {
            let context = try TLSContext(options)
            guard let ssl = SSL_new(context.pointer) else { throw .tlsSetup("SSL_new: \(TLSFailure.queuedText())") }
            guard let bio = SocketBIO.make(fd: fd) else {
                SSL_free(ssl)
                throw .tlsSetup("BIO_new: \(TLSFailure.queuedText())")
            }
            SSL_set_bio(ssl, bio, bio)  // the SSL owns the BIO from here; the BIO does not own the socket
            do { try Self.expect(host, on: ssl) } catch { SSL_free(ssl); throw error }
            self.ssl = ssl
        } catch {
            close(fd)
            throw error
        }
        while true {  // deinit frees the SSL and closes the socket if this throws
            ERR_clear_error()
            let result = SSL_connect(ssl)
            if result == 1 { break }
            try wait(after: result, deadline, handshaking: true)
        }
    }

    deinit {
        SSL_free(ssl)
        close(fd)
    }

    /// Who the certificate must name: a DNS name (checked and sent as SNI, no partial wildcards
    /// such as `f*.example.com`) or an IP literal (checked against IP SANs).
    private static func expect(_ host: String, on ssl: OpaquePointer) throws(RemoteError) {
        let literal = host.split(separator: "%", maxSplits: 1).first.map(String.init) ?? host  // fe80::1%eth0
        if isIPLiteral(literal) {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), literal) == 1 else {
                throw .tlsSetup("cannot check the certificate for the address \(literal)")
            }
            return
        }
        SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        guard SSL_set1_host(ssl, host) == 1, cachewrap_tls_server_name(ssl, host) == 1 else {
            throw .tlsSetup("cannot check the certificate for the host name \(host)")
        }
    }

    static func isIPLiteral(_ host: String) -> Bool {
        var buffer = in6_addr()
        return inet_pton(AF_INET, host, &buffer) == 1 || inet_pton(AF_INET6, host, &buffer) == 1
    }

    var protection: String? {
        let version = String(cString: SSL_get_version(ssl))
        let cipher = SSL_get_current_cipher(ssl).map { String(cString: SSL_CIPHER_get_name($0)) } ?? "?"
        return "\(version) \(cipher), certificate verified for \(host)"
    }

    func send(_ bytes: [UInt8], deadline: Deadline) throws(RemoteError) {
        var sent = 0
        while sent < bytes.count {
            ERR_clear_error()
            let n = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + sent, Int32(clamping: $0.count - sent)) }
            if n > 0 { sent += Int(n); continue }
            try wait(after: n, deadline, handshaking: false)
        }
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(RemoteError) -> Int {
        while true {  // OpenSSL may hold decrypted bytes already: read first, then wait
            ERR_clear_error()
            let n = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
            if n > 0 {
                received = true
                return Int(n)
            }
            try wait(after: n, deadline, handshaking: false)
        }
    }

    /// After an SSL call returned `result` (≤ 0): waits until the socket is ready for what
    /// OpenSSL wants, or throws why the call failed.
    private func wait(after result: Int32, _ deadline: Deadline, handshaking: Bool) throws(RemoteError) {
        let saved = errno
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: try deadline.wait(fd, for: Int32(POLLIN))
        case SSL_ERROR_WANT_WRITE: try deadline.wait(fd, for: Int32(POLLOUT))
        case let code:
            let step = TLSFailure.Step(host: host, handshaking: handshaking, presentsCertificate: presentsCertificate,
                                       certificateAsked: SSL_get_ex_data(ssl, 0) != nil && !received)
            throw TLSFailure.error(code, errno: saved, verifyResult: SSL_get_verify_result(ssl), at: step)
        }
    }
}
