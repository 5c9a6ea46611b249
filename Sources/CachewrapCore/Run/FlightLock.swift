import Glibc

/// The per-key lock behind single flight: concurrent identical misses run the tool once, the
/// others wait and replay. An flock on `<cache>/locks/<cid>`: the kernel drops it when its
/// holder exits, even by `kill -9`, so a dead leader never blocks the next call.
final class FlightLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// The lock if nobody holds it now; nil when another process does (or the lock file cannot
    /// be made, in which case the caller runs without single flight: fail open).
    static func tryAcquire(directory: String, cid: String) -> FlightLock? {
        guard let fd = openLockFile(directory: directory, cid: cid) else { return nil }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return FlightLock(fd: fd) }
        close(fd)
        return nil
    }

    /// Waits up to `timeoutMs` for the lock; nil on timeout. Polls, so a waiter can give up.
    static func acquire(directory: String, cid: String, timeoutMs: Int64) -> FlightLock? {
        guard let fd = openLockFile(directory: directory, cid: cid) else { return nil }
        let deadline = Clock.nowMs() + timeoutMs
        var pause: UInt32 = 2_000
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Clock.nowMs() < deadline else {
                close(fd)
                return nil
            }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
        return FlightLock(fd: fd)
    }

    /// Whether some process holds the lock right now (a refresh already under way).
    static func isHeld(directory: String, cid: String) -> Bool {
        guard let lock = tryAcquire(directory: directory, cid: cid) else { return true }
        _ = lock
        return false
    }

    private static func openLockFile(directory: String, cid: String) -> Int32? {
        let dir = directory + "/locks"
        if mkdir(dir, 0o700) != 0 && errno != EEXIST { return nil }
        let fd = open(dir + "/" + cid, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        return fd >= 0 ? fd : nil
    }
}
