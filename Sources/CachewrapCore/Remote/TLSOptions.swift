import Glibc

/// How a `rediss://` connection checks the server, and proves this machine to it:
/// `CACHEWRAP_REMOTE_CA`, a PEM file of the CAs to trust instead of the system's store, and for
/// mutual TLS `CACHEWRAP_REMOTE_CERT` and `CACHEWRAP_REMOTE_KEY` (both or neither). No setting
/// turns verification off: the team cache's answers are replayed as a tool's output, so a server
/// nobody verified could make any command print anything.
///
/// The files are only checked here (absolute, present, a private key); OpenSSL reads them on the
/// first TLS connection (`TLSContext`), so a local hit never parses a certificate.
public struct TLSOptions: Sendable, Equatable {
    /// nil: the system's CA store (`TLSTrust.system`).
    public var caFile: String?
    public var certificateFile: String?
    public var keyFile: String?

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile; self.certificateFile = certificateFile; self.keyFile = keyFile
    }

    static let caVariable = "CACHEWRAP_REMOTE_CA"
    static let certificateVariable = "CACHEWRAP_REMOTE_CERT"
    static let keyVariable = "CACHEWRAP_REMOTE_KEY"

    /// The three variables, validated; `tls` says whether the URL is `rediss://` (without it,
    /// any of them is an error, not silently ignored).
    static func fromEnvironment(_ lookup: (String) -> String?, tls: Bool) throws(RemoteConfigError) -> TLSOptions {
        func value(_ name: String) -> String? { lookup(name).flatMap { $0.isEmpty ? nil : $0 } }
        let options = TLSOptions(caFile: value(caVariable), certificateFile: value(certificateVariable), keyFile: value(keyVariable))
        let given = [(caVariable, options.caFile), (certificateVariable, options.certificateFile), (keyVariable, options.keyFile)]
        if !tls, let set = given.first(where: { $0.1 != nil }) { throw .tlsWithoutRediss(set.0) }
        switch (options.certificateFile, options.keyFile) {
        case (_?, nil): throw .halfClientCertificate(missing: keyVariable)
        case (nil, _?): throw .halfClientCertificate(missing: certificateVariable)
        default: break
        }
        for case (let name, let path?) in given {
            let mode = try fileMode(path, variable: name)
            if name == keyVariable && mode & 0o077 != 0 { throw .keyFileMode(path: path, mode: mode) }
        }
        return options
    }

    /// The permission bits of a readable regular file at absolute `path` (the flusher runs in
    /// another directory than the call that queued its writes, so a relative path would change
    /// meaning); a symlink counts as its target.
    private static func fileMode(_ path: String, variable: String) throws(RemoteConfigError) -> UInt32 {
        guard path.hasPrefix("/") else { throw .tlsFile(variable: variable, path: path, why: "must be an absolute path") }
        var st = stat()
        guard stat(path, &st) == 0 else { throw .tlsFile(variable: variable, path: path, why: errnoText(errno)) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw .tlsFile(variable: variable, path: path, why: "not a regular file") }
        guard access(path, R_OK) == 0 else { throw .tlsFile(variable: variable, path: path, why: errnoText(errno)) }
        return st.st_mode & 0o777
    }

    /// For `config` and `doctor`: what the server is checked against, and the client certificate.
    var summary: String {
        let trust = caFile.map { "verified against \($0)" } ?? "verified against the system CA store"
        return trust + (certificateFile.map { ", client certificate \($0)" } ?? "")
    }
}
