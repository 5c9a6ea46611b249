import Foundation
import Testing

/// The release binary stays one static file with OpenSSL linked in (Package.swift, issue 16):
/// `ldd` finds no shared library to load, and the binary runs and speaks verified TLS to a real
/// `redis-server`. Needs the release build that .ci/run makes first (`swift build -c release
/// --static-swift-stdlib`): skipped without one, failed under CACHEWRAP_TEST_STRICT=1.
@Suite struct StaticBinaryTests {
    static let binary = installPackageRoot + "/.build/release/cachewrap"

    @Test func theReleaseBinaryIsStaticAndSpeaksTLS() throws {
        try TestSandbox.requireOrSkip(FileManager.default.isExecutableFile(atPath: Self.binary),
                                      "a release build at \(Self.binary) (swift build -c release --static-swift-stdlib)")
        let ldd = try run(try TestSandbox.requireTool("ldd"), [Self.binary], env: ["PATH": "/usr/bin:/bin", "LANG": "C"])
        #expect((ldd.stdoutText + ldd.stderrText).contains("not a dynamic executable"), "\(ldd.stdoutText)\(ldd.stderrText)")

        let tools = try TestSandbox(), machine = try TestSandbox()
        let pki = try TeamCacheTLSTests.PKI(in: tools)
        let server = try pki.redis()
        let env = TeamCacheTLSTests.env(machine, tools: tools, server: server, ca: pki.ca.certificate)
        let doctor = try run(Self.binary, ["doctor"], env: env)
        let line = TeamCacheTLSTests.doctorLine(doctor, "OK") ?? doctor.stdoutText
        #expect(line.contains(" over TLSv1.") && line.contains("certificate verified for localhost"),
                "the release binary at \(Self.binary) must be built from these sources: \(line)")
    }
}
