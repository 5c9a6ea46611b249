import COpenSSL
import Glibc

/// Names a failed TLS step for the user: OpenSSL's error codes become the `RemoteError` that
/// says what is wrong (an unknown CA, an expired certificate, another host's certificate, a
/// client certificate wanted or refused, no TLS on that port) rather than "handshake failure".
enum TLSFailure {
    /// Where the connection was when a call failed.
    struct Step {
        var host: String
        var handshaking: Bool
        /// This side has a client certificate to offer.
        var presentsCertificate: Bool
        /// The server asked for a client certificate and no reply has come since.
        var certificateAsked: Bool
    }

    /// Why SSL_connect, SSL_read or SSL_write failed: `code` is SSL_get_error's answer, `errno`
    /// the one the call left, `verifyResult` SSL_get_verify_result's. Clears OpenSSL's error queue.
    static func error(_ code: Int32, errno saved: Int32, verifyResult: Int, at step: Step) -> RemoteError {
        let queued = ERR_peek_error()
        let reason = ERR_GET_REASON(queued)
        let text = queuedText()
        let failure: RemoteError
        let closed = "the server closed the connection"
        let hungUp: RemoteError = step.handshaking ? .tlsHandshake(closed) : .unreachable(closed)
        switch code {
        case SSL_ERROR_ZERO_RETURN:
            failure = hungUp
        case SSL_ERROR_SYSCALL where queued == 0:
            failure = saved != 0 ? .unreachable(errnoText(saved)) : hungUp
        case SSL_ERROR_SSL where verifyResult != Int(X509_V_OK):
            return certificate(verifyResult, host: step.host)
        case SSL_ERROR_SSL where reason == SSL_R_UNEXPECTED_EOF_WHILE_READING:
            failure = hungUp
        case SSL_ERROR_SSL, SSL_ERROR_SYSCALL:
            failure = alert(reason, text: text, presentsCertificate: step.presentsCertificate)
        default:
            failure = .tlsHandshake("OpenSSL error \(code)")
        }
        return step.certificateAsked ? askedForCertificate(failure, presentsCertificate: step.presentsCertificate) : failure
    }

    /// A server that asked for a client certificate and then hung up, reset the connection or
    /// sent an alert did so over the certificate (in TLS 1.3 it checks it after the client's
    /// handshake is done, and the reset that follows its alert can destroy the alert itself).
    static func askedForCertificate(_ failure: RemoteError, presentsCertificate: Bool) -> RemoteError {
        switch failure {
        case .unreachable(let why), .tlsHandshake(let why), .clientCertificateRefused(let why):
            presentsCertificate ? .clientCertificateRefused(why) : .clientCertificateRequired
        default: failure
        }
    }

    /// A certificate verification failure (an `X509_V_ERR_*` code) in the user's terms.
    static func certificate(_ code: Int, host: String) -> RemoteError {
        let why = String(cString: X509_verify_cert_error_string(code))
        switch Int32(truncatingIfNeeded: code) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
             X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_CERT_UNTRUSTED:
            return .untrustedCertificate(why)
        case X509_V_ERR_CERT_HAS_EXPIRED: return .certificateExpired(notYetValid: false)
        case X509_V_ERR_CERT_NOT_YET_VALID: return .certificateExpired(notYetValid: true)
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH: return .certificateHostMismatch(host)
        default: return .certificateRejected(why)
        }
    }

    /// Any other failure, by OpenSSL's reason code (`SSL_R_*`, which for an alert the server sent
    /// names the alert); `text` is OpenSSL's wording of it.
    static func alert(_ reason: Int32, text: String, presentsCertificate: Bool) -> RemoteError {
        switch reason {
        case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
            return presentsCertificate ? .clientCertificateRefused(text) : .clientCertificateRequired
        case SSL_R_TLSV1_ALERT_UNKNOWN_CA, SSL_R_SSLV3_ALERT_BAD_CERTIFICATE, SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED,
             SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN, SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED,
             SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE, SSL_R_TLSV1_ALERT_ACCESS_DENIED:
            return presentsCertificate ? .clientCertificateRefused(text) : .tlsHandshake(text)
        case SSL_R_WRONG_VERSION_NUMBER, SSL_R_PACKET_LENGTH_TOO_LONG:
            return .tlsHandshake("\(text): the server does not speak TLS on this port")
        case SSL_R_UNSUPPORTED_PROTOCOL, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, SSL_R_NO_PROTOCOLS_AVAILABLE:
            return .tlsHandshake("\(text): the server offers nothing from TLS 1.2 up")
        default:
            return .tlsHandshake(text)
        }
    }

    /// The reason of the earliest error OpenSSL queued on this thread ("no error recorded" when
    /// none), and the queue cleared for the next call.
    static func queuedText() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "no error recorded" }
        if let reason = ERR_reason_error_string(code) { return String(cString: reason) }
        return "OpenSSL error \(String(code, radix: 16))"
    }
}
