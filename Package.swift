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
/// The linker warns that some functions need, at run time, the shared libraries of the glibc
/// they were linked against: getpwuid and getaddrinfo (for NSS) in ours; getaddrinfo and
/// gethostbyname in libcrypto's BIO_lookup and BIO_get_host_ip, which cachewrap never calls (it
/// resolves names itself and hands OpenSSL a connected socket through its own BIO); dlopen in
/// the Swift runtime, SQLite's extension loading and libcrypto's DSO code (engines and provider
/// modules), none of which cachewrap asks for, and OpenSSL never reads an openssl.cnf that
/// could. The install script builds on the machine that runs the binary, so NSS is there.
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
