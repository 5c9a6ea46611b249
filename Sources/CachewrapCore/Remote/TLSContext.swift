import COpenSSL
import Glibc

/// An OpenSSL client context for one `TLSOptions`: TLS 1.2 or later, the server's certificate
/// verified against the CAs (`CACHEWRAP_REMOTE_CA`, else `TLSTrust.system`), and the client
/// certificate and key for mutual TLS. Made per connection: a process makes one connection.
final class TLSContext {
    let pointer: OpaquePointer

    /// OpenSSL starts here, on the first TLS connection, never before: a hit, and any call
    /// without `rediss://`, runs none of it. `NO_LOAD_CONFIG`: no openssl.cnf (nor `OPENSSL_CONF`)
    /// is read. A static binary's compiled-in OPENSSLDIR is the build machine's, and a config
    /// could load engines or provider modules (dlopen) or change the protocol and cipher policy
    /// under us; the policy is set in code instead (`init`). `NO_ATEXIT`: no clean-up at exit,
    /// the process is ending anyway. Marking the config as done here also keeps OpenSSL's own
    /// later initialisation calls (in SSL_CTX_new) from loading it. The CPU probe comes first,
    /// since it no longer runs at process start (`skipOpenSSLCPUIDProbeAtStart`).
    private static let started: Bool = {
        __real_OPENSSL_cpuid_setup()
        return OPENSSL_init_ssl(UInt64(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_LOAD_SSL_STRINGS), nil) == 1
    }()

    init(_ options: TLSOptions) throws(RemoteError) {
        guard Self.started, let context = SSL_CTX_new(TLS_client_method()) else {
            throw .tlsSetup("OpenSSL could not start: \(TLSFailure.queuedText())")
        }
        pointer = context
        // Security level 2 (RSA and DH of 2048 bits or more, no SHA-1 signatures): what Debian's
        // openssl.cnf asks for, which is not read (see `started`).
        SSL_CTX_set_security_level(context, 2)
        guard cachewrap_tls_min_version_1_2(context) == 1 else { throw .tlsSetup("OpenSSL refused TLS 1.2 as the minimum") }
        cachewrap_tls_partial_writes(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        // Notes that the server asked for a client certificate: if it then drops the connection
        // (a reset can destroy its alert), that is why (`TLSFailure.Step.certificateAsked`).
        SSL_CTX_set_cert_cb(context, { ssl, _ in
            _ = SSL_set_ex_data(ssl, 0, UnsafeMutableRawPointer(bitPattern: 1))
            return 1
        }, nil)
        // An encrypted key would make OpenSSL prompt on the terminal: answer "no passphrase".
        SSL_CTX_set_default_passwd_cb(context) { _, _, _, _ in 0 }
        try trust(options.caFile)
        if let certificate = options.certificateFile, let key = options.keyFile {
            try identify(certificate: certificate, key: key)
        }
    }

    deinit { SSL_CTX_free(pointer) }

    private func trust(_ caFile: String?) throws(RemoteError) {
        guard let location = caFile.map(TLSTrust.Location.file) ?? TLSTrust.system() else {
            throw .tlsSetup("no CA store on this machine (looked in \(TLSTrust.searched)); set CACHEWRAP_REMOTE_CA")
        }
        let loaded = switch location {
        case .file(let path): SSL_CTX_load_verify_locations(pointer, path, nil)
        case .directory(let path): SSL_CTX_load_verify_locations(pointer, nil, path)
        }
        guard loaded == 1 else {
            let variable = caFile == nil ? "the system CA store" : TLSOptions.caVariable
            throw .tlsSetup("\(variable) \(location.path): no usable CA certificate (\(TLSFailure.queuedText()))")
        }
    }

    private func identify(certificate: String, key: String) throws(RemoteError) {
        guard SSL_CTX_use_certificate_chain_file(pointer, certificate) == 1 else {
            throw .tlsSetup("\(TLSOptions.certificateVariable) \(certificate): \(TLSFailure.queuedText())")
        }
        // Loading the key also checks that it is the certificate's.
        guard SSL_CTX_use_PrivateKey_file(pointer, key, SSL_FILETYPE_PEM) == 1 else {
            let mismatch = ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH
            let why = TLSFailure.queuedText()
            throw .tlsSetup(mismatch ? "\(TLSOptions.keyVariable) \(key) is not the key of \(TLSOptions.certificateVariable) \(certificate)"
                : "\(TLSOptions.keyVariable) \(key): \(why) (a key with a passphrase cannot be used)")
        }
    }
}

/// libcrypto's x86-64 assembly puts a call to OPENSSL_cpuid_setup (CPUID instructions and a read
/// of `OPENSSL_ia32cap` from the environment) into `.init`, so it would run at the start of every
/// process, hits included: about 20 µs in a VM, where each CPUID traps to the hypervisor.
/// Package.swift links with `--wrap=OPENSSL_cpuid_setup`, which sends both of libcrypto's calls
/// (from `.init` and from OPENSSL_init_crypto) here, to nothing; `TLSContext` runs the real probe
/// itself before starting OpenSSL. Public so that no optimisation drops it: only the linker calls it.
@_cdecl("__wrap_OPENSSL_cpuid_setup")
public func skipOpenSSLCPUIDProbeAtStart() {}
