/// Fuzz target: the team cache's value format (RemoteEnvelope), read from a Redis server that
/// anyone with write access may have filled, and the unpacking of its packed frames
/// (`PackedFrames.unpack`, `Zstd.decompress`), given the bytes as a zstd frame of a size the
/// input names: it yields exactly that many bytes or nothing. Bytes that decode must encode back
/// to themselves (a version-3 value whose frames are worth packing, to a version 4 of the same);
/// an envelope built from the bytes must round-trip (if accepted), and any one changed, dropped
/// or added byte of its encoding must be refused, never replayed. What is accepted must have
/// times the hit path can compute with.

private func decoded(_ bytes: [UInt8]) -> RemoteEnvelope? {
    switch RemoteEnvelope.decode(bytes, cid: "bafkreifuzz") {
    case .success(let envelope): return envelope
    case .failure(let corruption): _ = corruption.message; return nil
    }
}

/// What an accepted value must be: its own bytes, with frames a replay can read and times the
/// hit path can compute with (its age, its expiry under the longest `--ttl`, how long ago it
/// expired), since the arithmetic traps on overflow.
private func accepted(_ envelope: RemoteEnvelope, _ bytes: [UInt8]) {
    let again = envelope.encode(cid: "bafkreifuzz")
    check(again == bytes || (bytes[4] == RemoteEnvelope.version && again[4] == RemoteEnvelope.packedVersion),
          "a decoded envelope encodes to other bytes")
    check(decoded(again) == envelope, "a decoded envelope encoded again decodes to another")
    check(Transcript(frames: envelope.frames) != nil, "an accepted envelope has malformed frames")
    let now = Clock.nowMs(), result = envelope.cachedResult
    check(!now.subtractingReportingOverflow(result.createdMs).overflow, "now - createdMs overflows: \(result.createdMs)")
    check(!result.createdMs.addingReportingOverflow(UserNumbers.duration.range.upperBound * 1000).overflow, "createdMs + ttl overflows: \(result.createdMs)")
    check(!now.subtractingReportingOverflow(result.expiresMs).overflow, "now - expiresMs overflows: \(result.expiresMs)")
    check(result.durationMs >= 0, "negative duration \(result.durationMs)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)

    // The bytes as a stored value.
    if let envelope = decoded(bytes) { accepted(envelope, bytes) }

    // The bytes as packed frames of the size their first 4 bytes say (capped, so a run stays
    // fast): exactly that size, verified, or nothing.
    if bytes.count > 4 {
        let size = Int(bytes.littleEndian(UInt32.self, at: 0) % (8 << 20))
        let frame = Array(bytes.dropFirst(4))
        if let out = Zstd.decompress(frame, size: size) { check(out.count == size, "decompressed past the recorded size") }
        if let out = PackedFrames.unpack(frame, size: Int64(size), check: XXH64.hash(Zstd.decompress(frame, size: size) ?? [])) {
            check(out.count == size && Transcript.isWellFormed(out), "unpacked frames of another size, or malformed")
        }
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
    if let back = decoded(made.encode(cid: "bafkreifuzz")) {
        check(back == made, "encode then decode is not the identity")
        accepted(back, made.encode(cid: "bafkreifuzz"))
    }

    // The same with times a real run has: it must decode.
    let now = Clock.nowMs()
    var real = made
    real.createdMs = now - Int64(UInt64(bitPattern: made.createdMs) % (400 * 86_400_000))
    real.expiresMs = real.createdMs + Int64(UInt64(bitPattern: made.expiresMs) % UInt64(UserNumbers.duration.range.upperBound * 1000))
    real.durationMs = Int64(UInt64(bitPattern: made.durationMs) % 86_400_000)
    let encoded = real.encode(cid: "bafkreifuzz")
    check(decoded(encoded) == real, "encode then decode of a real envelope is not the identity")

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
