// swift-tools-version: 6.0
import PackageDescription

/// One executable, one core library and the system SQLite: no third-party packages.
///
/// A release build is one fully static binary (`-static-executable`, SQLite from libsqlite3.a):
/// with no shared libraries to find, load and relocate, a cache hit starts faster than a Swift
/// "hello world" linked with only a static standard library (bench/RESULTS.md). SQLite is linked
/// from its archive by name, without pkg-config, so a machine needs only libsqlite3-dev. The
/// linker warns that getpwuid and getaddrinfo need the glibc they were linked against at run
/// time (for NSS): the install script builds on the machine that runs the binary, so they have it.
let package = Package(
    name: "cachewrap",
    products: [
        .executable(name: "cachewrap", targets: ["cachewrap"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPTY"),
        .target(
            name: "CachewrapCore",
            dependencies: ["CSQLite", "CPTY"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libsqlite3.a", "-Xlinker", "-lm"])]
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
