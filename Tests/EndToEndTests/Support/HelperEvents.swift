import Foundation
import Glibc

/// The detached helpers (background refreshes, team-cache flushers) a sandbox's calls started,
/// as `CACHEWRAP_TEST_EVENTS` recorded them (Sources/CachewrapCore/Run/TestEvents.swift). Tests
/// wait on these instead of sleeping: "the refresh is over" is its `exited` line, and "nothing
/// was started" is the absence of a `spawned` line once the calls that could start one returned
/// (the parent writes it before it returns).
struct HelperEvents: Equatable {
    /// The role (first argument: `--refresh`, `remote-flush`) of every helper started, in order.
    var started: [String] = []
    /// How many of them have not exited yet.
    var running = 0

    /// Parses the file; a helper's `exited` line may come before its parent's `spawned` line (it
    /// can finish first), so lines are matched by pid, not by order.
    init(file path: String) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        var open: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard words.count >= 2 else { continue }
            switch words[0] {
            case "spawned":
                started.append(words.count > 2 ? words[2] : "")
                open[words[1], default: 0] += 1
            case "exited": open[words[1], default: 0] -= 1
            default: break
            }
        }
        running = open.values.reduce(0) { $0 + max(0, $1) }
    }
}

extension TestSandbox {
    /// Where this sandbox's calls record their helpers (`CACHEWRAP_TEST_EVENTS` in `baseEnv`).
    var eventsFile: String { root + "/events" }

    /// The helpers started so far, as the file says now.
    func helpers() -> HelperEvents { HelperEvents(file: eventsFile) }

    /// Waits until every helper started so far has exited (a refresh has stored its answer or
    /// failed, a flusher has drained and let go of the outbox), and returns them. The bound is
    /// generous, for a loaded machine; the test never depends on it being short.
    @discardableResult
    func waitForHelpers(timeout: Double = 120) throws -> HelperEvents {
        guard eventually(timeout: timeout, { helpers().running == 0 }) else {
            throw RunError(description: "helpers still running after \(timeout) s: \(helpers())")
        }
        return helpers()
    }

    /// Whether a process holds the flight lock of `cid` (an flock on `locks/CID`; no file is
    /// free). Read from /proc/locks, not by trying the lock: a try that won would, for its
    /// moment, turn away the very refresher the test waits for.
    func flightLockHeld(_ cid: String) -> Bool {
        var st = stat()
        guard stat(cacheDir + "/locks/" + cid, &st) == 0,
              let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return false }
        // A line is `N: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE 0 EOF`; matched on the inode only,
        // since an overlay file system may show another device than stat gives.
        let inode = ":\(st.st_ino)"
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return !line.contains("->") && fields.contains("FLOCK") && fields.contains { $0.hasSuffix(inode) }
        }
    }
}
