import Glibc

/// The per-cache random salt of every secret digest in the key (argv secrets, secret variables,
/// login files, git remotes, stdin). Unsalted, a short secret could be found from its digest by
/// trying guesses; salted, a guess needs the salt, which never leaves the cache dir (mode 0600)
/// or, for a team cache, the namespace (see `TeamSalt`).
public struct Salt: Sendable, Equatable {
    public enum Origin: Sendable, Equatable {
        /// `<cache>/salt`: this cache's own.
        case local
        /// The team cache namespace's, shared by every machine that uses it.
        case team(namespace: String)
        /// Made up for this one call because the cache has no salt yet and this call may not make
        /// one (`key`/`explain` write nothing): a CID that uses it is provisional.
        case ephemeral

        /// For `explain` (and, when provisional, `key`'s notice).
        public var summary: String {
            switch self {
            case .local: "this cache's own"
            case .team(let namespace): "the team namespace \(namespace)'s"
            case .ephemeral:
                "the cache has no salt yet, so this CID is provisional: the first call that stores makes the salt, and the CID changes"
            }
        }
    }

    public static let size = 32

    public let bytes: [UInt8]
    public let origin: Origin

    public init(bytes: [UInt8], origin: Origin) {
        self.bytes = bytes
        self.origin = origin
    }

    /// 32 bytes from the system's secure generator (getrandom(2), which Swift's
    /// `SystemRandomNumberGenerator` uses on Linux, falling back to /dev/urandom).
    public static func randomBytes() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<size / 8).flatMap { _ in withUnsafeBytes(of: generator.next()) { Array($0) } }
    }

    public static func ephemeral() -> Salt { Salt(bytes: randomBytes(), origin: .ephemeral) }

    /// `<cache>/salt`, made on first need when `writing` (the cache dir too, if missing); nil
    /// when there is none and it may not or cannot be made.
    static func local(_ location: CacheLocation, writing: Bool) -> Salt? {
        let path = location.directory + "/salt"
        if let bytes = SaltFile.bytes(at: path) { return Salt(bytes: bytes, origin: .local) }
        guard writing, (try? location.makeDirectory()) != nil,
              let bytes = SaltFile.install(path, randomBytes()) else { return nil }
        return Salt(bytes: bytes, origin: .local)
    }
}

/// The salt of one key, loaded on first use: a key with nothing to salt (most `cachewrap --`
/// commands without stdin) never reads the salt file, let alone asks the team cache for one.
public final class SaltProvider {
    private let load: () -> Salt
    /// The salt, once a digest asked for it.
    public private(set) var used: Salt?

    public init(_ load: @escaping () -> Salt) { self.load = load }

    public convenience init(fixed salt: Salt) { self.init { salt } }

    public var salt: Salt {
        if let used { return used }
        let loaded = load()
        used = loaded
        return loaded
    }
}

/// A salt file: exactly `Salt.size` bytes, mode 0600, never rewritten in place.
enum SaltFile {
    /// The salt in `path`, or nil when missing or not exactly 32 bytes. One open and one read: a
    /// hit whose key has secrets pays this on top of reading its hot file.
    static func bytes(at path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: Salt.size + 1)
        var count = 0
        while count < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count += n
        }
        return count == Salt.size ? Array(buffer.prefix(Salt.size)) : nil
    }

    /// Puts `salt` at `path` unless a salt is there already, and returns the salt that is there
    /// now. Race-free: the bytes are written whole to a private temp file, which `link` puts in
    /// place only if nothing is there, so concurrent first calls all end up with the one that
    /// won. A damaged file (not 32 bytes) is replaced, which only costs the entries keyed with it;
    /// so is any file when `replacing` (a team salt that changed on the server).
    static func install(_ path: String, _ salt: [UInt8], replacing: Bool = false) -> [UInt8]? {
        switch AtomicFile.create(salt, at: path, replacing: replacing) {
        case .written: return salt
        // Another caller's salt, unless the file there is damaged: then it is replaced.
        case .exists: return bytes(at: path) ?? (AtomicFile.create(salt, at: path, replacing: true) == .written ? salt : nil)
        case .failed: return nil
        }
    }
}
