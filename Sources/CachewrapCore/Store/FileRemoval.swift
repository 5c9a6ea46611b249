import Glibc

/// File names packed into one byte array, each ended by a NUL: an eviction batch of 100,000
/// CIDs takes 6 MB this way, against 25 MB as Swift strings with their paths.
struct PackedNames {
    private(set) var bytes: [UInt8] = []
    private(set) var starts: [Int] = []

    var count: Int { starts.count }

    mutating func append(_ name: String) {
        starts.append(bytes.count)
        bytes.append(contentsOf: name.utf8)
        bytes.append(0)
    }

    subscript(_ i: Int) -> String {
        bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress! + starts[i]) }
    }
}

/// Unlinks files of one directory on worker threads while the caller goes on: eviction removes
/// thousands of hot files per batch while SQLite deletes their rows. An unlink mostly waits on
/// the file system (freeing the file's block, the journal), not on a core: on this project's
/// ext4 one thread removed a synced hot file in 0.3 to 3 ms, eight threads in 25 to 50 µs each,
/// because their waits overlap. `wait()` comes before the commit, so every file is gone before
/// the rows that name it. A few files are removed at once on the caller's thread.
final class FileRemoval {
    /// Below this many files, no thread: starting one would cost more than it saves.
    static let threadMinimum = 64
    static let threads = 8

    private let directory: [UInt8]
    private let names: PackedNames
    private var workers: [pthread_t] = []

    init(directory: String, names: PackedNames) {
        self.directory = Array((directory + "/").utf8)
        self.names = names
        guard names.count >= Self.threadMinimum else {
            remove(share: 0, of: 1)
            return
        }
        for share in 0..<Self.threads {
            let job = Unmanaged.passRetained(Share(removal: self, index: share)).toOpaque()
            var thread = pthread_t()
            guard pthread_create(&thread, nil, { raw in
                let share = Unmanaged<Share>.fromOpaque(raw!).takeRetainedValue()
                share.removal.remove(share: share.index, of: FileRemoval.threads)
                return nil
            }, job) == 0 else {
                // No thread for this share: the caller's thread does it.
                Unmanaged<Share>.fromOpaque(job).release()
                remove(share: share, of: Self.threads)
                continue
            }
            workers.append(thread)
        }
    }

    /// Returns once every file is removed (or failed to be: a missing file is not an error);
    /// safe to call again.
    func wait() {
        for thread in workers { pthread_join(thread, nil) }
        workers = []
    }

    /// Every `count`-th name from `share` on, its path built in one reused buffer.
    private func remove(share: Int, of count: Int) {
        var path = directory
        names.bytes.withUnsafeBufferPointer { all in
            for i in stride(from: share, to: names.count, by: count) {
                path.removeSubrange(directory.count...)
                var at = names.starts[i]
                while all[at] != 0 { path.append(all[at]); at += 1 }
                path.append(0)
                path.withUnsafeBufferPointer { _ = unlink(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) }
            }
        }
    }

    /// What one worker is handed: the removal (kept alive by the worker) and its share.
    private final class Share {
        let removal: FileRemoval
        let index: Int
        init(removal: FileRemoval, index: Int) { self.removal = removal; self.index = index }
    }
}
