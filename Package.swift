// swift-tools-version: 6.0
import PackageDescription

/// One executable, one core library, the system SQLite, zstd and OpenSSL: no third-party packages.
///
/// A release build is one fully static binary (`-static-executable`, SQLite from libsqlite3.a,
/// zstd from libzstd.a, OpenSSL 3 from libssl.a and libcrypto.a, in that order): with no shared libraries to find,
/// load and relocate, a cache hit starts faster than a Swift "hello world" linked with only a
/// static standard library (bench/RESULTS.md). All three are linked from their archives by name,
/// without pkg-config, so a machine needs only libsqlite3-dev, libzstd-dev and libssl-dev. zstd
/// packs large outputs (Store/Zstd.swift); a small hit never calls it. OpenSSL serves
/// `rediss://` alone and starts on the first TLS connection (Remote/TLSContext.swift), so a hit
/// runs none of it: `--wrap=OPENSSL_cpuid_setup` moves libcrypto's one start-up hook, a CPU probe
/// it puts in `.init`, to that first connection (`skipOpenSSLCPUIDProbeAtStart` says why).
///
/// The binary never goes through glibc's NSS: glibc's static NSS dlopen()s the running system's
/// `libnss_*.so` for every source after files and dns, built for a glibc that may not be ours
/// (Debian 12's `passwd: files systemd` loaded libnss_systemd.so.2 and a second libc, and the
/// process died of SIGSEGV, for any uid /etc/passwd does not list). So /etc/passwd, /etc/hosts
/// and /etc/resolv.conf are read as files and DNS is asked over UDP (Store/PasswdFile.swift,
/// Remote/HostResolver.swift), and the binary runs on other glibc distributions
/// (StaticBinaryTests checks it under strace).
/// The linker still warns that some functions need, at run time, the shared libraries of the
/// glibc they were linked against; none of them is called: getaddrinfo and gethostbyname in
/// libcrypto's BIO_lookup_ex and BIO_gethostbyname (OpenSSL gets a connected socket through our
/// own BIO); dlopen in the Swift runtime's prespecialization lookup (a debugging aid behind
/// SWIFT_DEBUG_* variables: a run opens no library, as strace shows), SQLite's extension loading and libcrypto's DSO code (engines and provider modules), none of
/// which cachewrap asks for, and OpenSSL never reads an openssl.cnf that could.
let package = Package(
    name: "cachewrap",
    products: [
        .executable(name: "cachewrap", targets: ["cachewrap"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPTY"),
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        .target(
            name: "CachewrapCore",
            dependencies: ["CSQLite", "CPTY", "COpenSSL", "CZstd"],
            linkerSettings: [.unsafeFlags([
                "-Xlinker", "-l:libsqlite3.a", "-Xlinker", "-l:libzstd.a", "-Xlinker", "-l:libssl.a", "-Xlinker", "-l:libcrypto.a", "-Xlinker", "-lm",
                "-Xlinker", "--wrap=OPENSSL_cpuid_setup",
            ])]
        ),
        .executableTarget(
            name: "cachewrap",
            dependencies: ["CachewrapCore"],
            linkerSettings: [.unsafeFlags(["-static-executable"], .when(configuration: .release))]
        ),
        .testTarget(name: "CachewrapCoreTests", dependencies: ["CachewrapCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["cachewrap"]),
    ]
)
