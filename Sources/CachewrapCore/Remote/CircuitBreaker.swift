import Glibc

/// What the breaker file says. Every cachewrap process on the machine reads it before touching
/// the network, which is how a dead server costs one deadline per window in total, not one per call.
public struct BreakerState: Sendable, Equatable {
    /// True while calls must skip the remote (until `openUntilMs`; after that one caller probes).
    public var open = false
    public var openUntilMs: Int64 = 0
    /// The window the next failure after a probe doubles (30 s up to 5 min); back to 30 s on success.
    public var windowMs: Int64 = CircuitBreaker.initialWindowMs
    /// Failures since the last success, for `doctor`.
    public var failures = 0
    /// The last error the server or network gave (e.g. "NOAUTH Authentication required."), kept
    /// after the breaker closes so `doctor` and `stats` can still name the cause.
    public var lastError: String?
    public var lastErrorMs: Int64 = 0

    public init() {}

    /// Parses the `name=value` lines of the file; unknown or damaged lines are ignored.
    init(text: String) {
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let value = String(line[line.index(after: eq)...])
            switch line[..<eq] {
            case "state": open = value == "open"
            case "until": openUntilMs = Int64(value) ?? 0
            case "window": windowMs = Int64(value).map { min(max($0, CircuitBreaker.initialWindowMs), CircuitBreaker.maxWindowMs) } ?? windowMs
            case "failures": failures = Int(value) ?? 0
            case "error": lastError = value
            case "error_at": lastErrorMs = Int64(value) ?? 0
            default: break
            }
        }
    }

    var text: String {
        var out = "state=\(open ? "open" : "closed")\nuntil=\(openUntilMs)\nwindow=\(windowMs)\nfailures=\(failures)\n"
        if let lastError { out += "error=\(lastError)\nerror_at=\(lastErrorMs)\n" }
        return out
    }
}

/// A circuit breaker shared by every process through `<cachedir>/remote-breaker` (written to a
/// temp file and renamed, so readers never see half of it). After a failure it opens for 30 s;
/// while open, callers skip the remote at the cost of one small file read. When the window has
/// passed, exactly one caller, the one holding an flock on `remote-breaker.probe`, tries the
/// server; success closes the breaker, failure reopens it with the window doubled (up to 5 min).
/// An flock rather than an O_EXCL file because the kernel drops it if the prober is killed.
/// Two processes failing at the same moment may both write; the later write wins, which at worst
/// costs one doubling, an acceptable price for not needing a lock on every write.
public final class CircuitBreaker {
    public static let initialWindowMs: Int64 = 30_000
    public static let maxWindowMs: Int64 = 300_000

    public let path: String
    private let directory: String
    /// Injected so tests can step over a window without sleeping.
    private let now: () -> Int64

    public init(directory: String, now: @escaping () -> Int64 = Clock.nowMs) {
        self.directory = directory
        self.path = directory + "/remote-breaker"
        self.now = now
    }

    /// What a caller may do now. `go` carries what the breaker needs back in `record...`.
    public enum Permit {
        case go(Ticket)
        /// The remote is paused: skip it with no network cost.
        case skip(BreakerState)
    }

    /// Proof of a `go`: whether the breaker was closed (a success then needs no write) and, for the
    /// one probing caller, its lock (released when the ticket is recorded or dropped).
    public struct Ticket {
        let sawClosed: Bool
        let probe: ProbeLock?
        public var isProbe: Bool { probe != nil }
    }

    /// Reads the file (one open/read/close; a missing file means closed and costs one failed open).
    public func state() -> BreakerState {
        guard let bytes = FileIO.readFile(path, limit: 4096) else { return BreakerState() }
        return BreakerState(text: String(decoding: bytes, as: UTF8.self))
    }

    public func permit() -> Permit {
        let current = state()
        guard current.open else { return .go(Ticket(sawClosed: true, probe: nil)) }
        guard now() >= current.openUntilMs, let lock = ProbeLock(path: path + ".probe") else { return .skip(current) }
        let again = state()  // another prober may have finished between our read and our lock
        if !again.open { return .go(Ticket(sawClosed: true, probe: nil)) }
        guard now() >= again.openUntilMs else { return .skip(again) }
        return .go(Ticket(sawClosed: false, probe: lock))
    }

    /// The remote answered: close the breaker (a write only when it was not already closed).
    public func recordSuccess(_ ticket: Ticket) {
        guard !ticket.sawClosed else { return }
        var next = state()
        next.open = false
        next.openUntilMs = 0
        next.windowMs = Self.initialWindowMs
        next.failures = 0
        write(next)
    }

    /// The remote failed in a way that will likely repeat (timeout, refused, bad credentials):
    /// open for 30 s after a success, or for twice the last window after a failed probe.
    public func recordFailure(_ error: String, _ ticket: Ticket) {
        var next = state()
        let t = now()
        if !next.open || t >= next.openUntilMs {  // else it is open already: keep its window
            next.windowMs = next.open ? min(next.windowMs * 2, Self.maxWindowMs) : Self.initialWindowMs
            next.openUntilMs = t + next.windowMs
        }
        next.open = true
        next.failures += 1
        note(error, in: &next, at: t)
        write(next)
    }

    /// Remembers an error that does not pause the remote (a write refused with NOPERM by a
    /// read-only ACL user), so `doctor` can still name it. Writes only when the text changes.
    public func noteRefusal(_ error: String) {
        var next = state()
        guard next.lastError != Self.oneLine(error) else { return }
        note(error, in: &next, at: now())
        write(next)
    }

    /// A write went through: a refused write noted earlier (`noteRefusal`) no longer describes
    /// the server (its ACL was fixed), so `doctor` must stop warning about it. Costs one small
    /// file read, and is called only by the detached flusher, never on the user's path.
    public func forgetRefusal() {
        var next = state()
        guard let error = next.lastError, Self.isWriteRefusal(error) else { return }
        next.lastError = nil
        next.lastErrorMs = 0
        write(next)
    }

    /// NOPERM (an ACL without +set) or READONLY (a replica): the server answers but will not
    /// store; reads still work, so these never open the breaker.
    public static func isWriteRefusal(_ error: String) -> Bool {
        error.hasPrefix("NOPERM") || error.hasPrefix("READONLY")
    }

    /// Closes the breaker and forgets its history (e.g. after `doctor` found the server fine).
    public func reset() { unlink(path) }

    private func note(_ error: String, in state: inout BreakerState, at t: Int64) {
        state.lastError = Self.oneLine(error)
        state.lastErrorMs = t
    }

    /// Server texts are one line already; keep it so, and short, whatever arrives.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 }.prefix(300))
    }

    private func write(_ state: BreakerState) {
        mkdir(directory, 0o700)
        AtomicFile.write(Array(state.text.utf8), to: path)  // fail open: without it the breaker is merely closed
    }
}

/// The probe lock: whoever holds it is the one caller testing a server after its window passed.
public final class ProbeLock {
    private let fd: Int32

    init?(path: String) {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { close(fd); return nil }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
