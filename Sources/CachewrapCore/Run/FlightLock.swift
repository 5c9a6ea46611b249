import Glibc

/// The per-key lock behind single flight: concurrent identical misses run the tool once, the
/// others wait and replay. An flock on `<cache>/locks/<cid>`: the kernel drops it when its
/// holder exits, even by `kill -9`, so a dead leader never blocks the next call.
///
/// The holder removes the file before it lets go, so `locks/` does not keep one file for every
/// key ever run. A waiter that then gets the lock on the removed file sees that the name is gone
/// (or names a newer file) and starts over on the current one: two processes never both hold
/// the lock of one key.
final class FlightLock {
    private let fd: Int32
    private let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        unlink(path)
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// The lock if nobody holds it now; nil when another process does (or the lock file cannot
    /// be made, in which case the caller runs without single flight: fail open).
    static func tryAcquire(directory: String, cid: String) -> FlightLock? {
        lock(directory: directory, cid: cid, deadlineMs: nil)
    }

    /// Waits up to `timeoutMs` for the lock; nil on timeout. Polls, so a waiter can give up.
    static func acquire(directory: String, cid: String, timeoutMs: Int64) -> FlightLock? {
        lock(directory: directory, cid: cid, deadlineMs: Clock.nowMs() + timeoutMs)
    }

    /// Without a deadline, one try; with one, polls with a growing pause until it passes.
    private static func lock(directory: String, cid: String, deadlineMs: Int64?) -> FlightLock? {
        guard let dir = CacheLocation(directory: directory).subdirectory("locks") else { return nil }
        let path = dir + "/" + cid
        var pause: UInt32 = 2_000
        while true {
            let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return nil }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                if names(path, fd) { return FlightLock(fd: fd, path: path) }
                close(fd)  // its holder removed it on the way out: the current file is another
                continue
            }
            let code = errno
            close(fd)
            guard let deadlineMs, code == EWOULDBLOCK || code == EINTR, Clock.nowMs() < deadlineMs else { return nil }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
    }

    /// Whether `path` still names the file open on `fd`.
    private static func names(_ path: String, _ fd: Int32) -> Bool {
        var locked = stat(), named = stat()
        return fstat(fd, &locked) == 0 && stat(path, &named) == 0
            && locked.st_ino == named.st_ino && locked.st_dev == named.st_dev
    }
}
