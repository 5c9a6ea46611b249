import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// The team cache over TLS (issue 16), through the built binary and a real TLS `redis-server`,
/// with certificates `openssl` makes for each test: two machines share an answer over
/// `rediss://localhost` verified against the team's CA; a server this machine cannot verify
/// (another CA, the system store, another host's certificate, an expired one) is refused before
/// a byte of RESP goes out, the warning and `doctor` say why, `stats` counts it, and the tool
/// still runs; a server that demands a client certificate gets one, and refuses a stranger's;
/// a client key others can read is refused.
@Suite struct TeamCacheTLSTests {
    /// One test's certificates: the team's CA and a server certificate it signed for
    /// `localhost` and 127.0.0.1, in a directory of `sandbox`.
    struct PKI {
        let certificates: TestCertificates
        let ca: TestCertificates.Pair
        let server: TestCertificates.Pair

        init(in sandbox: TestSandbox) throws {
            certificates = try TestCertificates(in: sandbox.root + "/pki")
            ca = try certificates.ca("cachewrap team CA")
            server = try certificates.leaf("server", names: ["localhost", "127.0.0.1"], signedBy: ca)
        }

        /// A TLS server with `certificate` (the team's server certificate by default).
        func redis(certificate: TestCertificates.Pair? = nil, requireClientCertificate: Bool = false,
                   protocols: String? = nil) throws -> RedisServer {
            let served = certificate ?? server
            return try RedisServer(tls: RedisServer.TLS(certificate: served.certificate, key: served.key, clientCA: ca.certificate,
                                                        requireClientCertificate: requireClientCertificate, protocols: protocols))
        }
    }

    /// A machine that talks to `server` over `rediss://localhost`, trusting `ca` (nil: the system store).
    static func env(_ machine: TestSandbox, tools: TestSandbox, server: RedisServer, ca: String?,
                    client: TestCertificates.Pair? = nil) -> [String: String] {
        var env = TeamCacheTests.env(machine, tools: tools, remote: "rediss://localhost:\(server.port)")
        env["CACHEWRAP_REMOTE_CA"] = ca
        env["CACHEWRAP_REMOTE_CERT"] = client?.certificate
        env["CACHEWRAP_REMOTE_KEY"] = client?.key
        return env
    }

    static func doctorLine(_ result: RunResult, _ status: String) -> String? {
        TeamCacheAccessTests.teamCacheLines(result, status).first
    }

    @Test func twoMachinesShareAnAnswerOverVerifiedTLS() throws {
        let tools = try TestSandbox(), a = try TestSandbox(), b = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        let pki = try PKI(in: tools)
        let server = try pki.redis()
        let envA = Self.env(a, tools: tools, server: server, ca: pki.ca.certificate)
        let first = try TeamCacheTests.runOnA(a, tools: tools, server: server, env: envA)
        #expect(first.stderrText == "team warning\n", "no warning from cachewrap: \(first.stderrText)")

        let envB = Self.env(b, tools: tools, server: server, ca: pki.ca.certificate)
        let second = try cachewrap(["--", "fakeTool", "arg"], env: envB, cwd: tools.root)
        #expect(tools.counter("fakeTool") == 1, "B replayed A's answer: the tool ran once in total")
        #expect(second.status == 0 && second.stdout == first.stdout && second.stderr == first.stderr)
        let stats = try TeamCacheTests.stats(envB)
        #expect(TeamCacheTests.int(stats, "remote_hits") == 1 && TeamCacheTests.int(stats, "remote_errors") == 0, "\(stats)")

        let doctor = try cachewrap(["doctor"], env: envB)
        let line = Self.doctorLine(doctor, "OK") ?? doctor.stdoutText
        #expect(line.contains("rediss://localhost:\(server.port) answers in ") && line.contains(" over TLSv1."), "\(line)")
        #expect(line.contains("certificate verified for localhost"), "\(line)")
        // An IP literal is checked against the certificate's IP addresses (and sent as no SNI).
        var byAddress = envB
        byAddress["CACHEWRAP_REMOTE"] = "rediss://127.0.0.1:\(server.port)"
        let direct = try cachewrap(["doctor"], env: byAddress)
        #expect(Self.doctorLine(direct, "OK")?.contains("certificate verified for 127.0.0.1") == true, "\(direct.stdoutText)")
    }

    /// How a server can fail verification, and what cachewrap must then say.
    enum Refusal: String, CaseIterable, Sendable {
        case anotherCA, systemStore, anotherHost, expired

        var says: String {
            switch self {
            case .anotherCA, .systemStore: "TLS: the server's certificate is not signed by a CA this machine trusts ("
            case .anotherHost: "TLS: the server's certificate is not for localhost"
            case .expired: "TLS: the server's certificate has expired"
            }
        }
    }

    @Test(arguments: Refusal.allCases)
    func anUnverifiedServerIsRefusedAndTheToolStillRuns(_ refusal: Refusal) throws {
        let tools = try TestSandbox(), machine = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        let pki = try PKI(in: tools)
        let served: TestCertificates.Pair? = switch refusal {
        case .anotherHost: try pki.certificates.leaf("elsewhere", names: ["cache.elsewhere.example"], signedBy: pki.ca)
        case .expired: try pki.certificates.leaf("expired", names: ["localhost"], signedBy: pki.ca, expired: true)
        case .anotherCA, .systemStore: nil
        }
        let trusted: String? = switch refusal {
        case .anotherCA: try pki.certificates.ca("some other CA").certificate
        case .systemStore: nil
        case .anotherHost, .expired: pki.ca.certificate
        }
        let server = try pki.redis(certificate: served)
        var env = Self.env(machine, tools: tools, server: server, ca: trusted)
        env["CACHEWRAP_REMOTE_PASSWORD"] = "never-sent"

        let result = try cachewrap(["--", "fakeTool", "arg"], env: env, cwd: tools.root)
        #expect(result.status == 0 && result.stdoutText.hasPrefix("team out\n") && tools.counter("fakeTool") == 1, "fail open")
        let warning = "cachewrap: warning: team cache rediss://localhost:\(server.port): \(refusal.says)"
        #expect(result.stderrText.contains(warning), "\(result.stderrText)")
        #expect(try server.calls("auth") == 0 && server.calls("get") == 0, "no command reached a server that was not verified")

        let doctor = try cachewrap(["doctor"], env: env)
        #expect(doctor.status == 1, "\(doctor.stdoutText)")
        #expect(Self.doctorLine(doctor, "FAIL")?.contains(refusal.says) == true, "\(doctor.stdoutText)")
        let stats = try TeamCacheTests.stats(env)
        #expect(TeamCacheTests.int(stats, "remote_errors") == 1 && TeamCacheTests.int(stats, "remote_hits") == 0, "\(stats)")
        let report = try cachewrap(["stats"], env: env).stdoutText
        #expect(report.contains("remote state  paused for ") && report.contains(refusal.says), "\(report)")
    }

    @Test func aServerThatWantsAClientCertificateGetsOne() throws {
        let tools = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        let pki = try PKI(in: tools)
        let server = try pki.redis(requireClientCertificate: true)
        let member = try pki.certificates.leaf("ci-runner", names: ["ci-runner.internal"], signedBy: pki.ca)
        let strangerCA = try pki.certificates.ca("stranger CA")
        let stranger = try pki.certificates.leaf("stranger", names: ["stranger.internal"], signedBy: strangerCA)

        let without = try TestSandbox()
        let envWithout = Self.env(without, tools: tools, server: server, ca: pki.ca.certificate)
        let refused = try cachewrap(["--", "fakeTool", "arg"], env: envWithout, cwd: tools.root)
        #expect(refused.status == 0 && refused.stdoutText.hasPrefix("team out\n"), "\(refused.stderrText)")
        #expect(refused.stderrText.contains("TLS: the server requires a client certificate"), "\(refused.stderrText)")
        let doctor = try cachewrap(["doctor"], env: envWithout)
        #expect(doctor.status == 1 && Self.doctorLine(doctor, "FAIL")?.contains("requires a client certificate") == true,
                "\(doctor.stdoutText)")
        #expect(doctor.stdoutText.contains("fix: set CACHEWRAP_REMOTE_CERT and CACHEWRAP_REMOTE_KEY"), "\(doctor.stdoutText)")

        let foreign = try cachewrap(["doctor"], env: Self.env(try TestSandbox(), tools: tools, server: server, ca: pki.ca.certificate,
                                                              client: stranger))
        #expect(foreign.status == 1 && Self.doctorLine(foreign, "FAIL")?.contains("TLS: the server refused the client certificate") == true,
                "\(foreign.stdoutText)")

        let with = try TestSandbox()
        let envWith = Self.env(with, tools: tools, server: server, ca: pki.ca.certificate, client: member)
        let written = try TeamCacheTests.runOnA(with, tools: tools, server: server, env: envWith)
        #expect(written.stderrText == "team warning\n" && tools.counter("fakeTool") == 2, "\(written.stderrText)")
        #expect(try cachewrap(["doctor"], env: envWith).status == 0)
    }

    /// The one deadline bounds the handshake too: a server that takes the connection and never
    /// answers the ClientHello costs the first miss one deadline, and the breaker spares the next
    /// 100 (TeamCacheOutageTests has the same for plain RESP).
    @Test func aServerSilentInTheHandshakeCostsOneDeadlineThenNothing() throws {
        _ = try TeamCacheOutageTests.silentServerOutage(scheme: "rediss")
    }

    /// A value far larger than a TLS record (16 KiB) and than the socket buffers: written in
    /// partial SSL_writes, read back in many records, byte for byte, within one deadline each.
    @Test func aLargeValueCrossesTLSIntact() throws {
        let tools = try TestSandbox()
        let pki = try PKI(in: tools)
        let server = try pki.redis()
        let url = RedisURL(endpoint: .tcp(host: "localhost", port: server.port), tls: true)
        let connection = try RESPConnection.open(url, password: nil, tls: TLSOptions(caFile: pki.ca.certificate),
                                                 deadline: Deadline(milliseconds: 20_000))
        let value = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
        let replies = try connection.pipeline([[Array("SET".utf8), Array("big".utf8), value], [Array("GET".utf8), Array("big".utf8)]],
                                              deadline: Deadline(milliseconds: 20_000))
        #expect(replies.first == .simple("OK"))
        #expect(replies.last == .bulk(value), "the value came back changed")
        #expect(connection.protection?.hasPrefix("TLSv1.3 ") == true, "\(connection.protection ?? "in the clear")")
    }

    /// TLS 1.2, the least cachewrap speaks, is verified alike; there a server refuses a missing
    /// client certificate inside the handshake, where TLS 1.3 does it after.
    @Test func tls12IsVerifiedAndRefusesAlike() throws {
        let tools = try TestSandbox()
        let pki = try PKI(in: tools)
        let server = try pki.redis(requireClientCertificate: true, protocols: "TLSv1.2")
        let member = try pki.certificates.leaf("ci-runner", names: ["ci-runner.internal"], signedBy: pki.ca)
        let refused = try cachewrap(["doctor"], env: Self.env(try TestSandbox(), tools: tools, server: server, ca: pki.ca.certificate))
        #expect(refused.status == 1 && Self.doctorLine(refused, "FAIL")?.contains("requires a client certificate") == true,
                "\(refused.stdoutText)")
        let env = Self.env(try TestSandbox(), tools: tools, server: server, ca: pki.ca.certificate, client: member)
        let doctor = try cachewrap(["doctor"], env: env)
        #expect(doctor.status == 0 && Self.doctorLine(doctor, "OK")?.contains(" over TLSv1.2 ") == true, "\(doctor.stdoutText)")
        let other = try pki.certificates.ca("some other CA")
        let untrusted = try cachewrap(["doctor"], env: Self.env(try TestSandbox(), tools: tools, server: server, ca: other.certificate,
                                                                client: member))
        #expect(Self.doctorLine(untrusted, "FAIL")?.contains("not signed by a CA this machine trusts") == true, "\(untrusted.stdoutText)")
    }

    @Test func aClientKeyOthersCanReadIsRefused() throws {
        let tools = try TestSandbox(), machine = try TestSandbox()
        tools.writeTool("fakeTool", script: TeamCacheTests.toolScript)
        let pki = try PKI(in: tools)
        let server = try pki.redis(requireClientCertificate: true)
        let member = try pki.certificates.leaf("ci-runner", names: ["ci-runner.internal"], signedBy: pki.ca)
        chmod(member.key, 0o644)
        let env = Self.env(machine, tools: tools, server: server, ca: pki.ca.certificate, client: member)
        let before = try server.connectionsReceived()

        let result = try cachewrap(["--", "fakeTool", "arg"], env: env, cwd: tools.root)
        #expect(result.status == 0 && result.stdoutText.hasPrefix("team out\n") && tools.counter("fakeTool") == 1)
        let refusal = "CACHEWRAP_REMOTE_KEY \(member.key) is readable by others (mode 644): refused; fix: chmod 600 \(member.key)"
        #expect(result.stderrText.contains("cachewrap: warning: \(refusal); running without the team cache"), "\(result.stderrText)")
        let doctor = try cachewrap(["doctor"], env: env)
        #expect(doctor.status == 1 && Self.doctorLine(doctor, "FAIL")?.contains(refusal) == true, "\(doctor.stdoutText)")
        #expect(try server.connectionsReceived() == before + 1, "never connected (the one is our own INFO)")

        chmod(member.key, 0o600)
        #expect(try cachewrap(["doctor"], env: env).status == 0)
    }
}
