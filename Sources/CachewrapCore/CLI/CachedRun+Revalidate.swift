extension CachedRun {
    /// The validators a conditional request may send for `renewable`: only for an answer
    /// held in memory (its replay after a 304 must not depend on reading a blob file that
    /// could have gone), and only when the store has them.
    func storedValidator(of renewable: CachedResult, _ tiers: Tiers) -> Validator? {
        guard renewable.blob == nil else { return nil }
        return (try? tiers.store.get()?.validator(cid: tiers.lookup.cid)) ?? nil
    }

    /// The server said the stored answer has not changed (HTTP 304): replay it exactly, as a
    /// hit would, and store it again as made when this request started, fresh for the TTL, with
    /// the validators the 304 sent (or the old ones). Nothing of the 304's own output is shown:
    /// it was held back. Counted as `revalidated`, not as a hit or a miss: gh did run, but
    /// GitHub does not count a 304 against the rate limit. An answer a mutation of its scope
    /// overtook is replayed (it was current when the server checked) but not renewed.
    func renew(_ stored: CachedResult, validator: Validator, result: AttemptLoop.Result, key: InvocationKey, plan: Plan,
               tiers: Tiers, startedMs: Int64, expired: Bool, marks: [Int64]?) -> Int32 {
        guard let transcript = Transcript(frames: stored.frames) else {
            // Checked when it was read; should it be wrong now, ask again in full.
            tiers.drop([.damaged: 1])
            return execute(key: key, plan: plan, tiers: tiers, stdin: .inherited, terminal: invocation.terminal, marks: marks)
        }
        let replayed = Replay.write(stored.frames)
        var counting: [Counter: Int64] = [.callsMade: Int64(result.retriesMade + 1), .retries: Int64(result.retriesMade),
                                          .revalidated: 1]
        if expired { counting[.expirations] = 1 }
        if ScopeMarks(cache: tiers.cache).allows(decision.scope, startedMs: startedMs) {
            let sent = result.outcome.responseHead?.validator
            var info = entry(for: key, createdMs: startedMs, expiresMs: Clock.expiry(createdMs: startedMs, ttlSeconds: plan.ttlSeconds),
                             exitCode: stored.exitCode, durationMs: stored.durationMs,
                             stdoutBytes: transcript.stdoutCount, stderrBytes: transcript.stderrCount)
            info.validator = Validator(etag: sent?.etag ?? validator.etag, lastModified: sent?.lastModified ?? validator.lastModified)
            let renewed = RunOutcome(status: stored.exitCode, transcript: transcript, overflowed: false, durationMs: stored.durationMs)
            tiers.keep(priced(info, transcript), renewed, counting: counting, marks: marks)
        } else {
            tiers.count(counting)
        }
        reporter.report(.revalidated) { call in
            call.cid = key.cid
            call.ageMs = max(0, startedMs - stored.createdMs)
            call.durationMs = result.outcome.durationMs
            call.bytes = stored.outputBytes
            call.exit = replayed.failure?.status ?? stored.exitCode
            call.detail = "fresh for \(Duration.format(seconds: plan.ttlSeconds))"
        }
        return replayed.failure?.end() ?? stored.exitCode
    }
}
