extension CachedRun {
    /// Runs the tool with retries and settles the outcome: store it, answer with the expired
    /// entry (stale-if-error), or pass the failure through unchanged.
    func execute(key: InvocationKey, plan: Plan, tiers: Tiers, stdin: ToolStdin, terminal: TerminalShape,
                 expired: CachedResult? = nil, renewable: CachedResult? = nil, dropped: Dropped = .none,
                 marks: [Int64]? = nil) -> Int32 {
        if terminal.isTerminal { Environment.set(policy.terminalEnvironment) }
        let fallback = expired.flatMap { plan.mayStandIn($0, nowMs: Clock.nowMs()) ? $0 : nil }
        let conditional = plan.revalidates ? decision.revalidation.request : nil
        let validator = conditional == nil ? nil : renewable.flatMap { storedValidator(of: $0, tiers) }
        let arguments = conditional.map { [Argument(request.tool)] + $0.arguments(request.arguments, validator: validator) }
        // A conditional run's output is held back to the end, so a 304's never reaches the user.
        let loop = AttemptLoop(policy: policy, retries: plan.retries, backoff: plan.backoff,
                               staleFallback: fallback != nil || validator != nil, holdOutput: true) { holdBack in
            ChildProcess(path: toolPath, arguments: arguments ?? request.commandLine, stdin: stdin, terminal: terminal,
                         recordLimit: plan.recordLimit, holdBack: holdBack,
                         spillDirectory: tiers.cache, whileStarting: { _ = tiers.store.get() },
                         headFilter: conditional.map { ResponseHeadFilter(keepsHead: $0.keepsHead) })
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
        if let validator, let renewable, result.outcome.responseHead?.status == 304, result.outcome.interruptedBy == nil {
            return renew(renewable, validator: validator, result: result, key: key, plan: plan, tiers: tiers,
                         startedMs: startedMs, expired: expired != nil, marks: marks)
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
            let replayed = Replay.write(fallback)
            if case .damaged(let damage) = replayed {
                Console.warn("the expired answer is damaged too (\(damage.message)); passing the failure through")
            } else {
                reporter.report(.stale) { call in
                    call.cid = key.cid
                    call.ageMs = max(0, Clock.nowMs() - fallback.createdMs)
                    call.durationMs = fallback.durationMs
                    call.bytes = fallback.outputBytes
                    call.exit = replayed.failure?.status ?? fallback.exitCode
                    call.detail = "the run failed: replayed an expired answer"
                }
                return replayed.failure?.end() ?? fallback.exitCode
            }
        }
        var failure = outcome.writeFailure
        if !outcome.shown, failure == nil, case .failed(let late) = Replay.write(outcome.transcript.bytes) { failure = late }
        if failure == nil, succeeded, plan.records, let bytes = outcome.overLimitBytes {
            Console.notice(CachedRun.overLimitNotice(outputBytes: bytes, limit: plan.recordLimit))
        }
        var unstored = failure?.message ?? unstoredReason(result, plan: plan, startedMs: startedMs, cache: tiers.cache)
        if unstored == nil {
            var info = entry(for: key, createdMs: startedMs, expiresMs: Clock.expiry(createdMs: startedMs, ttlSeconds: plan.ttlSeconds),
                             exitCode: outcome.status, durationMs: outcome.durationMs,
                             stdoutBytes: outcome.stdoutCount, stderrBytes: outcome.stderrCount)
            // An output that spilled to disk is only its head in memory, and no LLM's JSON anyway.
            if outcome.spill == nil { info = priced(info, outcome.transcript) }
            if conditional != nil, let head = outcome.responseHead, (200..<300).contains(head.status) { info.validator = head.validator }
            if !tiers.keep(info, outcome, counting: counting, marks: marks) { unstored = "the store failed" }
        } else {
            tiers.count(counting)
        }
        reporter.report(.miss) { call in
            call.cid = key.cid
            call.durationMs = outcome.durationMs
            call.bytes = Int64(outcome.outputBytes)
            call.exit = outcome.callStatus(failure: failure)
            call.detail = unstored.map { "not stored: " + $0 } ?? "stored"
        }
        if let signal = outcome.interruptedBy { SignalForwarding.dieBy(signal) }
        return failure?.end() ?? outcome.status
    }

    /// Why a finished run is not stored, in the status line's words; nil when it is to be.
    private func unstoredReason(_ result: AttemptLoop.Result, plan: Plan, startedMs: Int64, cache: String) -> String? {
        let outcome = result.outcome
        if !plan.records { return "--no-cache" }
        if outcome.interruptedBy != nil { return "interrupted" }
        if result.verdict != .success { return outcome.status == 0 ? "its output says it failed" : "exit \(outcome.status)" }
        if outcome.overflowed {
            return outcome.overLimitBytes == nil ? "not recorded whole" : "over the \(ByteSize.exact(Int64(plan.recordLimit))) limit"
        }
        // A run that a mutation of its scope overtook is shown but not stored: it may predate the change.
        if !ScopeMarks(cache: cache).allows(decision.scope, startedMs: startedMs) { return "a change of its scope overtook it" }
        return nil
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
