import Foundation
import Testing

@testable import CachewrapCore

/// Keeps the fuzzers' seed corpus (fuzz/corpus/TARGET) honest: each seed is a valid input of
/// the parser its target fuzzes, so a format change that makes the seeds stale fails here rather
/// than silently starving the fuzzer. Files named `crash-*` are inputs a fuzzer crashed on (each
/// has its own regression test); they only have to go through the parser without crashing.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/corpus")

    /// Every file of one target's corpus: (name, bytes, is a seed rather than a crash input).
    static func files(_ target: String) throws -> [(name: String, bytes: [UInt8], seed: Bool)] {
        let dir = corpus.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        return try names.map { name in
            (name, Array(try Data(contentsOf: dir.appendingPathComponent(name))), !name.hasPrefix("crash-"))
        }
    }

    @Test func configSeedsAreValidConfigs() throws {
        let files = try Self.files("config")
        #expect(files.contains { $0.seed })
        for file in files {
            let (_, issues) = UserConfig.parse(file.bytes)
            if file.seed { #expect(issues.isEmpty, "\(file.name): \(issues)") }
        }
    }

    @Test func respSeedsAreCompleteReplies() throws {
        let files = try Self.files("resp")
        #expect(files.contains { $0.seed })
        for file in files {
            // A seed is nothing but whole replies: a reply appended after it is read next.
            var reader = RESPReader()
            reader.feed(file.bytes + Array("+END\r\n".utf8))
            var replies: [RESPValue] = []
            do {
                while let reply = try reader.next() { replies.append(reply) }
            } catch {
                if file.seed { Issue.record("\(file.name): \(error.message)") }
            }
            if file.seed { #expect(replies.count > 1 && replies.last == .simple("END"), "\(file.name): \(replies)") }
        }
    }

    @Test func envelopeSeedsDecode() throws {
        let files = try Self.files("envelope")
        #expect(files.contains { $0.seed })
        #expect(files.contains { $0.seed && $0.bytes.count > 4 && $0.bytes[4] == RemoteEnvelope.packedVersion },
                "a seed with packed frames, so the fuzzer starts from one")
        for file in files {
            let decoded = RemoteEnvelope.decode(file.bytes, cid: "bafkreifuzz")
            if file.seed, case .failure(let corruption) = decoded { Issue.record("\(file.name): \(corruption.message)") }
        }
    }

    /// The seeds are hot files without their trailer (the target appends it): signed, they decode.
    @Test func hotfileSeedsDecodeOnceSigned() throws {
        let cid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
        let files = try Self.files("hotfile")
        #expect(files.contains { $0.seed })
        #expect(files.contains { $0.seed && $0.bytes.prefix(4) == HotFile.packedMagic[...] }, "a seed with packed frames")
        for file in files where file.seed {
            var signed = file.bytes
            signed.appendLittleEndian(XXH64.hash(file.bytes, seed: AnswerCheck.seed(cid: cid)))
            guard case .found = HotFile.decode(signed, cid: cid, cache: "/nonexistent") else {
                Issue.record("\(file.name) does not decode"); continue
            }
            guard case .damaged = HotFile.decode(file.bytes, cid: cid, cache: "/nonexistent") else {
                Issue.record("\(file.name) decodes without its digest"); continue
            }
        }
    }

    @Test func framesSeedsAreWellFormed() throws {
        let files = try Self.files("frames")
        #expect(files.contains { $0.seed })
        for file in files where file.seed {
            #expect(Transcript.isWellFormed(file.bytes) && Transcript(frames: file.bytes) != nil, "\(file.name)")
        }
    }

    @Test func durationSeedsParse() throws {
        let files = try Self.files("duration")
        #expect(files.contains { $0.seed })
        for file in files where file.seed {
            let text = String(decoding: file.bytes, as: UTF8.self)
            #expect(Duration.seconds(text) != nil || Duration.milliseconds(text) != nil || ByteSize.parse(text) != nil,
                    "\(file.name): \(text)")
        }
    }

    /// Each seed is the output of the tool it is named for (`claude-*`, `gemini-*`) and has a cost.
    @Test func answercostSeedsHaveACost() throws {
        let files = try Self.files("answercost")
        #expect(files.contains { $0.seed })
        for file in files {
            var stdout = Transcript()
            stdout.append(stream: 1, file.bytes)
            let claude = AnswerCost.claude(stdout), gemini = AnswerCost.gemini(stdout)
            guard file.seed else { continue }
            let cost = file.name.hasPrefix("claude-") ? claude : file.name.hasPrefix("gemini-") ? gemini : nil
            #expect((cost?.tokens ?? 0) > 0, "\(file.name): \(String(describing: cost))")
        }
    }

    /// Each seed reaches a rule of the policy it was written for (not the no-match fallback).
    @Test func argvSeedsReachARule() throws {
        let files = try Self.files("argv")
        #expect(files.contains { $0.seed })
        for file in files {
            let args = file.bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            let tool = String(file.name.prefix { $0 != "-" })
            for known in Policies.known { _ = Policies.builtIn(known)?.decide(args) }
            _ = GhAPIRule.parse(args)
            guard file.seed else { continue }
            let spec = tool == "generic" ? PolicySpec.generic(command: "make", keyEnv: []) : Policies.builtIn(tool)
            guard let spec else { Issue.record("\(file.name): no policy named '\(tool)'"); continue }
            #expect(spec.rules.contains { $0.condition.holds(spec.shape(args), in: Invocation(args)) }, "\(file.name): \(args)")
        }
    }

    @Test func responseheadSeedsAreHeadsOrBodies() throws {
        let files = try Self.files("responsehead")
        #expect(files.contains { $0.seed })
        var heads = 0
        for file in files {
            let scan = ResponseHead.scan(file.bytes)
            if case .complete = scan { heads += 1 } else if file.seed { #expect(scan == .notAHead, "\(file.name): \(scan)") }
        }
        #expect(heads >= 2, "a 200 and a coloured 304 to start from")
    }

    /// Each seed is a response the resolver would read: decoded, with its question.
    @Test func dnsmessageSeedsDecode() throws {
        let files = try Self.files("dnsmessage")
        #expect(files.contains { $0.seed })
        #expect(files.contains { $0.seed && DNSResponse.decode($0.bytes)?.answers.contains { $0.type == DNSType.cname } == true },
                "a seed with a CNAME, so the fuzzer starts from compression pointers")
        for file in files {
            let response = DNSResponse.decode(file.bytes)
            if file.seed { #expect(response?.question != nil, "\(file.name)") }
        }
    }

    /// Each seed is the system file its name starts with, and says something there.
    @Test func systemfilesSeedsAreSystemFiles() throws {
        let files = try Self.files("systemfiles")
        for kind in ["passwd-", "hosts-", "resolv-"] { #expect(files.contains { $0.name.hasPrefix(kind) }, "a \(kind) seed") }
        for file in files where file.seed {
            let bytes = file.bytes[...]
            if file.name.hasPrefix("passwd-") { #expect(PasswdFile.account(uid: 0, in: bytes)?.home == "/root", "\(file.name)") }
            if file.name.hasPrefix("hosts-") { #expect(HostsFile.addresses(of: "localhost", in: bytes).contains(.loopbackV4), "\(file.name)") }
            if file.name.hasPrefix("resolv-") { #expect(ResolvConf.parse(bytes).nameservers != [.loopbackV4], "\(file.name)") }
        }
    }
}
