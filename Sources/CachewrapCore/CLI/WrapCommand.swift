/// The wrap path: find the tool, ask its policy, and either hand the process over (exec) or run
/// it through the cache.
struct WrapCommand {
    let request: WrapRequest

    func run() -> Int32 {
        if request.options.quiet || Environment.flag("CACHEWRAP_QUIET") { Console.quiet = true }
        let path: String
        do {
            path = try ToolLocator().locate(request.tool)
        } catch {
            Console.error(error.message)
            return error.exitCode
        }
        var reporter = CallReporter(tool: request.tool, options: request.options)
        if Environment.flag("CACHEWRAP_DISABLE") { return handOver(path, reporter, why: "CACHEWRAP_DISABLE") }
        guard let policy = request.policy() else {
            Console.notice("'\(request.tool)' has no caching policy: running it as is (use 'cachewrap -- \(request.tool) ...' to cache it)")
            return handOver(path, reporter, why: "no policy")
        }
        let invocation = request.invocation()
        let decision = policy.decide(invocation)
        reporter.name(tool: policy.tool, operation: decision.operation)
        if decision.commandClass == .uncached && !request.options.offline && !request.options.noCache {
            return retried(path: path, policy: policy, decision: decision, terminal: invocation.terminal, reporter: reporter)
        }
        guard decision.isCacheable else {
            if request.options.offline {
                Console.error("--offline: '\(decision.operation)' is \(decision.commandClass.name) (\(decision.reason)), so it is never served from the cache")
                reporter.report(.offline) { call in
                    call.exit = CachewrapError.offlineMiss(request.tool).exitCode
                    call.detail = "\(decision.commandClass.name): never cached"
                }
                return CachewrapError.offlineMiss(request.tool).exitCode
            }
            return passThrough(path, policy: policy, decision: decision, reporter: reporter)
        }
        // Before any byte is read from or written to the cache: whoever can write there could
        // plant an answer, so an unsafe cache dir means running the tool as if we were not here.
        if let why = CacheTrust.problem(cache: CacheLocation.fromEnvironment().directory) {
            Console.warn("\(CachewrapError.untrustedCache(why).message); running \(policy.tool) without it")
            return handOver(path, reporter, why: "untrusted cache dir")
        }
        return CachedRun(request: request, invocation: invocation, toolPath: path, policy: policy, decision: decision,
                         reporter: reporter).run()
    }

    /// A retry-only command (downloads): run with retries on transient failures, output live,
    /// nothing stored.
    private func retried(path: String, policy: PolicySpec, decision: Decision, terminal: TerminalShape,
                         reporter: CallReporter) -> Int32 {
        let change = decision.invalidates ? ScopeChange(scope: decision.scope, tool: policy.tool) : nil
        change?.apply()
        defer { change?.apply() }
        let store = try? Store()
        let plan = Plan(options: request.options, decision: decision)
        let loop = AttemptLoop(policy: policy, retries: plan.retries, backoff: plan.backoff, staleFallback: false,
                               holdOutput: false) { _ in
            ChildProcess(path: path, arguments: request.commandLine, stdin: .guarded, terminal: terminal,
                         recordLimit: AttemptLoop.holdBackBytes)
        }
        do {
            let result = try loop.run()
            if let store {
                try? store.count(tool: policy.tool, [.callsMade: Int64(result.retriesMade + 1),
                                                     .retries: Int64(result.retriesMade),
                                                     .recoveredByRetry: result.verdict == .success && result.retriesMade > 0 ? 1 : 0])
            }
            reporter.report(.uncached) { call in
                call.durationMs = result.outcome.durationMs
                call.bytes = Int64(result.outcome.outputBytes)
                call.exit = result.outcome.callStatus(failure: nil)
            }
            if let signal = result.outcome.interruptedBy {
                change?.apply()
                SignalForwarding.dieBy(signal)
            }
            return result.outcome.status
        } catch {
            Console.error(error.message)
            return error.exitCode
        }
    }

    /// exec: the tool takes over this process, its descriptors and its terminal. cachewrap is
    /// gone once it succeeds, so the call is reported first, without an exit code.
    private func handOver(_ path: String, _ reporter: CallReporter, why: String) -> Int32 {
        reporter.report(.passthrough) { $0.detail = why }
        let code = Exec.replace(path: path, arguments: request.commandLine)
        let error: CachewrapError = code == ENOENT_CODE ? .toolNotFound(path) : .spawnFailed(path, errnoText(code))
        Console.error(error.message)
        return code == EACCES_CODE || code == ENOEXEC_CODE ? CachewrapError.notExecutable(path).exitCode : error.exitCode
    }

    /// A command that is never served from the cache. One that may change cached answers drops
    /// its scope first (`ScopeChange`); a non-interactive mutation then runs as a child that
    /// cachewrap waits for, so the scope is dropped again once it ends: a read that started
    /// before it and finished after its first drop must not answer later. Interactive commands
    /// (and the rest) are exec'd: they get this process, its descriptors and its terminal.
    private func passThrough(_ path: String, policy: PolicySpec, decision: Decision, reporter: CallReporter) -> Int32 {
        let why = switch decision.commandClass {
        case .mutating, .interactive: decision.commandClass.name
        case .passthrough: "not cacheable"
        case .uncached, .cacheable: "--no-cache"  // a download comes here only with it; a cacheable call never
        }
        guard decision.invalidates else {
            if let store = try? Store() { _ = try? store.count(tool: policy.tool, [.passthrough: 1]) }
            return handOver(path, reporter, why: why)
        }
        let change = ScopeChange(scope: decision.scope, tool: policy.tool)
        change.apply(counting: [.passthrough: 1])
        guard decision.commandClass == .mutating else { return handOver(path, reporter, why: why) }
        let startedMs = Clock.nowMs()
        return WaitedChild.run(path: path, arguments: request.commandLine) { status in
            change.apply()
            reporter.report(.passthrough) { call in
                call.durationMs = Clock.nowMs() - startedMs
                call.exit = status
                call.detail = why
            }
        }
    }
}
