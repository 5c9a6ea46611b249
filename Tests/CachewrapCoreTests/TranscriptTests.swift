import Testing

@testable import CachewrapCore

/// Guards exact replay (docs/architecture.md, Invariants): a transcript keeps stdout/stderr interleaving,
/// merges adjacent chunks of one stream, carries any bytes (NULs, invalid UTF-8) unchanged through
/// its stored frame form, and rejects malformed frames instead of replaying garbage.
@Suite struct TranscriptTests {
    /// Frame bytes for one chunk: stream byte, 4-byte little-endian length, the bytes.
    static func frame(_ stream: UInt8, _ bytes: [UInt8]) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [stream, UInt8(n & 0xff), UInt8((n >> 8) & 0xff), UInt8((n >> 16) & 0xff), UInt8(n >> 24)] + bytes
    }

    static func chunks(_ t: Transcript) -> [(UInt8, [UInt8])] {
        var out: [(UInt8, [UInt8])] = []
        Transcript.forEachFrame(in: t.bytes) { stream, chunk in out.append((stream, Array(chunk))) } ifMalformed: {
            Issue.record("a transcript's own bytes must be well formed")
        }
        return out
    }

    @Test func emptyTranscript() throws {
        let t = Transcript()
        #expect(t.bytes.isEmpty)
        #expect(t.stdoutCount == 0 && t.stderrCount == 0)
        #expect(t.stream(1).isEmpty && t.stream(2).isEmpty)
        let rebuilt = try #require(Transcript(frames: []))
        #expect(rebuilt == t)
        #expect(rebuilt.bytes.isEmpty)
    }

    @Test func interleavingIsKeptAndSameStreamChunksMerge() {
        var t = Transcript()
        t.append(stream: 1, Array("a".utf8))
        t.append(stream: 1, Array("b".utf8))
        t.append(stream: 2, Array("E1".utf8))
        t.append(stream: 1, Array("c".utf8))
        t.append(stream: 2, Array("E2".utf8))
        t.append(stream: 2, Array("E3".utf8))
        let frames = Self.chunks(t)
        #expect(frames.map(\.0) == [1, 2, 1, 2])
        #expect(frames.map { String(decoding: $0.1, as: UTF8.self) } == ["ab", "E1", "c", "E2E3"])
        #expect(t.bytes == Self.frame(1, Array("ab".utf8)) + Self.frame(2, Array("E1".utf8))
            + Self.frame(1, Array("c".utf8)) + Self.frame(2, Array("E2E3".utf8)))
        #expect(t.stdoutCount == 3)
        #expect(t.stderrCount == 6)
    }

    @Test func streamsSeparately() {
        var t = Transcript()
        t.append(stream: 2, Array("warn\n".utf8))
        t.append(stream: 1, Array("out1\n".utf8))
        t.append(stream: 2, Array("err\n".utf8))
        t.append(stream: 1, Array("out2\n".utf8))
        #expect(t.stream(1) == Array("out1\nout2\n".utf8))
        #expect(t.stream(2) == Array("warn\nerr\n".utf8))
        #expect(t.stream(3).isEmpty)
    }

    @Test func emptyChunksAreIgnored() {
        var t = Transcript()
        t.append(stream: 1, [])
        #expect(t.bytes.isEmpty)
        t.append(stream: 1, [0x41])
        t.append(stream: 2, [])
        t.append(stream: 1, [0x42])
        #expect(Self.chunks(t).count == 1)
        #expect(t.stream(1) == [0x41, 0x42])
    }

    @Test func everyByteValueRoundTrips() throws {
        let all = (0...255).map { UInt8($0) }
        var t = Transcript()
        t.append(stream: 1, all)
        t.append(stream: 2, [0, 0, 0xff, 0xfe, 0xc3])
        t.append(stream: 1, all.reversed())
        t.append(stream: 1, [0, 0, 0, 0])
        let rebuilt = try #require(Transcript(frames: t.bytes))
        #expect(rebuilt == t)
        #expect(rebuilt.bytes == t.bytes)
        #expect(rebuilt.stream(1) == all + all.reversed() + [0, 0, 0, 0])
        #expect(rebuilt.stream(2) == [0, 0, 0xff, 0xfe, 0xc3])
        #expect(rebuilt.stdoutCount == 516)
        #expect(rebuilt.stderrCount == 5)
    }

    @Test func largeChunkLengthUsesAllFourBytes() throws {
        let big = [UInt8](repeating: 0xab, count: 70_000)
        var t = Transcript()
        t.append(stream: 1, big)
        #expect(Array(t.bytes.prefix(5)) == [1, 0x70, 0x11, 0x01, 0x00])
        let rebuilt = try #require(Transcript(frames: t.bytes))
        #expect(rebuilt.stream(1) == big)
    }

    @Test func framesFromElsewhereAreRebuilt() throws {
        let frames = Self.frame(2, [0x00]) + Self.frame(1, [0x01, 0x02]) + Self.frame(2, [0x03])
        let t = try #require(Transcript(frames: frames))
        #expect(t.bytes == frames)
        #expect(t.stream(1) == [1, 2])
        #expect(t.stream(2) == [0, 3])
    }

    @Test(arguments: [
        [1, 5, 0, 0],                       // truncated length field
        [1],                                // stream byte only
        [1, 5, 0, 0, 0, 0x41, 0x42],        // length says 5, only 2 bytes follow
        [1, 0xff, 0xff, 0xff, 0xff, 0],     // absurd length
        [3, 1, 0, 0, 0, 0x41],              // stream 3 does not exist
        [0, 1, 0, 0, 0, 0x41],              // stream 0 does not exist
        [1, 1, 0, 0, 0, 0x41, 2, 1, 0],     // good frame then a truncated one
        [1, 1, 0, 0, 0, 0x41, 9, 1, 0, 0, 0, 0x42], // good frame then a bad stream
    ] as [[UInt8]])
    func malformedFramesAreRejected(_ frames: [UInt8]) {
        #expect(Transcript(frames: frames) == nil)
    }

    @Test func equalityIsByBytes() {
        var a = Transcript()
        a.append(stream: 1, Array("xy".utf8))
        var b = Transcript()
        b.append(stream: 1, Array("x".utf8))
        b.append(stream: 1, Array("y".utf8))
        var c = Transcript()
        c.append(stream: 2, Array("xy".utf8))
        #expect(a == b)
        #expect(a != c)
    }
}
