import Foundation
import Testing

/// The release binary stays one static file with OpenSSL linked in (Package.swift, issue 16):
/// `ldd` finds no shared library to load, the binary runs and speaks verified TLS to a real
/// `redis-server`, and it never loads NSS modules at run time (issue 18). Needs the release build that .ci/run makes first (`swift build -c release
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

    /// The release binary never goes through glibc's NSS (issue 18; Package.swift says why),
    /// whose modules it would dlopen from the running system's glibc:
    /// run under strace, `doctor` resolves `localhost` and finds the default namespace's login
    /// name, reading /etc/hosts and /etc/passwd itself, and never opens nsswitch.conf or a
    /// `libnss_*.so`, nor asks nscd. The binary before the change opened nsswitch.conf
    /// (getpwuid, getaddrinfo) and asked nscd. Needs strace (`.ci/run` installs it).
    @Test func theReleaseBinaryNeverCallsNSS() throws {
        try TestSandbox.requireOrSkip(FileManager.default.isExecutableFile(atPath: Self.binary),
                                      "a release build at \(Self.binary) (swift build -c release --static-swift-stdlib)")
        let strace = try TestSandbox.requireTool("strace")
        let tools = try TestSandbox(), machine = try TestSandbox()
        let server = try RedisServer()
        var env = TeamCacheTests.env(machine, tools: tools, remote: "redis://localhost:\(server.port)")
        env["CACHEWRAP_REMOTE_NAMESPACE"] = nil
        let trace = machine.root + "/strace.txt"
        let doctor = try run(strace, ["-f", "-qq", "-e", "trace=open,openat,connect", "-o", trace, Self.binary, "doctor"], env: env)
        let line = TeamCacheTLSTests.doctorLine(doctor, "OK") ?? doctor.stdoutText + doctor.stderrText
        #expect(line.contains("redis://localhost:\(server.port) answers") && line.contains("namespace u:"), "\(line)")
        let calls = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(calls.contains("\"/etc/hosts\"") && calls.contains("\"/etc/passwd\""), "the lookups did not run: \(calls)")
        for nss in ["nsswitch.conf", "libnss_", "nscd"] { #expect(!calls.contains(nss), "\(nss) in\n\(calls)") }
    }
}
