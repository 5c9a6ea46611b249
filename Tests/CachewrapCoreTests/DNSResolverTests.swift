import Glibc
import Testing

@testable import CachewrapCore

/// The DNS stub resolver against a fake server on 127.0.0.1 (`FakeDNSServer`), given as the
/// resolver's nameserver: answers, CNAMEs, errors, search domains, and the responses it must
/// not believe. A resolve that must fail is given a short deadline; what is checked is that it
/// fails and how, never how long it took.
@Suite struct DNSResolverTests {
    static let addresses: [String: [String]] = [
        "redis.example": ["192.0.2.1", "2001:db8::1", "192.0.2.2"],
        "v6only.example": ["2001:db8::6"],
        "real.example": ["192.0.2.7"],
        "redis.corp.example": ["192.0.2.9"],
    ]

    /// A server that knows `addresses`, a CNAME chain alias → mid → real, and NXDOMAIN otherwise.
    static func server() throws -> FakeDNSServer {
        try FakeDNSServer { id, question in
            let name = question.name.description
            var reply = DNSReply(id: id, question: question)
            if name == "alias.example" {
                reply.answers = [DNSReply.cname("alias.example", "MID.example"), DNSReply.cname("mid.example", "real.example")]
                    + (question.type == DNSType.a ? [DNSReply.a("real.example", "192.0.2.7")] : [])
            } else if let known = addresses[name] {
                reply.answers = known.map { DNSReply.a(name, $0) }.filter { $0.type == question.type }
            } else {
                reply.rcode = DNSResponse.noSuchName
            }
            return [(reply.bytes, false)]
        }
    }

    static func resolve(_ resolver: DNSResolver, _ host: String, ms: Int64 = 5000) throws(RemoteError) -> [String] {
        try resolver.resolve(host, deadline: Deadline(milliseconds: ms)).map(\.description)
    }

    @Test func ipv4ThenIPv6() throws {
        let server = try Self.server()
        #expect(try Self.resolve(server.resolver(), "redis.example") == ["192.0.2.1", "192.0.2.2", "2001:db8::1"])
        #expect(try Self.resolve(server.resolver(), "REDIS.example.") == ["192.0.2.1", "192.0.2.2", "2001:db8::1"])
        #expect(try Self.resolve(server.resolver(), "v6only.example") == ["2001:db8::6"])
        #expect(Set(server.questions.map(\.type)) == [DNSType.a, DNSType.aaaa])
    }

    @Test func cnameChain() throws {
        let server = try Self.server()
        #expect(try Self.resolve(server.resolver(), "alias.example") == ["192.0.2.7"])
    }

    @Test func noSuchHostIsAClearError() throws {
        let server = try Self.server()
        #expect(throws: RemoteError.unreachable("nowhere.example: cannot resolve: no such host")) {
            try Self.resolve(server.resolver(), "nowhere.example")
        }
    }

    @Test func searchDomainsInResolvConfOrder() throws {
        let server = try Self.server()
        // Fewer dots than ndots: the search domains first.
        #expect(try Self.resolve(server.resolver(search: ["corp.example"]), "redis") == ["192.0.2.9"])
        #expect(server.questions.first?.name.description == "redis.corp.example")
        // At least ndots dots: as given first, then each search domain, past NXDOMAIN.
        #expect(try Self.resolve(server.resolver(search: ["nope.example", "example"]), "redis.corp") == ["192.0.2.9"])
        #expect(server.questions.dropFirst(2).map(\.name.description) == ["redis.corp", "redis.corp", "redis.corp.nope.example",
                                                                          "redis.corp.nope.example", "redis.corp.example", "redis.corp.example"])
    }

    @Test func aServerThatNeverAnswersFailsByTheDeadline() throws {
        let silent = try FakeDNSServer { _, _ in [] }
        #expect(throws: RemoteError.timeout) { try Self.resolve(silent.resolver(), "redis.example", ms: 200) }
        #expect(!silent.questions.isEmpty)
    }

    /// Nothing listens on the port: ECONNREFUSED ends the lookup at once, with the reason.
    @Test func aClosedPortFailsWithItsReason() throws {
        let resolver = try FakeDNSServer { _, _ in [] }.resolver()  // the server is gone, its port closed
        #expect(throws: RemoteError.unreachable("redis.example: cannot resolve: 127.0.0.1: Connection refused")) {
            try Self.resolve(resolver, "redis.example", ms: 5000)
        }
    }

    @Test func serverFailureAndTruncationAreNamed() throws {
        let failing = try FakeDNSServer { id, question in [(DNSReply(id: id, question: question, rcode: 2).bytes, false)] }
        #expect(throws: RemoteError.unreachable("redis.example: cannot resolve: server failure (DNS code 2)")) {
            try Self.resolve(failing.resolver(), "redis.example")
        }
        let truncated = try FakeDNSServer { id, question in [(DNSReply(id: id, question: question, truncated: true).bytes, false)] }
        #expect(throws: RemoteError.unreachable("redis.example: cannot resolve: answer truncated")) {
            try Self.resolve(truncated.resolver(), "redis.example")
        }
    }

    /// What a forger sends: from another port, with another ID, for another question. Alone,
    /// none is believed (the lookup runs out of time); before the real answer, the real one wins.
    @Test(arguments: ["spoofed", "wrong id", "wrong question"])
    func responsesNotBelieved(kind: String) throws {
        @Sendable func forged(_ id: UInt16, _ question: DNSQuestion) -> FakeDNSServer.Reply {
            let other = DNSQuestion(name: DNSName("evil.example")!, type: question.type)
            let reply = DNSReply(id: kind == "wrong id" ? id &+ 1 : id, question: kind == "wrong question" ? other : question,
                                 answers: [DNSReply.a(kind == "wrong question" ? "evil.example" : question.name.description,
                                                      question.type == DNSType.a ? "198.51.100.66" : "2001:db8::66")])
            return (reply.bytes, kind == "spoofed")
        }
        let forger = try FakeDNSServer { id, question in [forged(id, question)] }
        #expect(throws: RemoteError.timeout) { try Self.resolve(forger.resolver(), "redis.example", ms: 200) }

        let both = try FakeDNSServer { id, question in
            [forged(id, question), (DNSReply(id: id, question: question, answers: [DNSReply.a("redis.example", "192.0.2.1")]
                .filter { $0.type == question.type }).bytes, false)]
        }
        #expect(try Self.resolve(both.resolver(), "redis.example") == ["192.0.2.1"])
    }

    /// The resolver's own first steps, before any DNS: literals, and localhost never sent out.
    @Test func literalsAndLocalhost() throws {
        let deadline = Deadline(milliseconds: 1000)
        #expect(try HostResolver.addresses(of: "::1", deadline: deadline) == [.loopbackV6])
        #expect(try HostResolver.addresses(of: "192.0.2.1", deadline: deadline).map(\.description) == ["192.0.2.1"])
        #expect(try HostResolver.addresses(of: "localhost", deadline: deadline).contains(.loopbackV4))
        #expect(try HostResolver.addresses(of: "cache.localhost", deadline: deadline).contains(.loopbackV4))
        let socket = try #require(HostResolver.resolve(host: "127.0.0.1", port: 6379, deadline: deadline).first)
        #expect(socket == SocketAddress(.loopbackV4, port: 6379) && socket.family == AF_INET)
    }
}
