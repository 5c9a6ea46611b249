import Glibc

/// Which program answers, as the key names it: the SHA-256 of the file the tool resolved to.
/// Another program earlier on PATH, an edited script or an upgraded binary is then a new key for
/// every class of call, and the same program on another machine is the same key, so a team
/// sharing a cache with one tool version shares its entries (a path would keep them apart).
///
/// Hashing a 50 MB binary on every hit would cost more than the hit, so the digest is memoised
/// in `<cache>/binaries/`, one small file per tool path, valid while the file has the device,
/// inode, size, mtime and ctime it was hashed with. ctime is in the memo key because no one can
/// set it: an edit that keeps the size and puts the old mtime back still changes it.
public struct BinaryIdentity: Sendable {
    /// The cache whose `binaries` directory holds the memo; nil hashes on every call.
    public var memo: CacheLocation?
    /// Whether a digest just computed is memoised: `key` and `explain` write nothing.
    public var writesMemo: Bool
    /// A file changed this recently is hashed but not memoised: a second change within the same
    /// tick of the file system's clock would leave every stamp as it was (what git calls a
    /// racily clean entry), and the memo would name the first version for good.
    var settleNs: Int64 = 1_000_000_000
    /// Hashes an open file, nil when it cannot be read; tests count the calls through it.
    var hash: @Sendable (Int32) -> [UInt8]? = BinaryIdentity.sha256

    public init(memo: CacheLocation? = nil, writesMemo: Bool = false) {
        self.memo = memo
        self.writesMemo = writesMemo
    }

    /// `"sha256:<hex>"` of the file at `path`; its path and stamps when it cannot be read (a
    /// tool without read permission still runs), or its path alone when it is not there at all
    /// (`cachewrap key` for a tool not on PATH). Memo problems only cost a hash (fail open).
    /// A relative `path` (a `.` entry on PATH) is found from `directory`, the call's working
    /// directory, and still named as given.
    public func value(of path: String, in directory: String = "/") -> JSONValue {
        let found = path.hasPrefix("/") ? path : directory + "/" + path
        var st = stat()
        guard stat(found, &st) == 0 else { return .object(["path": .string(path)]) }
        let stamp = Stamp(st, absolutePath: found)
        let memoName = memo.map { _ in Hex.encode(SHA256.hash(Array(stamp.absolutePath.utf8))) }
        if let memo, let memoName, let hex = Self.readMemo(memo.directory + "/binaries/" + memoName, stamp: stamp) {
            return .string("sha256:" + hex)
        }
        let fd = open(found, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return Self.stamps(path, st) }
        defer { close(fd) }
        guard let digest = hash(fd) else { return Self.stamps(path, st) }
        let hex = Hex.encode(digest)
        // Memoised only if what was hashed is what was stamped: the file was not replaced or
        // changed while it was read, and has not changed too recently to tell.
        var after = stat()
        if writesMemo, let memo, let memoName, fstat(fd, &after) == 0, Stamp(after, absolutePath: found) == stamp,
           stamp.isSettled(settleNs), let dir = memo.subdirectory("binaries") {
            AtomicFile.write(Self.memoBytes(digest: hex, stamp: stamp), to: dir + "/" + memoName)
        }
        return .string("sha256:" + hex)
    }

    /// A memo file: `<digest hex> <stamp>` and the XXH64 of those bytes, so a damaged digest is
    /// hashed again rather than keying every call of the tool apart from everyone else's.
    static func memoBytes(digest hex: String, stamp: Stamp) -> [UInt8] {
        let body = Array((hex + " " + stamp.text).utf8)
        return body + Array(" \(Hex.encode(withUnsafeBytes(of: XXH64.hash(body).bigEndian) { Array($0) }))".utf8)
    }

    /// The digest in a memo file when it is this user's, intact and stamped exactly as the
    /// file is now; nil otherwise (missing, damaged or stale: hash again).
    static func readMemo(_ path: String, stamp: Stamp) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard CacheTrust.problem(file: fd, path: path) == nil, let bytes = FileIO.read(fd, limit: 2 * Int(PATH_MAX)),
              bytes.count > 64 + 17, bytes[64] == UInt8(ascii: " ") else { return nil }
        let digest = String(decoding: bytes[..<64], as: UTF8.self)
        return bytes == memoBytes(digest: digest, stamp: stamp) ? digest : nil
    }

    /// A file that cannot be read is named by what `stat` says: machine-dependent, but it still
    /// changes when the file is replaced or rewritten.
    private static func stamps(_ path: String, _ st: stat) -> JSONValue {
        .object(["path": .string(path), "size": .int(Int64(st.st_size)), "mtime_ns": .int(Stamp.ns(st.st_mtim)),
                 "inode": .int(Int64(bitPattern: UInt64(st.st_ino)))])
    }

    /// SHA-256 of everything readable from `fd`, 1 MiB at a time; nil on a read error.
    static func sha256(_ fd: Int32) -> [UInt8]? {
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        while true {
            let n = read(fd, buffer.baseAddress, size)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { return hasher.finalize() }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
        }
    }

    /// The memo key: which file, in which version, by what `stat` tells without reading it.
    struct Stamp: Equatable {
        let absolutePath: String
        let device: UInt64, inode: UInt64, size: Int64, mtimeNs: Int64, ctimeNs: Int64

        /// `absolutePath`: a relative path (a `.` entry on PATH) names another file in another
        /// directory, so the memo is named by where the file is.
        init(_ st: stat, absolutePath: String) {
            self.absolutePath = absolutePath
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
            size = Int64(st.st_size)
            mtimeNs = Self.ns(st.st_mtim)
            ctimeNs = Self.ns(st.st_ctim)
        }

        var text: String { "\(device) \(inode) \(size) \(mtimeNs) \(ctimeNs) \(absolutePath)" }

        func isSettled(_ settleNs: Int64) -> Bool {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return Self.ns(now) - max(mtimeNs, ctimeNs) >= settleNs
        }

        static func ns(_ t: timespec) -> Int64 { Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec) }
    }
}
