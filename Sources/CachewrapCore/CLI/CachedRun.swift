/// A cacheable invocation, as a sequence of steps (docs/architecture.md, The path of one call):
/// plan, stdin, key, local lookup, single flight, team cache, run, settle. What each step means
/// lives elsewhere: the plan in `Plan`, the tiers in `Tiers`, the lock in `FlightLock`, the run
/// in `AttemptLoop`, the outcome in `settle` (CachedRun+Settle.swift). Every store problem
/// degrades to running the tool (fail open) with one warning.
struct CachedRun {
    let request: WrapRequest
    /// What the policy decided from, read once when the call started: the key reads it too.
    let invocation: Invocation
    let toolPath: String
    let policy: PolicySpec
    let decision: Decision
    /// Told how the call ended: a replay, a settled run, `--offline` without an answer.
    let reporter: CallReporter

    /// How long identical calls wait for the one running the tool before running it themselves.
    static let flightWaitMs: Int64 = 300_000

    /// An answer found before the run that must go, and whether it counts as damage.
    enum Dropped {
        case none, damaged, superseded

        var counting: [Counter: Int64] { self == .damaged ? [.damaged: 1] : [:] }
    }

    func run() -> Int32 {
        let plan = Plan(options: request.options, decision: decision)
        if plan.revalidatesFresh, let why = decision.revalidation.whyNot {
            Console.notice("--revalidate: this call cannot be revalidated (\(why)); running \(policy.tool) in full")
        }
        // `--no-cache` never touches stdin: the tool reads ours, whatever it is.
        let stdin = plan.records ? request.readStdin(decision) : StdinSource.none
        if let why = stdin.uncachedReason {
            Console.notice("\(why): running \(policy.tool) uncached")
            return runUncached(stdin: stdin.toolStdin)
        }
        let terminal = invocation.terminal
        let location = CacheLocation.fromEnvironment()
        let key = request.key(policy: policy, decision: decision, toolPath: toolPath, stdin: stdin.keyedBytes,
                              invocation: invocation, salt: WrapRequest.salt(of: location, writing: true))
        // A miss opens the database only once the tool has started (see `LazyStore`), unless the
        // team cache must be asked first: its answer is stored locally before it is shown.
        let tiers = Tiers(lookup: CacheLookup(cid: key.cid, scope: decision.scope, requestedTTL: plan.requestedTTL, tool: policy.tool,
                                              reporter: reporter),
                          store: LazyStore(location: location, tool: policy.tool),
                          remote: plan.records ? RemoteTier.remote(cacheDirectory: location.directory) : nil, tool: policy.tool)
        var expired: CachedResult?
        /// The answer a conditional request may renew: an expired one, or with `--revalidate` a fresh one.
        var renewable: CachedResult?
        var dropped = Dropped.none
        if plan.looksUp {
            switch tiers.local() {
            case .fresh(let cached) where plan.revalidatesFresh:
                renewable = cached
            case .fresh(let cached):
                if let status = replayFresh(cached, plan: plan, tiers: tiers, keyedStdin: stdin.keyedBytes != nil,
                                            terminal: terminal) { return status }
                dropped = .damaged
            case .expired(let cached):
                if plan.offline,
                   let status = tiers.lookup.replay(cached, cache: tiers.cache, from: .expiredOffline) {
                    return status
                }
                expired = cached
                renewable = cached
            case .superseded:
                HotFile.remove(cache: tiers.cache, cid: key.cid)
                dropped = .superseded
            case .damaged(let damage):
                tiers.lookup.dropDamaged(damage, cache: tiers.cache)
                dropped = .damaged
            case .missing:
                break
            }
        }
        if plan.offline {
            if dropped != .none { tiers.drop(dropped.counting) }
            Console.error(CachewrapError.offlineMiss(policy.tool).message)
            reporter.report(.offline) { call in
                call.cid = key.cid
                call.exit = CachewrapError.offlineMiss(policy.tool).exitCode
                call.detail = "nothing cached"
            }
            return CachewrapError.offlineMiss(policy.tool).exitCode
        }
        guard plan.records else { return execute(key: key, plan: plan, tiers: tiers, stdin: .inherited, terminal: terminal) }
        let flight = FlightLock.tryAcquire(directory: tiers.cache, cid: key.cid) ?? {
            // Another process runs this very call: a refresher leaves it alone (nil below), a
            // caller waits for it and replays its result (or takes over if it died or failed).
            plan.background ? nil : FlightLock.acquire(directory: tiers.cache, cid: key.cid, timeoutMs: CachedRun.flightWaitMs)
        }()
        if flight == nil && plan.background { return 0 }
        // Checked again under the lock: a run that finished between our lookup and the lock has
        // already stored the answer.
        if plan.looksUp, !plan.revalidatesFresh, case .fresh(let cached) = tiers.local(),
           let status = tiers.lookup.replay(cached, cache: tiers.cache) {
            return status
        }
        let marks: [Int64]?
        let fromTeam = { priced(entry(for: key, result: $0, transcript: $1), $1) }
        switch tiers.team(fromTeam, wantsValue: plan.looksUp && !plan.background && !plan.revalidatesFresh) {
        case .replayed(let status): return status
        case .run(let read): marks = read
        }
        return withExtendedLifetime(flight) {
            execute(key: key, plan: plan, tiers: tiers, stdin: stdin.toolStdin, terminal: terminal, expired: expired,
                    renewable: renewable, dropped: dropped, marks: marks)
        }
    }

    /// Replays a fresh entry, starting a background refresh first when it is older than the
    /// stale-while-revalidate age. nil: it was damaged, run the tool.
    private func replayFresh(_ cached: CachedResult, plan: Plan, tiers: Tiers, keyedStdin: Bool,
                             terminal: TerminalShape) -> Int32? {
        let age = (Clock.nowMs() - cached.createdMs) / 1000
        if let stale = plan.staleWhileRevalidate, age >= stale, !keyedStdin {
            BackgroundRefresh.start(request, terminal: terminal, revalidates: plan.revalidates && decision.revalidation.request != nil)
        }
        return tiers.lookup.replay(cached, cache: tiers.cache)
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

    /// The row for an answer the team cache sent, with the remote's times.
    private func entry(for key: InvocationKey, result: CachedResult, transcript: Transcript) -> EntryInfo {
        entry(for: key, createdMs: result.createdMs, expiresMs: result.expiresMs, exitCode: result.exitCode,
              durationMs: result.durationMs, stdoutBytes: transcript.stdoutCount, stderrBytes: transcript.stderrCount)
    }
}
