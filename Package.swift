// swift-tools-version: 6.0
import PackageDescription

/// One executable, one core library, the system SQLite and OpenSSL: no third-party packages.
///
/// A release build is one fully static binary (`-static-executable`, SQLite from libsqlite3.a,
/// OpenSSL 3 from libssl.a and libcrypto.a, in that order): with no shared libraries to find,
/// load and relocate, a cache hit starts faster than a Swift "hello world" linked with only a
/// static standard library (bench/RESULTS.md). Both are linked from their archives by name,
/// without pkg-config, so a machine needs only libsqlite3-dev and libssl-dev. OpenSSL is only
/// for `rediss://` and is initialised on the first TLS connection (Remote/TLSContext.swift), so
/// a hit never runs any of it. The linker warns that getpwuid and getaddrinfo (ours, and
/// OpenSSL's BIO_lookup) need the glibc they were linked against at run time (for NSS), and that
/// dlopen in libcrypto (DSO loading of engines and providers) does too: the install script
/// builds on the machine that runs the binary, so they have it, and cachewrap never loads an
/// engine, a provider module or openssl.cnf, so OpenSSL's dlopen is never reached.
let package = Package(
    name: "cachewrap",
    products: [
        .executable(name: "cachewrap", targets: ["cachewrap"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPTY"),
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "CachewrapCore",
            dependencies: ["CSQLite", "CPTY", "COpenSSL"],
            linkerSettings: [.unsafeFlags([
                "-Xlinker", "-l:libsqlite3.a", "-Xlinker", "-l:libssl.a", "-Xlinker", "-l:libcrypto.a", "-Xlinker", "-lm",
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
