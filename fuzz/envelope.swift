/// Fuzz target: the team cache's value format (RemoteEnvelope), read from a Redis server that
/// anyone with write access may have filled. Bytes that decode must encode back to themselves;
/// an envelope built from the bytes must round-trip, and any one changed, dropped or added
/// byte of its encoding must be refused, never replayed.

private func decoded(_ bytes: [UInt8]) -> RemoteEnvelope? {
    switch RemoteEnvelope.decode(bytes) {
    case .success(let envelope): return envelope
    case .failure(let corruption): _ = corruption.message; return nil
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)

    // The bytes as a stored value.
    if let envelope = decoded(bytes) {
        check(envelope.encode() == bytes, "a decoded envelope encodes to other bytes")
        check(Transcript(frames: envelope.frames) != nil, "an accepted envelope has malformed frames")
        _ = envelope.cachedResult
    }

    // An envelope made of the bytes: 28 bytes of header fields, the rest as output chunks.
    var header = Array(bytes.prefix(28))
    header += [UInt8](repeating: 0, count: 28 - header.count)
    var transcript = Transcript()
    for piece in pieces(of: Array(bytes.dropFirst(28))) {
        transcript.append(stream: piece.first.map { $0 & 1 == 0 ? 1 : 2 } ?? 1, Array(piece))
    }
    let made = RemoteEnvelope(exitCode: Int32(bitPattern: header.littleEndian(UInt32.self, at: 0)),
                              createdMs: Int64(bitPattern: header.littleEndian(UInt64.self, at: 4)),
                              expiresMs: Int64(bitPattern: header.littleEndian(UInt64.self, at: 12)),
                              durationMs: Int64(bitPattern: header.littleEndian(UInt64.self, at: 20)),
                              frames: transcript.bytes)
    let encoded = made.encode()
    check(decoded(encoded) == made, "encode then decode is not the identity")

    // Damage is always detected.
    let at = Int(header.littleEndian(UInt32.self, at: 0) % UInt32(encoded.count))
    var flipped = encoded
    flipped[at] ^= header[4] | 1
    check(decoded(flipped) == nil, "a changed byte at \(at) was accepted")
    check(decoded(Array(encoded.dropLast())) == nil, "a truncated envelope was accepted")
    check(decoded(encoded + [header[5]]) == nil, "a padded envelope was accepted")
    check(decoded(Array(encoded.prefix(at))) == nil, "a prefix of \(at) bytes was accepted")
    return 0
}
