/// Fuzz target: the RESP2 codec (RESPReader) on replies from a broken or hostile server. The
/// bytes are read whole, in a split derived from them, and (when short) one byte at a time: the
/// replies found must not depend on how the bytes arrived. Every reply read, encoded again, must
/// read back the same; every command RESPEncoder builds must read back as its arguments. Pairs
/// of replies also go through what a lookup makes of a GET and a PTTL reply.

/// All replies in `chunks` fed in order, and whether the reader refused the stream.
private func readAll(_ chunks: [ArraySlice<UInt8>], maxReplyBytes: Int) -> (replies: [RESPValue], refused: Bool) {
    var reader = RESPReader(maxReplyBytes: maxReplyBytes)
    var replies: [RESPValue] = []
    for chunk in chunks {
        chunk.withUnsafeBytes { reader.feed($0) }
        do {
            while let reply = try reader.next() { replies.append(reply) }
        } catch {
            _ = error.message
            return (replies, true)
        }
    }
    return (replies, false)
}

/// A reply as a server would send it.
private func encode(_ value: RESPValue, into out: inout [UInt8]) {
    func line(_ type: Character, _ text: String) {
        out.append(UInt8(ascii: type.unicodeScalars.first!))
        out += Array(text.utf8) + [13, 10]
    }
    switch value {
    case .simple(let text): line("+", text)
    case .error(let text): line("-", text)
    case .integer(let n): line(":", String(n))
    case .bulk(nil): line("$", "-1")
    case .bulk(let bytes?): line("$", String(bytes.count)); out += bytes + [13, 10]
    case .array(nil): line("*", "-1")
    case .array(let items?):
        line("*", String(items.count))
        for item in items { encode(item, into: &out) }
    }
}

private func agree(_ a: (replies: [RESPValue], refused: Bool), _ b: (replies: [RESPValue], refused: Bool), _ what: String) {
    if !a.refused && !b.refused {
        check(a.replies == b.replies, "\(what): different replies")
    } else {
        // A refusal may come earlier in one split (a 64 KiB line is refused before its CRLF
        // arrives), but the replies before it are the same.
        let n = min(a.replies.count, b.replies.count)
        check(Array(a.replies.prefix(n)) == Array(b.replies.prefix(n)), "\(what): replies differ before a refusal")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    let whole = readAll([bytes[...]], maxReplyBytes: 256 << 20)
    agree(whole, readAll(pieces(of: bytes), maxReplyBytes: 256 << 20), "split")
    if bytes.count <= 512 {
        agree(whole, readAll(bytes.indices.map { bytes[$0...$0] }, maxReplyBytes: 256 << 20), "byte at a time")
    }
    // A small limit refuses more, never reads something else.
    agree(whole, readAll([bytes[...]], maxReplyBytes: 16), "small limit")

    // Each bulk reply followed by another, as a GET and a PTTL reply: what a lookup makes of
    // them. A hit expires in the future, and a replayable result's times are usable.
    let now = Clock.nowMs()
    for (get, pttl) in zip(whole.replies, whole.replies.dropFirst()) {
        guard case .bulk(let value?) = get else { continue }
        if case .hit(let result, _) = RemoteCache.found(value, cid: "bafkreifuzz", pttl: pttl, marks: [], now: now, refused: { _ in }) {
            check(result.expiresMs > now, "a hit that has already expired")
            check(result.expiresMs - now <= UserNumbers.duration.range.upperBound * 1000, "a hit that outlives the longest TTL")
            check(!now.subtractingReportingOverflow(result.createdMs).overflow, "now - createdMs overflows")
        }
    }

    // The replies as the GETs of scope marks: counts or nothing, never a trap.
    if let marks = RemoteCache.marks(whole.replies[...]) { check(marks.count == whole.replies.count, "a mark lost or made up") }

    // Replies re-encoded read back the same.
    var again: [UInt8] = []
    for reply in whole.replies { encode(reply, into: &again) }
    let reread = readAll([again[...]], maxReplyBytes: 256 << 20)
    check(!reread.refused && reread.replies == whole.replies, "a reply encoded again reads differently")

    // A command built from the bytes (NUL-separated arguments) reads back as a bulk-string array.
    let arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).prefix(64).map(Array.init)
    let command = RESPEncoder.encode(arguments)
    let decoded = readAll([command[...]], maxReplyBytes: 256 << 20)
    check(!decoded.refused && decoded.replies == [.array(arguments.map { .bulk($0) })], "an encoded command reads differently")
    return 0
}
