extension CachedRun {
    /// Runs the tool with retries and settles the outcome: store it, answer with the expired
    /// entry (stale-if-error), or pass the failure through unchanged.
    func execute(key: InvocationKey, plan: Plan, tiers: Tiers, stdin: ToolStdin, terminal: TerminalShape,
                 expired: CachedResult? = nil, dropped: Dropped = .none, marks: [Int64]? = nil) -> Int32 {
        if terminal.isTerminal { Environment.set(policy.terminalEnvironment) }
        let fallback = expired.flatMap { plan.mayStandIn($0, nowMs: Clock.nowMs()) ? $0 : nil }
        let loop = AttemptLoop(policy: policy, retries: plan.retries, backoff: plan.backoff, staleFallback: fallback != nil,
                               holdOutput: true) { holdBack in
            ChildProcess(path: toolPath, arguments: request.commandLine, stdin: stdin, terminal: terminal,
                         recordLimit: plan.recordLimit, holdBack: holdBack,
                         spillDirectory: tiers.cache, whileStarting: { _ = tiers.store.get() })
        }
        // An entry's time is when its run started: a mutation of its scope that ends after this
        // moment may have changed what the run saw (`ScopeMarks`).
        let startedMs = Clock.nowMs()
        let result: AttemptLoop.Result
        do {
            result = try loop.run()
        } catch {
            Console.error(error.message)
            return error.exitCode
        }
        let outcome = result.outcome
        var counting: [Counter: Int64] = [.callsMade: Int64(result.retriesMade + 1), .retries: Int64(result.retriesMade)]
        if dropped != .none {
            tiers.forgetRow()
            counting.merge(dropped.counting) { $0 + $1 }
        }
        if plan.records && !plan.background { counting[.misses] = 1 }
        if expired != nil { counting[.expirations] = 1 }
        let succeeded = result.verdict == .success && outcome.interruptedBy == nil
        if succeeded && result.retriesMade > 0 { counting[.recoveredByRetry] = 1 }
        if !succeeded, outcome.interruptedBy == nil, !outcome.shown, let fallback,
           result.verdict.isTransient || result.verdict == .quota {
            let age = Duration.format(seconds: (Clock.nowMs() - fallback.createdMs) / 1000)
            Console.warn("\(policy.tool) failed (\(policy.transientReason(outcome))); replaying the result cached \(age) ago")
            counting[.staleServed] = 1
            tiers.count(counting)
            switch Replay.write(fallback) {
            case .delivered: return fallback.exitCode
            case .failed(let failure): return failure.end()
            case .damaged(let damage):
                Console.warn("the expired answer is damaged too (\(damage.message)); passing the failure through")
            }
        }
        var failure = outcome.writeFailure
        if !outcome.shown, failure == nil, case .failed(let late) = Replay.write(outcome.transcript.bytes) { failure = late }
        if let failure {
            tiers.count(counting)
            if let signal = outcome.interruptedBy { SignalForwarding.dieBy(signal) }
            return failure.end()
        }
        if succeeded, plan.records, let bytes = outcome.overLimitBytes {
            Console.notice(CachedRun.overLimitNotice(outputBytes: bytes, limit: plan.recordLimit))
        }
        // A run that a mutation of its scope overtook is shown but not stored: it may predate the change.
        let current = ScopeMarks(cache: tiers.cache).allows(decision.scope, startedMs: startedMs)
        if succeeded, current, plan.records, !outcome.overflowed {
            var info = entry(for: key, createdMs: startedMs, expiresMs: Clock.expiry(createdMs: startedMs, ttlSeconds: plan.ttlSeconds),
                             exitCode: outcome.status, durationMs: outcome.durationMs,
                             stdoutBytes: outcome.stdoutCount, stderrBytes: outcome.stderrCount)
            // An output that spilled to disk is only its head in memory, and no LLM's JSON anyway.
            if outcome.spill == nil { info = priced(info, outcome.transcript) }
            tiers.keep(info, outcome, counting: counting, marks: marks)
        } else {
            tiers.count(counting)
        }
        if let signal = outcome.interruptedBy { SignalForwarding.dieBy(signal) }
        return outcome.status
    }

    /// `info` with what its answer cost to make, as the policy reads it from the recording
    /// (`AnswerCost`): every replay of the entry then counts that much saved.
    func priced(_ info: EntryInfo, _ transcript: Transcript) -> EntryInfo {
        guard let cost = policy.answerCost?(transcript) else { return info }
        var priced = info
        priced.costMicros = cost.micros
        priced.tokens = cost.tokens
        return priced
    }
}
