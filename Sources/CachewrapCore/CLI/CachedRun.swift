/// A cacheable invocation: key it, replay a fresh entry, or run the tool and store the result.
/// Every store problem degrades to running the tool (fail open) with one warning.
struct CachedRun {
    let request: WrapRequest
    let toolPath: String
    let policy: PolicySpec
    let decision: Decision

    /// Largest transcript stored; bigger outputs stream through uncached.
    static let maxEntryBytes = 64 << 20

    func run() -> Int32 {
        let options = request.options
        let stdinData = request.readStdin(decision)
        let key = request.key(policy: policy, decision: decision, toolPath: toolPath, stdin: stdinData)
        let requestedTTL = options.ttlSeconds ?? CachedRun.environmentTTL()
        var store = openStore()
        let now = Clock.nowMs()
        var foundExpired = false
        if let opened = store, !options.refresh, !options.noCache {
            do {
                if let cached = try opened.lookup(key.cid), Replay.isWellFormed(cached.frames) {
                    let fresh = requestedTTL.map { now < cached.createdMs + $0 * 1000 } ?? (now < cached.expiresMs)
                    if fresh || options.offline { return replay(cached, key: key, store: opened, stale: !fresh) }
                    foundExpired = true
                }
            } catch {
                Console.warn("\(error.message); running \(policy.tool) without the cache")
                store = nil
            }
        }
        if options.offline {
            Console.error(CachewrapError.offlineMiss(policy.tool).message)
            return CachewrapError.offlineMiss(policy.tool).exitCode
        }
        let outcome: RunOutcome
        let terminal = TerminalShape.ofStdout()
        if terminal.isTerminal { Environment.set(policy.terminalEnvironment) }
        do {
            outcome = try ChildProcess(path: toolPath, arguments: request.commandLine, stdinData: stdinData,
                                       terminal: terminal, recordLimit: CachedRun.maxEntryBytes).run()
        } catch {
            Console.error(error.message)
            return error.exitCode
        }
        guard let store else { return outcome.status }
        var counting: [Counter: Int64] = [.callsMade: 1]
        if !options.noCache { counting[.misses] = 1 }
        if foundExpired { counting[.expirations] = 1 }
        do {
            if !options.noCache && !outcome.overflowed && policy.isStorable(outcome) {
                try store.save(entry(for: key, outcome: outcome, now: now, ttl: requestedTTL ?? decision.ttlSeconds), transcript: outcome.transcript, counting: counting)
            } else {
                try store.count(tool: policy.tool, counting)
            }
        } catch {
            Console.warn("could not store the result: \(error.message)")
        }
        return outcome.status
    }

    private func openStore() -> Store? {
        do {
            return try Store()
        } catch {
            Console.warn("\(error.message); running \(policy.tool) without the cache")
            return nil
        }
    }

    private func replay(_ cached: CachedResult, key: InvocationKey, store: Store, stale: Bool) -> Int32 {
        if stale {
            let age = Duration.format(seconds: (Clock.nowMs() - cached.createdMs) / 1000)
            Console.notice("--offline: replaying an expired result from \(age) ago")
        }
        Replay.write(cached.frames)
        var counting: [Counter: Int64] = [.hits: 1, .callsSaved: 1, .timeSavedMs: cached.durationMs]
        if stale { counting[.staleServed] = 1 }
        do {
            try store.recordHit(key.cid, tool: policy.tool, counting: counting)
        } catch {
            Console.warn("could not update the hit counters: \(error.message)")
        }
        return cached.exitCode
    }

    private func entry(for key: InvocationKey, outcome: RunOutcome, now: Int64, ttl: Int64) -> EntryInfo {
        EntryInfo(cid: key.cid, tool: policy.tool, operation: decision.operation,
                         display: Display.commandLine(tool: request.tool, arguments: request.arguments,
                                                      secret: decision.secretArguments),
                         context: key.context, createdMs: now, expiresMs: now + ttl * 1000,
                         exitCode: outcome.status, durationMs: outcome.durationMs,
                         stdoutBytes: Int64(outcome.transcript.stdoutCount),
                         stderrBytes: Int64(outcome.transcript.stderrCount))
    }

    /// `CACHEWRAP_TTL`, when set and valid; a bad value is reported and ignored (fail open).
    static func environmentTTL() -> Int64? {
        guard let text = Environment.get("CACHEWRAP_TTL"), !text.isEmpty else { return nil }
        guard let seconds = Duration.seconds(text) else {
            Console.warn("CACHEWRAP_TTL: \(CachewrapError.badDuration(text).message); using the policy's TTL")
            return nil
        }
        return seconds
    }
}
