import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// Guards the program's identity in the key: the SHA-256 of the resolved file, memoised in the
/// cache dir so a hit does not hash a large binary, and re-hashed whenever the file may have
/// changed (another inode, size, mtime or ctime, or changed too recently to tell).
@Suite struct BinaryIdentityTests {
    /// A private directory with a tool file and a cache dir, removed afterwards.
    final class World {
        let root: String
        var tool: String { root + "/tool" }
        var cache: CacheLocation { CacheLocation(directory: root + "/cache") }
        let hashes = HashCount()

        init(content: String = "#!/bin/sh\necho one\n") throws {
            root = FileManager.default.temporaryDirectory.path + "/cachewrap-binary-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try content.write(toFile: tool, atomically: true, encoding: .utf8)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        /// An identity that memoises in this world's cache and counts every hash it computes.
        func identity(writes: Bool = true, settleNs: Int64 = 0, readable: Bool = true) -> BinaryIdentity {
            var identity = BinaryIdentity(memo: cache, writesMemo: writes)
            identity.settleNs = settleNs
            let hashes = self.hashes
            identity.hash = { fd in
                hashes.value += 1
                return readable ? BinaryIdentity.sha256(fd) : nil
            }
            return identity
        }

        var count: Int { hashes.value }
        var memoFiles: [String] { (try? FileManager.default.contentsOfDirectory(atPath: cache.directory + "/binaries")) ?? [] }
    }

    /// How many times a test's identity hashed the file; each test is single-threaded.
    final class HashCount: @unchecked Sendable { var value = 0 }

    static func expected(_ text: String) -> JSONValue { .string("sha256:" + Hex.encode(SHA256.hash(Array(text.utf8)))) }

    @Test func theIdentityIsTheContentDigest() throws {
        let world = try World()
        #expect(BinaryIdentity().value(of: world.tool) == Self.expected("#!/bin/sh\necho one\n"))
    }

    @Test func theSecondLookupIsAnsweredByTheMemo() throws {
        let world = try World()
        let identity = world.identity()
        let first = identity.value(of: world.tool)
        #expect(world.count == 1 && world.memoFiles.count == 1)
        #expect(identity.value(of: world.tool) == first)
        #expect(BinaryIdentity(memo: world.cache, writesMemo: false).value(of: world.tool) == first)
        #expect(world.count == 1, "the memo answered: the file was not hashed again")
    }

    /// Same inode and size, mtime put back: only ctime shows the edit, and it is in the memo key.
    @Test func anEditInPlaceIsHashedAgain() throws {
        let world = try World()
        let identity = world.identity()
        _ = identity.value(of: world.tool)
        var before = stat()
        stat(world.tool, &before)
        usleep(20_000)  // past the file system's clock tick, so the change time moves
        let fd = open(world.tool, O_WRONLY)
        _ = "#!/bin/sh\necho two\n".withCString { write(fd, $0, 19) }
        var times = [before.st_atim, before.st_mtim]
        futimens(fd, &times)
        close(fd)
        #expect(identity.value(of: world.tool) == Self.expected("#!/bin/sh\necho two\n"))
        #expect(world.count == 2)
        #expect(world.memoFiles.count == 1, "one memo per path: a new version replaces the old one")
    }

    /// A file changed within the settle time may change again within the same clock tick,
    /// unseen by its stamps: its digest is used but not memoised.
    @Test func aFreshlyChangedFileIsNotMemoised() throws {
        let world = try World()
        let identity = world.identity(settleNs: 60_000_000_000)
        _ = identity.value(of: world.tool)
        _ = identity.value(of: world.tool)
        #expect(world.count == 2 && world.memoFiles.isEmpty)
    }

    @Test func aDamagedMemoIsReplaced() throws {
        let world = try World()
        let identity = world.identity()
        _ = identity.value(of: world.tool)
        let memo = world.cache.directory + "/binaries/" + world.memoFiles[0]
        let text = try String(contentsOfFile: memo, encoding: .utf8)
        try ("0" + text.dropFirst()).write(toFile: memo + ".tmp", atomically: false, encoding: .utf8)
        rename(memo + ".tmp", memo)
        #expect(identity.value(of: world.tool) == Self.expected("#!/bin/sh\necho one\n"), "a memo is checked, not trusted blindly")
        try "junk".write(toFile: memo, atomically: true, encoding: .utf8)
        chmod(memo, 0o600)
        #expect(identity.value(of: world.tool) == Self.expected("#!/bin/sh\necho one\n"))
        #expect(world.count == 3)
        #expect(identity.value(of: world.tool) == Self.expected("#!/bin/sh\necho one\n"))
        #expect(world.count == 3, "the damaged memo was rewritten")
    }

    /// Fail open: a cache dir where nothing can be written still gives the digest.
    @Test func aMemoThatCannotBeWrittenStillGivesTheDigest() throws {
        let world = try World()
        try "not a directory".write(toFile: world.cache.directory, atomically: true, encoding: .utf8)
        #expect(world.identity().value(of: world.tool) == Self.expected("#!/bin/sh\necho one\n"))
    }

    @Test func inspectionWritesNoMemo() throws {
        let world = try World()
        _ = world.identity(writes: false).value(of: world.tool)
        #expect(!FileManager.default.fileExists(atPath: world.cache.directory))
    }

    /// A file that cannot be read (no read permission) is named by its path and stamps instead.
    @Test func anUnreadableFileFallsBackToItsStamps() throws {
        let world = try World()
        var st = stat()
        stat(world.tool, &st)
        let value = world.identity(readable: false).value(of: world.tool)
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        #expect(value == .object(["path": .string(world.tool), "size": .int(Int64(st.st_size)), "mtime_ns": .int(mtime),
                                  "inode": .int(Int64(st.st_ino))]))
        #expect(world.memoFiles.isEmpty)
        #expect(BinaryIdentity().value(of: world.root + "/missing") == .object(["path": .string(world.root + "/missing")]))
    }
}
