/// A cacheable invocation: key it, replay a fresh entry, or run the tool (once for all identical
/// concurrent callers, with retries) and store the result. Every store problem degrades to
/// running the tool (fail open) with one warning.
struct CachedRun {
    let request: WrapRequest
    /// What the policy decided from, read once when the call started: the key reads it too.
    let invocation: Invocation
    let toolPath: String
    let policy: PolicySpec
    let decision: Decision

    /// How long identical calls wait for the one running the tool before running it themselves.
    static let flightWaitMs: Int64 = 300_000
    /// How long after expiry an entry may still answer when the tool fails (docs/architecture.md, Retries).
    static let defaultStaleIfErrorSeconds: Int64 = 86_400

    func run() -> Int32 {
        let options = request.options
        // `--no-cache` never touches stdin: the tool reads ours, whatever it is.
        let stdin = options.noCache ? StdinSource.none : request.readStdin(decision)
        if let why = stdin.uncachedReason {
            Console.notice("\(why): running \(policy.tool) uncached")
            return runUncached(stdin: stdin.toolStdin)
        }
        let toolStdin: ToolStdin = options.noCache ? .inherited : stdin.toolStdin
        let terminal = invocation.terminal
        let location = CacheLocation.fromEnvironment()
        let key = request.key(policy: policy, decision: decision, toolPath: toolPath, stdin: stdin.keyedBytes,
                              invocation: invocation, salt: WrapRequest.salt(of: location, writing: true))
        let lookup = CacheLookup(cid: key.cid, scope: decision.scope,
                                 requestedTTL: options.ttlSeconds ?? CachedRun.environmentTTL(), tool: policy.tool)
        let cache = location.directory
        // The hit path: the entry's hot file and its scope's marks, no database (`CacheLookup.find`).
        var expired: CachedResult?
        var dropped = Dropped.none
        if !options.refresh, !options.noCache {
            switch lookup.find(cache: cache) {
            case .fresh(let cached):
                if let status = replayFresh(cached, lookup: lookup, cache: cache, keyedStdin: stdin.keyedBytes != nil,
                                            terminal: terminal) { return status }
                dropped = .damaged
            case .expired(let cached):
                if options.offline, let status = lookup.replay(cached, cache: cache, note: "--offline: replaying an expired result") {
                    return status
                }
                expired = cached
            case .superseded:
                HotFile.remove(cache: cache, cid: key.cid)
                dropped = .superseded
            case .damaged(let damage):
                lookup.dropDamaged(damage, cache: cache)
                dropped = .damaged
            case .missing:
                break
            }
        }
        // A miss opens the database only once the tool has started (see `LazyStore`), unless
        // the team cache must be asked first: its answer is stored locally before it is shown.
        let store = LazyStore(location: location, tool: policy.tool)
        if options.offline {
            if dropped != .none { record(store.get(), dropping: key.cid, dropped.counting) }
            Console.error(CachewrapError.offlineMiss(policy.tool).message)
            return CachewrapError.offlineMiss(policy.tool).exitCode
        }
        var flight: FlightLock?
        var remoteMarks: [Int64]?
        if !options.noCache {
            flight = FlightLock.tryAcquire(directory: cache, cid: key.cid)
            if flight == nil {
                // Another process runs this very call: a refresher leaves it alone, a caller
                // waits for it and replays its result (or takes over if it died or failed).
                if BackgroundRefresh.isBackground { return 0 }
                flight = FlightLock.acquire(directory: cache, cid: key.cid, timeoutMs: CachedRun.flightWaitMs)
            }
            // Checked again under the lock: a run that finished between our lookup and the lock
            // has already stored the answer.
            if !options.refresh, case .fresh(let cached) = lookup.find(cache: cache),
               let status = lookup.replay(cached, cache: cache) {
                return status
            }
            // Team cache (L2), only after a local miss: see RemoteTier.swift.
            if let remote = RemoteTier.remote(cacheDirectory: cache), let opened = store.get() {
                switch remoteLookup(remote, key: key, lookup: lookup, store: opened, cache: cache) {
                case .replayed(let status): return status
                case .run(let marks): remoteMarks = marks
                }
            }
        }
        return withExtendedLifetime(flight) {
            execute(key: key, store: store, stdin: toolStdin, terminal: terminal, expired: expired,
                    dropped: dropped, requestedTTL: lookup.requestedTTL, remoteMarks: remoteMarks)
        }
    }

    /// Why a found answer was dropped before the run: its row goes too, and damage is counted.
    enum Dropped {
        case none, damaged, superseded

        var counting: [Counter: Int64] { self == .damaged ? [.damaged: 1] : [:] }
    }

    /// Replays a fresh entry, starting a background refresh first when it is older than the
    /// stale-while-revalidate age (`--stale` or the config). nil: it was damaged, run the tool.
    private func replayFresh(_ cached: CachedResult, lookup: CacheLookup, cache: String, keyedStdin: Bool,
                             terminal: TerminalShape) -> Int32? {
        let age = (Clock.nowMs() - cached.createdMs) / 1000
        if let stale = request.options.staleSeconds ?? decision.staleSeconds, age >= stale, !keyedStdin {
            BackgroundRefresh.start(request, terminal: terminal)
        }
        return lookup.replay(cached, cache: cache)
    }

    /// Runs the tool with retries and settles the outcome: store it, answer with the stale
    /// entry, or pass the failure through unchanged.
    private func execute(key: InvocationKey, store lazyStore: LazyStore, stdin: ToolStdin, terminal: TerminalShape,
                         expired: CachedResult?, dropped: Dropped, requestedTTL: Int64?, remoteMarks: [Int64]?) -> Int32 {
        let options = request.options
        if terminal.isTerminal { Environment.set(policy.terminalEnvironment) }
        let window = options.staleIfErrorSeconds ?? (decision.ttlClass == .prompt ? 0 : CachedRun.defaultStaleIfErrorSeconds)
        let fallback = expired.flatMap {
            Clock.nowMs() - $0.expiresMs <= window.multipliedSaturating(by: 1000) && window > 0 ? $0 : nil
        }
        let recordLimit = CachedRun.maxEntryBytes()
        let loop = AttemptLoop(policy: policy, retries: options.retries ?? CachedRun.environmentRetries() ?? decision.retries,
                               backoff: .fromEnvironment(), staleFallback: fallback != nil, holdOutput: true) { holdBack in
            ChildProcess(path: toolPath, arguments: request.commandLine, stdin: stdin, terminal: terminal,
                         recordLimit: recordLimit, holdBack: holdBack,
                         spillDirectory: lazyStore.location.directory, whileStarting: { _ = lazyStore.get() })
        }
        let result: AttemptLoop.Result
        // An entry's time is when its run started: a mutation of its scope that ends after this
        // moment may have changed what the run saw (`ScopeMarks`).
        let startedMs = Clock.nowMs()
        do {
            result = try loop.run()
        } catch {
            Console.error(error.message)
            return error.exitCode
        }
        let outcome = result.outcome
        let store = lazyStore.get()
        var counting: [Counter: Int64] = [.callsMade: Int64(result.retriesMade + 1), .retries: Int64(result.retriesMade)]
        if dropped != .none {
            record(store, dropping: key.cid, [:])
            counting.merge(dropped.counting) { $0 + $1 }
        }
        if !options.noCache && !BackgroundRefresh.isBackground { counting[.misses] = 1 }
        if expired != nil { counting[.expirations] = 1 }
        let succeeded = result.verdict == .success && outcome.interruptedBy == nil
        if succeeded && result.retriesMade > 0 { counting[.recoveredByRetry] = 1 }
        if !succeeded, outcome.interruptedBy == nil, !outcome.shown, let fallback,
           result.verdict.isTransient || result.verdict == .quota {
            let age = Duration.format(seconds: (Clock.nowMs() - fallback.createdMs) / 1000)
            Console.warn("\(policy.tool) failed (\(policy.transientReason(outcome))); replaying the result cached \(age) ago")
            counting[.staleServed] = 1
            record(store, counting)
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
            record(store, counting)
            if let signal = outcome.interruptedBy { SignalForwarding.dieBy(signal) }
            return failure.end()
        }
        if succeeded, !options.noCache, let bytes = outcome.overLimitBytes {
            Console.notice(CachedRun.overLimitNotice(outputBytes: bytes, limit: recordLimit))
        }
        // A run that a mutation of its scope overtook is shown but not stored: it may predate the change.
        let current = ScopeMarks(cache: lazyStore.location.directory).allows(decision.scope, startedMs: startedMs)
        if let store, succeeded, current, !options.noCache, !outcome.overflowed {
            do {
                let ttl = requestedTTL ?? decision.ttlSeconds
                let info = entry(for: key, createdMs: startedMs, expiresMs: Clock.expiry(createdMs: startedMs, ttlSeconds: ttl),
                                 exitCode: outcome.status, durationMs: outcome.durationMs,
                                 stdoutBytes: outcome.stdoutCount, stderrBytes: outcome.stderrCount)
                try store.save(info, transcript: outcome.transcript, spill: outcome.spill, counting: counting)
                // Team cache write-behind (outbox + detached flusher): see RemoteTier.swift.
                remoteWriteBehind(info, transcript: outcome.transcript, spilled: outcome.spill != nil, marks: remoteMarks,
                                  store: store)
            } catch {
                Console.warn("could not store the result: \(error.message)")
            }
        } else {
            record(store, counting)
        }
        if let signal = outcome.interruptedBy { SignalForwarding.dieBy(signal) }
        return outcome.status
    }

    func record(_ store: Store?, _ counting: [Counter: Int64]) {
        do { try store?.count(tool: policy.tool, counting) } catch { Console.warn("could not update counters: \(error.message)") }
    }

    /// Drops a damaged entry's row (its hot file went when the damage was found), then counts.
    private func record(_ store: Store?, dropping cid: String, _ counting: [Counter: Int64]) {
        _ = try? store?.remove(cids: [cid])
        record(store, counting)
    }

    /// The row for this call: a run of ours, or a result the team cache sent.
    func entry(for key: InvocationKey, createdMs: Int64, expiresMs: Int64, exitCode: Int32, durationMs: Int64,
               stdoutBytes: Int, stderrBytes: Int) -> EntryInfo {
        EntryInfo(cid: key.cid, tool: policy.tool, operation: decision.operation,
                  display: Display.commandLine(tool: request.tool, arguments: request.arguments,
                                               redaction: decision.redaction),
                  scope: decision.scope, createdMs: createdMs, expiresMs: expiresMs, exitCode: exitCode,
                  durationMs: durationMs, stdoutBytes: Int64(stdoutBytes), stderrBytes: Int64(stderrBytes))
    }
}
