import Foundation
import Testing

/// What `sh install/package.sh --out DIR` made (issue 18): the tarball and the .deb, their
/// .sha256 files and `latest`, with the version and architecture read from the file names.
///
/// Where from: `CACHEWRAP_TEST_PACKAGES=DIR` when set (.ci/run makes them before the tests),
/// else made once per test process by package.sh into .build/package-tests/dist, with its own
/// release build in .build/package-tests (`--scratch-path`, so it never waits for the lock of
/// the `swift test` that runs it, and a second run is incremental). That first build takes a
/// few minutes on a 2-core machine; without swift the tests skip (fail under
/// CACHEWRAP_TEST_STRICT=1).
struct ReleaseArtifacts {
    let dir: String
    let version: String
    let arch: String
    var tarballName: String { "cachewrap-\(version)-linux-\(arch).tar.gz" }
    var debName: String { "cachewrap_\(version)_\(arch).deb" }
    var tarball: String { dir + "/" + tarballName }
    var deb: String { dir + "/" + debName }
    /// The folder the tarball unpacks to.
    var top: String { "cachewrap-\(version)-linux-\(arch)" }

    static func load(sourceLocation: SourceLocation = #_sourceLocation) throws -> ReleaseArtifacts {
        let dir: String
        if let given = ProcessInfo.processInfo.environment["CACHEWRAP_TEST_PACKAGES"], !given.isEmpty {
            dir = given
        } else {
            try TestSandbox.requireTool("swift", sourceLocation: sourceLocation)
            dir = try made.get()
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        let tarballs = names.filter { $0.hasPrefix("cachewrap-") && $0.hasSuffix(".tar.gz") }
        let name = try #require(tarballs.count == 1 ? tarballs.first : nil,
                                "one cachewrap-VERSION-linux-ARCH.tar.gz in \(dir): \(names)", sourceLocation: sourceLocation)
        let stem = name.dropFirst("cachewrap-".count).dropLast(".tar.gz".count)
        let parts = stem.components(separatedBy: "-linux-")
        try #require(parts.count == 2, "tarball name \(name)", sourceLocation: sourceLocation)
        return ReleaseArtifacts(dir: dir, version: parts[0], arch: parts[1])
    }

    private static let made: Result<String, RunError> = {
        let scratch = installPackageRoot + "/.build/package-tests"
        let out = scratch + "/dist"
        try? FileManager.default.removeItem(atPath: out)  // no other version's artifacts left from before
        let swiftDir = URL(fileURLWithPath: TestSandbox.which("swift") ?? "/usr/bin/swift").deletingLastPathComponent().path
        let env = [
            "PATH": "\(swiftDir):/usr/local/bin:/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
            "LANG": "C.UTF-8",
            "CACHEWRAP_PACKAGE_SWIFT_BUILD_ARGS": "--scratch-path " + scratch,
        ]
        do {
            let result = try run("/bin/sh", [installPackageRoot + "/install/package.sh", "--out", out], env: env,
                                 cwd: installPackageRoot, timeout: 1800)
            guard result.status == 0, !result.timedOut else {
                return .failure(RunError(description: "install/package.sh exited \(result.status): \(result.stderrText.suffix(4000))"))
            }
            return .success(out)
        } catch let error as RunError {
            return .failure(error)
        } catch {
            return .failure(RunError(description: "install/package.sh: \(error)"))
        }
    }()

    /// The Debian name of this machine, as package.sh and install.sh map `uname -m`.
    static func machineArch() throws -> String {
        let machine = try run("/bin/sh", ["-c", "uname -m"], env: ["PATH": "/usr/bin:/bin"]).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return ["x86_64": "amd64", "aarch64": "arm64"][machine] ?? machine
    }

    /// The SHA-256 of `path`, with sha256sum.
    static func sha256(_ path: String) throws -> String {
        let sum = try run("/usr/bin/env", ["sha256sum", path], env: ["PATH": "/usr/bin:/bin"])
        return String(sum.stdoutText.prefix(64))
    }
}
