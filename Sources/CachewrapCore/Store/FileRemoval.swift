import Glibc

/// Unlinks a list of files on worker threads while the caller goes on: eviction removes
/// thousands of hot files per batch while SQLite deletes their rows. An unlink mostly waits on
/// the file system (freeing the file's block, the journal), not on a core: on this project's
/// ext4 one thread removed a synced hot file in 0.3 to 3 ms, eight threads in 25 to 50 µs each,
/// because their waits overlap. `wait()` comes before the commit, so every file is gone before
/// the rows that name it. A few files are removed at once on the caller's thread.
final class FileRemoval {
    /// Below this many files, no thread: starting one would cost more than it saves.
    static let threadMinimum = 64
    static let threads = 8

    private let paths: [String]
    private var workers: [pthread_t] = []

    init(_ paths: [String]) {
        self.paths = paths
        guard paths.count >= Self.threadMinimum else {
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

    /// Every `count`-th path from `share` on.
    private func remove(share: Int, of count: Int) {
        for i in stride(from: share, to: paths.count, by: count) { unlink(paths[i]) }
    }

    /// What one worker is handed: the removal (kept alive by the worker) and its share.
    private final class Share {
        let removal: FileRemoval
        let index: Int
        init(removal: FileRemoval, index: Int) { self.removal = removal; self.index = index }
    }
}
