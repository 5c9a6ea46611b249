import Glibc

/// Hits are recorded by appending one line to `hits.log`, not by a database write: a replay
/// then only reads the database, so it costs no write lock, no WAL and no fsync, and many
/// parallel agents replaying never queue behind each other. The lines are folded into the
/// entries' hit counts and the tools' counters by the next writer (a miss) or management
/// command, so `stats` and `ls` always show every hit.
enum HitLog {
    static func path(_ directory: String) -> String { directory + "/hits.log" }

    /// Past this size the appender folds the log itself, so a cache that only ever hits (no
    /// misses, no management commands) still keeps the log small.
    static let foldThreshold = 1 << 20

    /// Appends a hit; true when the log has grown past `foldThreshold` and should be folded.
    /// Best effort: a hit that cannot be logged is only missing from the stats. The shared lock
    /// lets a folder wait for appends under way; the inode check catches an append that opened
    /// the log just before a folder renamed it.
    @discardableResult
    static func append(directory: String, cid: String, tool: String, durationMs: Int64, stale: Bool) -> Bool {
        let line = "\(cid)\t\(tool)\t\(durationMs)\t\(Clock.nowMs())\t\(stale ? 1 : 0)\n"
        for _ in 0..<3 {
            let fd = open(path(directory), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            flock(fd, LOCK_SH)
            var opened = stat(), current = stat()
            guard fstat(fd, &opened) == 0, stat(path(directory), &current) == 0, opened.st_ino == current.st_ino else {
                continue
            }
            FileIO.writeAll(fd, line)
            return opened.st_size + off_t(line.utf8.count) > foldThreshold
        }
        return false
    }

    /// One logged hit.
    struct Hit {
        let cid: String
        let tool: String
        let durationMs: Int64
        let atMs: Int64
        let stale: Bool
    }

    /// Takes the log away (rename), waits for appends to it to finish, and returns its hits.
    /// The caller applies them and then calls the returned `done` to delete the taken file.
    static func take(directory: String) -> (hits: [Hit], done: () -> Void) {
        let taken = path(directory) + ".folding-\(getpid())"
        guard rename(path(directory), taken) == 0 else { return ([], {}) }
        let fd = open(taken, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return ([], {}) }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        let text = String(decoding: FileIO.readToEnd(fd), as: UTF8.self)
        let hits = text.split(separator: "\n").compactMap { line -> Hit? in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 5, let duration = Int64(f[2]), let at = Int64(f[3]) else { return nil }
            return Hit(cid: String(f[0]), tool: String(f[1]), durationMs: duration, atMs: at, stale: f[4] == "1")
        }
        return (hits, { unlink(taken) })
    }
}

extension Store {
    /// Folds logged hits into the entries and counters, in the caller's write transaction: each
    /// hit counts in the hour it happened, with what its entry's answer cost (an LLM's price and
    /// tokens, `AnswerCost`), read back by the same update that counts the hit. Hours past the
    /// retention go first (Store/HourlyCounters.swift): every save comes through here.
    func foldHits(_ hits: [HitLog.Hit], nowMs: Int64 = Clock.nowMs()) throws(SQLiteDatabase.Failure) {
        try deleteOldHours(nowMs: nowMs)
        guard !hits.isEmpty else { return }
        let touch = try db.prepare("""
            UPDATE entries SET hits = hits + 1, last_used_ms = MAX(last_used_ms, ?) WHERE cid = ?
            RETURNING cost_micros, tokens
            """)
        var perHour: [ToolHour: [Counter: Int64]] = [:]
        for hit in hits {
            let slot = ToolHour(tool: hit.tool, hour: Store.hour(ofMs: hit.atMs))
            var counting = perHour[slot] ?? [:]
            if try touch.bind(.int(hit.atMs), .text(hit.cid)).step() {
                counting[.costSavedMicros, default: 0] += touch.int(0)
                counting[.tokensSaved, default: 0] += touch.int(1)
                try touch.run()
            }
            counting[.hits, default: 0] += 1
            counting[.callsSaved, default: 0] += 1
            counting[.timeSavedMs, default: 0] += hit.durationMs
            if hit.stale { counting[.staleServed, default: 0] += 1 }
            perHour[slot] = counting
        }
        for (slot, counting) in perHour { try addCounters(tool: slot.tool, counting, atMs: slot.hour * Store.hourMs) }
    }

    /// Where a folded hit counts: its tool, in the hour it happened.
    private struct ToolHour: Hashable {
        let tool: String
        let hour: Int64
    }

    /// Folds the hit log now, in its own transaction (management commands, before they read).
    public func foldHitLog() throws(CachewrapError) {
        let (hits, done) = HitLog.take(directory: location.directory)
        guard !hits.isEmpty else { return done() }
        try wrap { () throws(SQLiteDatabase.Failure) in
            try db.transaction { () throws(SQLiteDatabase.Failure) in try foldHits(hits) }
        }
        done()
    }
}
