/// XXH64 (Yann Collet's xxHash, 64-bit), written out here because no package may be used.
///
/// Why not SHA-256 for the check on every replay: a 100 MiB answer must replay at 2 GB/s or
/// more with its digest checked before the first byte is written, so the check reads the whole
/// blob once before it is written. SHA-256 in Swift runs at a few hundred MB/s; XXH64 at over
/// 20 GB/s here. The check guards against damage (bit rot, truncation, a file copied over
/// another's name), not against a forger: whoever can write the cache dir could write any digest
/// too, which is why only a private cache dir is trusted at all (`CacheTrust`).
struct XXH64 {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private let seed: UInt64
    private var lanes: (UInt64, UInt64, UInt64, UInt64)
    /// Bytes not yet consumed by a whole 32-byte stripe.
    private var tail: [UInt8] = []
    private var total: UInt64 = 0

    init(seed: UInt64 = 0) {
        self.seed = seed
        lanes = (seed &+ XXH64.p1 &+ XXH64.p2, seed &+ XXH64.p2, seed, seed &- XXH64.p1)
    }

    /// The digest of `bytes` in one call.
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var hasher = XXH64(seed: seed)
        hasher.update(bytes)
        return hasher.finalize()
    }

    static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    mutating func update(_ input: UnsafeRawBufferPointer) {
        total &+= UInt64(input.count)
        var at = 0
        if !tail.isEmpty {
            let take = min(32 - tail.count, input.count)
            tail.append(contentsOf: input[0..<take])
            at = take
            guard tail.count == 32 else { return }
            tail.withUnsafeBytes { stripe(UnsafeRawBufferPointer($0), 0) }
            tail.removeAll(keepingCapacity: true)
        }
        while input.count - at >= 32 {
            stripe(input, at)
            at += 32
        }
        if at < input.count { tail.append(contentsOf: input[at...]) }
    }

    @inline(__always) private mutating func stripe(_ p: UnsafeRawBufferPointer, _ at: Int) {
        lanes.0 = XXH64.round(lanes.0, p.word(at))
        lanes.1 = XXH64.round(lanes.1, p.word(at + 8))
        lanes.2 = XXH64.round(lanes.2, p.word(at + 16))
        lanes.3 = XXH64.round(lanes.3, p.word(at + 24))
    }

    func finalize() -> UInt64 {
        var h: UInt64
        if total >= 32 {
            let (v1, v2, v3, v4) = lanes
            h = v1.rotl(1) &+ v2.rotl(7) &+ v3.rotl(12) &+ v4.rotl(18)
            for v in [v1, v2, v3, v4] { h = (h ^ XXH64.round(0, v)) &* XXH64.p1 &+ XXH64.p4 }
        } else {
            h = seed &+ XXH64.p5
        }
        h &+= total
        tail.withUnsafeBytes { rest in
            var at = 0
            while rest.count - at >= 8 {
                h = (h ^ XXH64.round(0, rest.word(at))).rotl(27) &* XXH64.p1 &+ XXH64.p4
                at += 8
            }
            if rest.count - at >= 4 {
                let half = UInt64(UInt32(littleEndian: rest.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                h = (h ^ (half &* XXH64.p1)).rotl(23) &* XXH64.p2 &+ XXH64.p3
                at += 4
            }
            while at < rest.count {
                h = (h ^ (UInt64(rest[at]) &* XXH64.p5)).rotl(11) &* XXH64.p1
                at += 1
            }
        }
        h ^= h >> 33
        h = h &* XXH64.p2
        h ^= h >> 29
        h = h &* XXH64.p3
        return h ^ (h >> 32)
    }

    @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        (acc &+ input &* p2).rotl(31) &* p1
    }
}

private extension UInt64 {
    @inline(__always) func rotl(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}

private extension UnsafeRawBufferPointer {
    @inline(__always) func word(_ at: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }
}
