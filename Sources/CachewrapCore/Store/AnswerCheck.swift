/// The digests every stored answer carries, taken when it was stored and checked before any byte
/// of it is replayed: damage is a miss, never output.
///
/// Two levels, so an output shared by several entries (identical answers are stored once) is
/// checked once and yet every entry is bound to its own CID:
/// - `content`: XXH64 of the output's frames alone; kept with the output (its row, or the hot
///   file that points at its blob) and recomputed over the bytes about to be replayed.
/// - `binding`: XXH64, seeded by the CID, of the entry's metadata and its content check; a hot
///   file or row copied over another CID's name, or a changed exit code, fails it.
enum AnswerCheck {
    /// The seed that binds a digest to one CID.
    static func seed(cid: String) -> UInt64 {
        XXH64.hash(Array(cid.utf8), seed: 0x6377_616e_7377_6572)  // "cwanswer"
    }

    static func content(_ frames: [UInt8]) -> UInt64 { XXH64.hash(frames) }

    /// The entry's own digest: what a row stores next to its metadata.
    static func binding(cid: String, createdMs: Int64, expiresMs: Int64, durationMs: Int64, exitCode: Int32,
                        size: Int64, content: UInt64) -> UInt64 {
        var fields: [UInt8] = []
        for value in [createdMs, expiresMs, durationMs, size] { fields.appendLittleEndian(value) }
        fields.appendLittleEndian(exitCode)
        fields.appendLittleEndian(content)
        return XXH64.hash(fields, seed: seed(cid: cid))
    }

    /// Why a stored answer was refused, for the one warning a damaged entry gets.
    enum Damage: Equatable, Sendable {
        case digestMismatch(String)
        case truncated(String)
        case missingBlob
        case malformed(String)
        case untrusted(String)

        var message: String {
            switch self {
            case .digestMismatch(let what): "\(what) does not match its digest"
            case .truncated(let what): "\(what) is shorter or longer than stored"
            case .missingBlob: "its output file is missing"
            case .malformed(let what): "\(what) is malformed"
            case .untrusted(let why): why
            }
        }
    }
}

extension Int64 {
    /// A UInt64 digest as SQLite stores it (its INTEGER is signed).
    init(digest: UInt64) { self.init(bitPattern: digest) }
}
