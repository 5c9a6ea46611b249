import Foundation
import Testing

// Install without a Swift toolchain (issue 18): install/package.sh makes a release tarball and a
// .deb, each with a .sha256; install.sh installs the tarball with no swift on PATH, from a path,
// a URL or an unpacked archive, checking its SHA-256 before it unpacks anything, and installs
// nothing when the checksum is missing or differs. The artifacts come from ReleaseArtifacts
// (CACHEWRAP_TEST_PACKAGES, else one package.sh run with its own release build: SLOW once).

/// A fresh HOME (with a .bashrc), PREFIX (not created) and TMPDIR, and an environment with no
/// Swift toolchain reachable: PATH=/usr/bin:/bin (swift lives in /opt/swift/usr/bin here).
struct NoSwiftInstall {
    let sb: TestSandbox
    let prefix: String
    let tmpdir: String
    var env: [String: String]
    static let script = installPackageRoot + "/install/install.sh"

    init() throws {
        sb = try TestSandbox()
        prefix = sb.root + "/prefix"
        tmpdir = sb.root + "/tmp"
        try FileManager.default.createDirectory(atPath: tmpdir, withIntermediateDirectories: true)
        try InstallFixture.bashrc.write(toFile: sb.home + "/.bashrc", atomically: true, encoding: .utf8)
        env = ["HOME": sb.home, "PATH": "/usr/bin:/bin", "PREFIX": prefix, "TMPDIR": tmpdir,
               "SHELL": "/bin/bash", "LANG": "C.UTF-8"]
        let swift = try run("/bin/sh", ["-c", "command -v swift"], env: env)
        #expect(swift.status != 0, "swift must not be reachable on PATH=/usr/bin:/bin: \(swift.stdoutText)")
    }

    /// install.sh from the checkout, with `extra` on top of the environment.
    func install(_ extra: [String: String], _ args: [String] = []) throws -> RunResult {
        try run("/bin/sh", [Self.script] + args, env: env.merging(extra) { $1 }, cwd: sb.root, timeout: 300)
    }

    /// install.sh piped to sh (`cat install.sh | sh -s -- ARGS`), from a directory that is no checkout.
    func installPiped(_ extra: [String: String], _ args: [String] = []) throws -> RunResult {
        let script = Array(try Data(contentsOf: URL(fileURLWithPath: Self.script)))
        return try run("/bin/sh", ["-s", "--"] + args, env: env.merging(extra) { $1 }, cwd: tmpdir, stdin: script, timeout: 300)
    }

    func listing() throws -> [String] {
        try treeListing(sb.home).map { "home " + $0 } + treeListing(prefix).map { "prefix " + $0 }
    }

    /// A refused install: non-zero, `message` on stderr, PREFIX never made, HOME as it was.
    func expectRefused(_ result: RunResult, _ message: String, homeBefore: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(result.status != 0, "\(result.stderrText)", sourceLocation: sourceLocation)
        #expect(result.stderrText.contains(message) && result.stderrText.contains("nothing was installed"),
                "\(result.stderrText)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: prefix), "PREFIX was touched", sourceLocation: sourceLocation)
        #expect(try treeListing(sb.home) == homeBefore, sourceLocation: sourceLocation)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: tmpdir)) ?? []).isEmpty,
                "left in TMPDIR", sourceLocation: sourceLocation)
    }
}

@Suite("release tarball and .deb, installed without Swift (SLOW once without CACHEWRAP_TEST_PACKAGES: a release build)",
       .serialized)
struct PackageTests {
    static let installed = ["bin/cachewrap", "share/man/man1/cachewrap.1", "share/bash-completion/completions/cachewrap",
                            "share/zsh/site-functions/_cachewrap", "share/fish/vendor_completions.d/cachewrap.fish",
                            "share/cachewrap/uninstall.sh", "share/cachewrap/install-manifest"]

    @Test("both artifacts, checksums that sha256sum -c accepts, names that say the binary's version")
    func artifactsAreCompleteAndNamedForTheVersion() throws {
        let art = try ReleaseArtifacts.load()
        let dpkgDeb = try TestSandbox.requireTool("dpkg-deb")
        let env = ["PATH": "/usr/bin:/bin", "LANG": "C"]
        #expect(art.arch == (try ReleaseArtifacts.machineArch()))
        let source = try String(contentsOfFile: installPackageRoot + "/Sources/CachewrapCore/CLI/Cachewrap.swift", encoding: .utf8)
        #expect(source.contains("public static let version = \"\(art.version)\"\n"), "the names take the version from the sources")
        #expect(try String(contentsOfFile: art.dir + "/latest", encoding: .utf8) == art.version + "\n")

        let check = try runExpectingSuccess("/usr/bin/env", ["sha256sum", "-c", art.tarballName + ".sha256", art.debName + ".sha256"],
                                            env: env, cwd: art.dir)
        #expect(check.stdoutText == "\(art.tarballName): OK\n\(art.debName): OK\n")

        let tarList = try runExpectingSuccess("/usr/bin/env", ["tar", "-tzf", art.tarball], env: env)
        #expect(tarList.stdoutText.split(separator: "\n").map(String.init).sorted() == [
            "", "cachewrap", "completions/", "completions/_cachewrap", "completions/cachewrap.bash",
            "completions/cachewrap.fish", "install/", "install/install.sh", "install/uninstall.sh", "man/", "man/cachewrap.1",
        ].map { "\(art.top)/\($0)" }.sorted())

        let contents = try runExpectingSuccess(dpkgDeb, ["-c", art.deb], env: env).stdoutText
        for path in ["./usr/bin/cachewrap", "./usr/share/man/man1/cachewrap.1.gz",
                     "./usr/share/bash-completion/completions/cachewrap", "./usr/share/zsh/vendor-completions/_cachewrap",
                     "./usr/share/fish/vendor_completions.d/cachewrap.fish"] {
            #expect(contents.contains(" \(path)\n"), "dpkg-deb -c lacks \(path):\n\(contents)")
        }
        #expect(contents.contains("root/root"), "--root-owner-group: \(contents)")
        let fields = try runExpectingSuccess(dpkgDeb, ["-f", art.deb, "Package", "Version", "Architecture", "Depends"], env: env)
        #expect(fields.stdoutText == "Package: cachewrap\nVersion: \(art.version)\nArchitecture: \(art.arch)\n")

        // The binary from the .deb runs, says the version in the names, and caches a real call.
        let sb = try TestSandbox()
        try runExpectingSuccess(dpkgDeb, ["-x", art.deb, sb.root + "/deb"], env: env)
        let binary = sb.root + "/deb/usr/bin/cachewrap"
        let callEnv = ["HOME": sb.home, "PATH": "/usr/bin:/bin", "CACHEWRAP_DIR": sb.cacheDir, "LANG": "C.UTF-8"]
        #expect(try runExpectingSuccess(binary, ["--version"], env: callEnv).stdoutText == "cachewrap \(art.version)\n")
        let first = try runExpectingSuccess(binary, ["--status", "--", "echo", "hi"], env: callEnv, cwd: sb.root)
        let second = try runExpectingSuccess(binary, ["--status", "--", "echo", "hi"], env: callEnv, cwd: sb.root)
        #expect(first.stdoutText == "hi\n" && second.stdoutText == "hi\n")
        #expect(first.stderrText.hasPrefix("cachewrap: miss echo"), "\(first.stderrText)")
        #expect(second.stderrText.hasPrefix("cachewrap: hit echo"), "\(second.stderrText)")
    }

    @Test("CACHEWRAP_ARCHIVE with no swift: installs, piped to sh too, changes nothing twice, uninstalls to nothing")
    func installsFromTheArchiveWithoutSwift() throws {
        let art = try ReleaseArtifacts.load()
        let fx = try NoSwiftInstall()
        let archive = ["CACHEWRAP_ARCHIVE": art.tarball]
        let before = try fx.listing()

        let first = try fx.install(archive)
        #expect(first.status == 0, "\(first.stderrText)")
        #expect(first.stderrText.contains("SHA-256 verified") && first.stderrText.contains("cachewrap \(art.version) installed"),
                "\(first.stderrText)")
        let files = try treeListing(fx.prefix).filter { $0.hasPrefix("f ") }.map { String($0.split(separator: " ")[1]) }
        #expect(files.sorted() == Self.installed.sorted())
        let binary = fx.prefix + "/bin/cachewrap"
        #expect(try run(binary, ["--version"], env: fx.env).stdoutText == "cachewrap \(art.version)\n")
        let manifest = try String(contentsOfFile: fx.prefix + "/share/cachewrap/install-manifest", encoding: .utf8)
        #expect(manifest.contains("binary-sha256 \(try ReleaseArtifacts.sha256(binary))\n"))

        // No Swift runtime, no shared library at all: the static release binary.
        let ldd = try run(try TestSandbox.requireTool("ldd"), [binary], env: ["PATH": "/usr/bin:/bin", "LANG": "C"])
        let lddText = ldd.stdoutText + ldd.stderrText
        #expect(lddText.contains("not a dynamic executable") && !lddText.contains("libswift"), "\(lddText)")

        // Piped to sh, again: nothing changes; with --shell-init --shims the block goes in once.
        let installed = try fx.listing()
        let piped = try fx.installPiped(archive)
        #expect(piped.status == 0 && piped.stderrText.contains("nothing changed"), "\(piped.stderrText)")
        #expect(try fx.listing() == installed, "a second install changed files")
        try #require(try fx.installPiped(archive, ["--shell-init", "--shims"]).status == 0)
        let rc = try String(contentsOfFile: fx.sb.home + "/.bashrc", encoding: .utf8)
        #expect(rc.hasPrefix(InstallFixture.bashrc) && rc.contains(#"eval "$(cachewrap init bash --shims)""#), "\(rc)")
        let withBlock = try fx.listing()
        #expect(try fx.install(archive, ["--shell-init", "--shims"]).stderrText.contains("nothing changed"))
        #expect(try fx.listing() == withBlock)

        // The installed uninstall.sh finds its PREFIX and leaves exactly what was there before.
        var plain = fx.env
        plain["PREFIX"] = nil
        try runExpectingSuccess("/bin/sh", [fx.prefix + "/share/cachewrap/uninstall.sh"], env: plain, cwd: fx.tmpdir)
        let after = try fx.listing()
        #expect(after == before, "uninstall left or took files:\n\(listingDiff(before, after))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fx.tmpdir).isEmpty)
    }

    @Test("no swift, CACHEWRAP_RELEASE_URL over HTTP: the version from latest, this machine's archive; an unpacked archive installs itself")
    func installsFromTheReleaseURLAndFromAnUnpackedArchive() throws {
        let art = try ReleaseArtifacts.load()
        try TestSandbox.requireOrSkip(TestSandbox.which("curl") != nil || TestSandbox.which("wget") != nil, "curl or wget")
        let dir = art.dir
        let server = try FakeHTTPServer { request in
            guard request.path.hasPrefix("/releases/"), let data = FileManager.default.contents(
                atPath: dir + "/" + request.path.dropFirst("/releases/".count)) else { return .text("not found\n", status: 404) }
            return FakeHTTPServer.Response(status: 200, body: Array(data))
        }
        defer { server.stop() }
        let fx = try NoSwiftInstall()
        let result = try fx.installPiped(["CACHEWRAP_RELEASE_URL": "http://127.0.0.1:\(server.port)/releases/"])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(Set(server.requests.map(\.path)) == ["/releases/latest", "/releases/" + art.tarballName,
                                                     "/releases/" + art.tarballName + ".sha256"])
        #expect(try run(fx.prefix + "/bin/cachewrap", ["--version"], env: fx.env).stdoutText == "cachewrap \(art.version)\n")

        // Unpacked by hand (after `sha256sum -c`), the archive's own install.sh installs it.
        let other = try NoSwiftInstall()
        try runExpectingSuccess("/usr/bin/env", ["tar", "-xzf", art.tarball, "-C", other.sb.root], env: other.env)
        let own = try run("/bin/sh", [other.sb.root + "/" + art.top + "/install/install.sh"], env: other.env, cwd: other.tmpdir)
        #expect(own.status == 0, "\(own.stderrText)")
        // The same files either way (each manifest names its own PREFIX, so it alone differs).
        let noManifest = { (lines: [String]) in lines.filter { !$0.contains("install-manifest") } }
        #expect(noManifest(try treeListing(other.prefix)) == noManifest(try treeListing(fx.prefix)))
    }

    @Test("a flipped byte, a missing or malformed checksum, no SHA-256 tool: refused before unpacking, PREFIX untouched")
    func refusesWhatItCannotVerify() throws {
        let art = try ReleaseArtifacts.load()
        let fx = try NoSwiftInstall()
        let fm = FileManager.default
        let copy = fx.sb.root + "/dl/" + art.tarballName
        try fm.createDirectory(atPath: fx.sb.root + "/dl", withIntermediateDirectories: true)
        try fm.copyItem(atPath: art.tarball, toPath: copy)
        try fm.copyItem(atPath: art.tarball + ".sha256", toPath: copy + ".sha256")
        let home = try treeListing(fx.sb.home)
        let archive = ["CACHEWRAP_ARCHIVE": copy]

        var bytes = try Data(contentsOf: URL(fileURLWithPath: copy))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: copy + ".tampered"))
        try fm.moveItem(atPath: copy, toPath: copy + ".good")
        try fm.moveItem(atPath: copy + ".tampered", toPath: copy)
        try fx.expectRefused(try fx.install(archive), "checksum mismatch", homeBefore: home)
        try fx.expectRefused(try fx.installPiped(archive), "checksum mismatch", homeBefore: home)

        try fm.removeItem(atPath: copy)
        try fm.moveItem(atPath: copy + ".good", toPath: copy)
        let good = try ReleaseArtifacts.sha256(copy)
        try fx.expectRefused(try fx.install(archive.merging(["CACHEWRAP_ARCHIVE_SHA256": String(repeating: "0", count: 64)]) { $1 }),
                             "checksum mismatch", homeBefore: home)
        try fx.expectRefused(try fx.install(archive.merging(["CACHEWRAP_ARCHIVE_SHA256": "not-a-checksum"]) { $1 }),
                             "holds no SHA-256", homeBefore: home)
        try fm.removeItem(atPath: copy + ".sha256")
        try fx.expectRefused(try fx.install(archive), "no checksum for \(copy)", homeBefore: home)

        // No sha256sum, shasum or openssl on PATH: nothing to check with, so nothing installed.
        let bare = fx.sb.root + "/bare-bin"
        try fm.createDirectory(atPath: bare, withIntermediateDirectories: true)
        for dir in ["/usr/bin", "/bin"] {
            for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where !["sha256sum", "shasum", "openssl"].contains(name) {
                try? fm.createSymbolicLink(atPath: bare + "/" + name, withDestinationPath: dir + "/" + name)
            }
        }
        try fx.expectRefused(try fx.install(archive.merging(["PATH": bare, "CACHEWRAP_ARCHIVE_SHA256": good]) { $1 }),
                             "no sha256sum, shasum or openssl", homeBefore: home)

        // With the right CACHEWRAP_ARCHIVE_SHA256 and no .sha256 file, it installs.
        let given = try fx.install(archive.merging(["CACHEWRAP_ARCHIVE_SHA256": good.uppercased()]) { $1 })
        #expect(given.status == 0 && fm.isExecutableFile(atPath: fx.prefix + "/bin/cachewrap"), "\(given.stderrText)")
    }

    /// Neither swift nor a release: the message names Swift and both ways to install without it.
    @Test func withNeitherSwiftNorAReleaseItSaysWhatToSet() throws {
        let fx = try NoSwiftInstall()
        let home = try treeListing(fx.sb.home)
        let result = try fx.installPiped([:])
        #expect(result.status != 0)
        for words in ["missing: Swift 6", "https://www.swift.org/install/", "CACHEWRAP_ARCHIVE=PATH-or-URL",
                      "cachewrap-VERSION-linux-\(try ReleaseArtifacts.machineArch()).tar.gz", "CACHEWRAP_RELEASE_URL="] {
            #expect(result.stderrText.contains(words), "\(result.stderrText)")
        }
        #expect(!FileManager.default.fileExists(atPath: fx.prefix))
        #expect(try treeListing(fx.sb.home) == home)
    }
}
