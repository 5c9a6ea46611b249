import Foundation

/// A `cachewrap` run on its own thread, so a test can act while it is under way (a read held by
/// the fake server while a mutation runs) and then wait for it to end.
final class BackgroundRun: @unchecked Sendable {
    private let done = NSCondition()
    private var outcome: Result<RunResult, Error>?

    /// Starts `cachewrap args` at once; `timeout` is `run`'s own (the process group is killed then).
    init(_ args: [String], env: [String: String], cwd: String? = nil, timeout: Double = 300) {
        Thread { [self] in
            let result = Result { try cachewrap(args, env: env, cwd: cwd, timeout: timeout) }
            done.withLock { outcome = result; done.broadcast() }
        }.start()
    }

    /// True once the process has exited and its output is collected.
    var finished: Bool { done.withLock { outcome != nil } }

    /// Waits (≤ `timeout` s) for the process to exit; its result, or an error if it could not
    /// start or did not end in time.
    func wait(timeout: Double = 300) throws -> RunResult {
        let deadline = Date().addingTimeInterval(timeout)
        let got: Result<RunResult, Error>? = done.withLock {
            while outcome == nil && done.wait(until: deadline) {}
            return outcome
        }
        guard let got else { throw RunError(description: "background cachewrap still running after \(timeout) s") }
        return try got.get()
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass; whether it held.
/// For events another process causes with nothing to wait on (a detached flusher landing a key,
/// an entry passing its expiry): the bound is generous, the test never depends on it being short.
func eventually(timeout: Double = 60, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}
