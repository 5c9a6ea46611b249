// swift-tools-version: 6.0
import PackageDescription

/// One executable, one core library and the system SQLite: no third-party packages, so the
/// release build is a single static binary.
let package = Package(
    name: "cachewrap",
    products: [
        .executable(name: "cachewrap", targets: ["cachewrap"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "CachewrapCore", dependencies: ["CSQLite"]),
        .executableTarget(name: "cachewrap", dependencies: ["CachewrapCore"]),
        .testTarget(name: "CachewrapCoreTests", dependencies: ["CachewrapCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["cachewrap"]),
    ]
)
