import Foundation
import Testing

/// Certificates made with the `openssl` command for one test, in a directory of its sandbox:
/// CAs, and leaf certificates (for a server or a client) that a CA signs, valid for a month or
/// long expired. P-256 keys, which OpenSSL's security level 2 accepts. Every command reads the
/// config written here (`OPENSSL_CONF`), never the machine's openssl.cnf, so the extensions
/// are the same everywhere. Skips the test when openssl is missing (fails under
/// CACHEWRAP_TEST_STRICT=1).
struct TestCertificates {
    let directory: String
    private let openssl: String
    private var config: String { directory + "/openssl.cnf" }

    /// A certificate and its key, as files.
    struct Pair {
        let certificate: String
        let key: String
    }

    init(in directory: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        openssl = try TestSandbox.requireTool("openssl", sourceLocation: sourceLocation)
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory + "/ca-db", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: directory + "/ca-db/index.txt", contents: Data())
        try "01\n".write(toFile: directory + "/ca-db/serial", atomically: true, encoding: .utf8)
        // `[backdated]` is `openssl ca`'s, the one command that can date a certificate in the past.
        try """
            [req]
            distinguished_name = dn
            [dn]
            [ca_ext]
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            subjectKeyIdentifier = hash
            [ca]
            default_ca = backdated
            [backdated]
            database = \(directory)/ca-db/index.txt
            serial = \(directory)/ca-db/serial
            new_certs_dir = \(directory)/ca-db
            default_md = sha256
            policy = anything
            unique_subject = no
            [anything]
            commonName = supplied

            """.write(toFile: directory + "/openssl.cnf", atomically: true, encoding: .utf8)
    }

    /// A self-signed CA called `name`.
    func ca(_ name: String) throws -> Pair {
        let pair = files(name)
        try command(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pair.key,
                     "-out", pair.certificate, "-days", "30", "-subj", "/CN=\(name)", "-extensions", "ca_ext"])
        return pair
    }

    /// A leaf certificate `name` for `names` (DNS names, or IP addresses), signed by `ca`,
    /// valid for 30 days, or only in January 2020 when `expired`.
    func leaf(_ name: String, names: [String], signedBy ca: Pair, expired: Bool = false) throws -> Pair {
        let pair = files(name), request = directory + "/\(name).csr", extensions = directory + "/\(name).ext"
        let alternatives = names.map { ($0.first?.isNumber ?? false ? "IP:" : "DNS:") + $0 }.joined(separator: ",")
        try """
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature
            extendedKeyUsage = serverAuth, clientAuth
            subjectAltName = \(alternatives)

            """.write(toFile: extensions, atomically: true, encoding: .utf8)
        try command(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pair.key,
                     "-out", request, "-subj", "/CN=\(names.first ?? name)"])
        if expired {
            try command(["ca", "-batch", "-notext", "-cert", ca.certificate, "-keyfile", ca.key, "-in", request, "-out", pair.certificate,
                         "-startdate", "20200101000000Z", "-enddate", "20200201000000Z", "-extfile", extensions])
        } else {
            try command(["x509", "-req", "-in", request, "-CA", ca.certificate, "-CAkey", ca.key, "-CAcreateserial",
                         "-out", pair.certificate, "-days", "30", "-extfile", extensions])
        }
        return pair
    }

    private func files(_ name: String) -> Pair {
        Pair(certificate: directory + "/\(name).crt", key: directory + "/\(name).key")
    }

    private func command(_ arguments: [String]) throws {
        let result = try run(openssl, arguments, env: ["PATH": "/usr/bin:/bin", "OPENSSL_CONF": config], cwd: directory)
        guard result.status == 0 else {
            throw RunError(description: "openssl \(arguments.joined(separator: " ")): \(result.stderrText)")
        }
    }
}
