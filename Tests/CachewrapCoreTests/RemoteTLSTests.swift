import COpenSSL
import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// The pure parts of `rediss://` (issue 16), no server needed: the URL, the TLS variables and
/// their refusals (a key others can read, half a client certificate, TLS settings on a plain
/// URL), where the system's CAs are looked for, and how OpenSSL's failures are named.
/// TeamCacheTLSTests shows them against a real TLS redis-server.
@Suite struct RemoteTLSTests {
    @Test func redissURLs() throws {
        let url = try RedisURL.parse("rediss://cachewrap@cache.example.com:6380/0")
        #expect(url == RedisURL(endpoint: .tcp(host: "cache.example.com", port: 6380), tls: true, user: "cachewrap"))
        #expect(url.description == "rediss://cachewrap@cache.example.com:6380")
        #expect(try RedisURL.parse("REDISS://h").tls && RedisURL.parse("rediss://h").endpoint == .tcp(host: "h", port: 6379))
        #expect(try RedisURL.parse("rediss://[::1]:7000/2").description == "rediss://[::1]:7000/2")
        #expect(try !RedisURL.parse("redis://h").tls && !RedisURL.parse("redis+unix:///s").tls)
        #expect(throws: RemoteConfigError.self) { try RedisURL.parse("rediss://h?verify=no") }
    }

    /// A temp dir with a CA file, a certificate and a key, each written with `mode`s given.
    final class Files {
        let temp = StoreTests.TempCache()
        var root: String { temp.root }

        func write(_ name: String, mode: mode_t = 0o644) throws -> String {
            let path = root + "/" + name
            try "-----BEGIN CERTIFICATE-----\n".write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, mode)
            return path
        }
    }

    static func settings(_ env: [String: String]) throws -> RemoteSettings? {
        try RemoteSettings.fromEnvironment { env[$0] }
    }

    @Test func tlsVariables() throws {
        let files = Files()
        let ca = try files.write("ca.pem"), cert = try files.write("client.pem"), key = try files.write("client.key", mode: 0o600)
        let plain = try #require(try Self.settings(["CACHEWRAP_REMOTE": "rediss://h"]))
        #expect(plain.tls == TLSOptions())
        #expect(plain.description.hasSuffix(" tls=verified against the system CA store"), "\(plain)")
        let full = try #require(try Self.settings([
            "CACHEWRAP_REMOTE": "rediss://h", "CACHEWRAP_REMOTE_CA": ca, "CACHEWRAP_REMOTE_CERT": cert, "CACHEWRAP_REMOTE_KEY": key,
        ]))
        #expect(full.tls == TLSOptions(caFile: ca, certificateFile: cert, keyFile: key))
        #expect(full.description.hasSuffix(" tls=verified against \(ca), client certificate \(cert)"), "\(full)")
        chmod(key, 0o400)
        #expect(try Self.settings(["CACHEWRAP_REMOTE": "rediss://h", "CACHEWRAP_REMOTE_CERT": cert, "CACHEWRAP_REMOTE_KEY": key]) != nil)
        #expect(try Self.settings(["CACHEWRAP_REMOTE": "redis://h", "CACHEWRAP_REMOTE_CA": ""])?.tls == TLSOptions(), "empty is unset")
    }

    @Test(arguments: [(0o644, "others (mode 644)"), (0o640, "its group (mode 640)"), (0o604, "others (mode 604)")])
    func aKeyOthersCanReadIsRefused(mode: Int, says: String) throws {
        let files = Files()
        let cert = try files.write("client.pem"), key = try files.write("client.key", mode: mode_t(mode))
        let env = ["CACHEWRAP_REMOTE": "rediss://h", "CACHEWRAP_REMOTE_CERT": cert, "CACHEWRAP_REMOTE_KEY": key]
        #expect(throws: RemoteConfigError.keyFileMode(path: key, mode: UInt32(mode))) { try Self.settings(env) }
        let message = RemoteConfigError.keyFileMode(path: key, mode: UInt32(mode)).message
        #expect(message == "CACHEWRAP_REMOTE_KEY \(key) is readable by \(says): refused; fix: chmod 600 \(key)")
    }

    @Test func tlsRefusals() throws {
        let files = Files()
        let ca = try files.write("ca.pem"), key = try files.write("client.key", mode: 0o600)
        let tls = ["CACHEWRAP_REMOTE": "rediss://h"]
        #expect(throws: RemoteConfigError.tlsWithoutRediss("CACHEWRAP_REMOTE_CA")) {
            try Self.settings(["CACHEWRAP_REMOTE": "redis://h", "CACHEWRAP_REMOTE_CA": ca])
        }
        #expect(throws: RemoteConfigError.tlsWithoutRediss("CACHEWRAP_REMOTE_KEY")) {
            try Self.settings(["CACHEWRAP_REMOTE": "redis+unix:///s", "CACHEWRAP_REMOTE_KEY": key])
        }
        #expect(throws: RemoteConfigError.halfClientCertificate(missing: "CACHEWRAP_REMOTE_CERT")) {
            try Self.settings(tls.merging(["CACHEWRAP_REMOTE_KEY": key]) { $1 })
        }
        #expect(throws: RemoteConfigError.halfClientCertificate(missing: "CACHEWRAP_REMOTE_KEY")) {
            try Self.settings(tls.merging(["CACHEWRAP_REMOTE_CERT": ca]) { $1 })
        }
        for (value, why) in [("ca.pem", "must be an absolute path"), (files.root, "not a regular file"),
                             (files.root + "/none.pem", "No such file or directory")] {
            #expect(throws: RemoteConfigError.tlsFile(variable: "CACHEWRAP_REMOTE_CA", path: value, why: why)) {
                try Self.settings(tls.merging(["CACHEWRAP_REMOTE_CA": value]) { $1 })
            }
        }
    }

    @Test func systemStoreLookup() {
        let debian = TLSTrust.system(isHashed: { $0 == "/etc/ssl/certs" }, isFile: { _ in true })
        #expect(debian == .directory("/etc/ssl/certs"), "a hashed directory before any bundle")
        let fedora = TLSTrust.system(isHashed: { $0.hasSuffix("directory-hash") }, isFile: { _ in true })
        #expect(fedora == .directory("/etc/pki/ca-trust/extracted/pem/directory-hash"))
        let bundleOnly = TLSTrust.system(isHashed: { _ in false }, isFile: { $0 == "/etc/ssl/cert.pem" || $0.hasPrefix("/etc/pki") })
        #expect(bundleOnly == .file("/etc/pki/tls/certs/ca-bundle.crt"), "the first bundle in the list")
        #expect(TLSTrust.system(isHashed: { _ in false }, isFile: { _ in false }) == nil)
        #expect(TLSTrust.isHashName(Array("3513523f.0".utf8)) && TLSTrust.isHashName(Array("a94d09e5.12".utf8)))
        for name in ["ca-certificates.crt", "3513523F.0", "3513523f.r0", "3513523f.", "Go_Daddy.pem", "3513523f0"] {
            #expect(!TLSTrust.isHashName(Array(name.utf8)), "\(name)")
        }
    }

    /// OpenSSL's verification codes become errors that say what to fix.
    @Test func certificateFailuresAreNamed() {
        let name = { (code: Int32) in TLSFailure.certificate(Int(code), host: "cache.example.com") }
        #expect(name(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN) == .untrustedCertificate("self-signed certificate in certificate chain"))
        #expect(name(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) == .untrustedCertificate("unable to get local issuer certificate"))
        #expect(name(X509_V_ERR_CERT_HAS_EXPIRED) == .certificateExpired(notYetValid: false))
        #expect(name(X509_V_ERR_CERT_NOT_YET_VALID) == .certificateExpired(notYetValid: true))
        #expect(name(X509_V_ERR_HOSTNAME_MISMATCH) == .certificateHostMismatch("cache.example.com"))
        #expect(name(X509_V_ERR_IP_ADDRESS_MISMATCH) == .certificateHostMismatch("cache.example.com"))
        #expect(name(X509_V_ERR_INVALID_PURPOSE) == .certificateRejected("unsuitable certificate purpose"))
        #expect(name(X509_V_ERR_HOSTNAME_MISMATCH).message == "TLS: the server's certificate is not for cache.example.com")
        #expect(name(X509_V_ERR_CERT_HAS_EXPIRED).message == "TLS: the server's certificate has expired")
    }

    @Test func handshakeFailuresAreNamed() {
        let alert = { (reason: Int32, client: Bool) in TLSFailure.alert(reason, text: "why", presentsCertificate: client) }
        #expect(alert(SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED, false) == .clientCertificateRequired)
        #expect(alert(SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED, true) == .clientCertificateRefused("why"))
        #expect(alert(SSL_R_TLSV1_ALERT_UNKNOWN_CA, true) == .clientCertificateRefused("why"))
        #expect(alert(SSL_R_TLSV1_ALERT_UNKNOWN_CA, false) == .tlsHandshake("why"))
        #expect(alert(SSL_R_WRONG_VERSION_NUMBER, false) == .tlsHandshake("why: the server does not speak TLS on this port"))
        #expect(alert(SSL_R_UNSUPPORTED_PROTOCOL, false) == .tlsHandshake("why: the server offers nothing from TLS 1.2 up"))
        #expect(RemoteError.clientCertificateRequired.message == "TLS: the server requires a client certificate")
        // After the server asked for a certificate, a reset (which may have destroyed its alert)
        // is about the certificate; a problem with the server's own certificate stays that.
        let reset = RemoteError.unreachable("Connection reset by peer")
        #expect(TLSFailure.askedForCertificate(reset, presentsCertificate: false) == .clientCertificateRequired)
        #expect(TLSFailure.askedForCertificate(reset, presentsCertificate: true) == .clientCertificateRefused("Connection reset by peer"))
        #expect(TLSFailure.askedForCertificate(.certificateHostMismatch("h"), presentsCertificate: false) == .certificateHostMismatch("h"))
        #expect(TLSFailure.askedForCertificate(.timeout, presentsCertificate: true) == .timeout)
    }

    /// Every TLS failure carries its fix and is warned about on the run path; the others keep
    /// doctor's general fix and stay quiet, as before.
    @Test func tlsFailuresCarryTheirFix() {
        let tls: [RemoteError] = [.untrustedCertificate("x"), .certificateExpired(notYetValid: false), .certificateHostMismatch("h"),
                                  .certificateRejected("x"), .clientCertificateRequired, .clientCertificateRefused("x"),
                                  .tlsHandshake("x"), .tlsSetup("x")]
        for error in tls {
            #expect(error.isTLSFailure && error.fix != nil && error.message.hasPrefix("TLS"), "\(error)")
        }
        for error: RemoteError in [.timeout, .unreachable("x"), .protocolError("x"), .server("NOAUTH x")] {
            #expect(!error.isTLSFailure && error.fix == nil, "\(error)")
        }
    }

    @Test func ipLiteralsAreToldFromNames() {
        for host in ["127.0.0.1", "::1", "fe80::1", "10.0.0.5"] { #expect(TLSStream.isIPLiteral(host), "\(host)") }
        for host in ["localhost", "cache.example.com", "10.0.0", "1.2.3.4.example"] { #expect(!TLSStream.isIPLiteral(host), "\(host)") }
    }
}
