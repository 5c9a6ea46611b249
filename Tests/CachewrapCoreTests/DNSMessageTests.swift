import Testing

@testable import CachewrapCore

/// The DNS wire format as the resolver writes queries and reads responses: a response comes off
/// the network, so every malformed shape must decode to nil (or to no address), never trap or hang.
@Suite struct DNSMessageTests {
    static let question = DNSQuestion(name: DNSName("redis.example")!, type: DNSType.a)

    @Test func queryBytes() {
        #expect(Self.question.query(id: 0x1234) == [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                                                    5] + Array("redis".utf8) + [7] + Array("example".utf8) + [0, 0, 1, 0, 1])
    }

    @Test func names() {
        #expect(DNSName("Redis.EXAMPLE") == DNSName("redis.example"))
        #expect(DNSName("redis.example")?.description == "redis.example")
        for bad in ["", ".", "a..b", ".a", String(repeating: "x", count: 64) + ".example",
                    Array(repeating: String(repeating: "x", count: 63), count: 4).joined(separator: ".")] {
            #expect(DNSName(bad) == nil, "\(bad)")
        }
        #expect(DNSName(Array(repeating: String(repeating: "x", count: 62), count: 4).joined(separator: ".")) != nil)  // 253 bytes
    }

    @Test func answerWithCompressionAndCNAMEs() throws {
        // The answer's names point back at the question (0xc00c), as servers write them.
        var bytes = DNSReply(id: 7, question: Self.question).bytes
        bytes[7] = 3  // three answers
        bytes += [0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3] + Array("MID".utf8) + [0xc0, 0x12]  // CNAME mid.example
        bytes += [3] + Array("mid".utf8) + [0xc0, 0x12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 7, 4] + Array("real".utf8) + [0xc0, 0x12]
        bytes += [4] + Array("Real".utf8) + [0xc0, 0x12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7]
        let response = try #require(DNSResponse.decode(bytes))
        #expect(response.id == 7 && response.rcode == 0 && !response.truncated && response.question == Self.question)
        #expect(response.answers.count == 3)
        #expect(response.addresses(for: Self.question).map(\.description) == ["192.0.2.7"])
        #expect(response.addresses(for: DNSQuestion(name: Self.question.name, type: DNSType.aaaa)).isEmpty)
    }

    @Test func cnameLoopGivesNoAddress() throws {
        let reply = DNSReply(id: 1, question: Self.question, answers: [
            DNSReply.cname("redis.example", "b.example"), DNSReply.cname("b.example", "redis.example"), DNSReply.a("c.example", "192.0.2.1"),
        ])
        #expect(try #require(DNSResponse.decode(reply.bytes)).addresses(for: Self.question).isEmpty)
    }

    @Test func rcodeTruncationAndMissingQuestion() throws {
        let nx = try #require(DNSResponse.decode(DNSReply(id: 2, question: Self.question, rcode: 3).bytes))
        #expect(nx.rcode == DNSResponse.noSuchName)
        let tc = try #require(DNSResponse.decode(DNSReply(id: 3, question: Self.question, truncated: true, answers: [DNSReply.a("redis.example", "192.0.2.1")]).bytes.dropLast(3).map { $0 }))
        #expect(tc.truncated && tc.answers.isEmpty)  // a cut-off answer section is not read
        #expect(try #require(DNSResponse.decode(DNSReply(id: 4, question: nil, rcode: 1).bytes)).question == nil)
    }

    /// Every malformed shape: nil, not a trap, not a hang.
    @Test(arguments: [
        ("empty", []),
        ("short header", [0, 1, 0x81, 0x80, 0, 0]),
        ("a query, not a response", Self.question.query(id: 9)),
        ("two questions", Self.patched(DNSReply(id: 1, question: Self.question).bytes, at: 5, 2)),
        ("an answer promised, none sent", Self.patched(DNSReply(id: 1, question: Self.question).bytes, at: 7, 1)),
        ("pointer to itself", Self.header(questions: 1) + [0xc0, 12, 0, 1, 0, 1]),
        ("pointer forward", Self.header(questions: 1) + [0xc0, 14, 0, 0, 1, 0, 1]),
        ("pointers in a loop", Self.header(questions: 1) + [1, 0x61, 0xc0, 12, 0, 1, 0, 1]),
        ("pointer cut", Self.header(questions: 1) + [0xc0]),
        ("label past the end", Self.header(questions: 1) + [40, 0x61, 0x62]),
        ("extended label type", Self.header(questions: 1) + [0x41, 0, 0, 1, 0, 1]),
        ("name over 255 bytes", Self.header(questions: 1) + Array(repeating: [63] + Array(repeating: 0x61, count: 63), count: 5).flatMap { $0 } + [0, 0, 1, 0, 1]),
        ("A record of 5 bytes", Self.header(answers: 1) + [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5]),
        ("AAAA record of 4 bytes", Self.header(answers: 1) + [0, 0, 28, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4]),
        ("record data past the end", Self.header(answers: 1) + [0, 0, 1, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]),
        ("record cut in its header", Self.header(answers: 1) + [0, 0, 1, 0]),
        ("CNAME name past its data", Self.header(answers: 1) + [0, 0, 5, 0, 1, 0, 0, 0, 0, 0, 2, 1, 0x61, 0]),
        ("CNAME data longer than its name", Self.header(answers: 1) + [0, 0, 5, 0, 1, 0, 0, 0, 0, 0, 4, 1, 0x61, 0, 0]),
    ] as [(String, [UInt8])])
    func malformed(what: String, bytes: [UInt8]) {
        #expect(DNSResponse.decode(bytes) == nil, "\(what)")
    }

    /// A response header announcing `questions` questions and `answers` answer records.
    static func header(questions: UInt8 = 0, answers: UInt8 = 0) -> [UInt8] { [0, 1, 0x81, 0x80, 0, questions, 0, answers, 0, 0, 0, 0] }

    static func patched(_ bytes: [UInt8], at index: Int, _ value: UInt8) -> [UInt8] {
        var out = bytes
        out[index] = value
        return out
    }
}
