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
        if Environment.flag("CACHEWRAP_DISABLE") { return handOver(path) }
        guard let policy = request.policy() else {
            Console.notice("'\(request.tool)' has no caching policy: running it as is (use 'cachewrap -- \(request.tool) ...' to cache it)")
            return handOver(path)
        }
        let decision = policy.decide(request.arguments.map(\.text))
        guard decision.commandClass == .cacheable else {
            if request.options.offline {
                Console.error("--offline: '\(decision.operation)' is \(decision.commandClass.rawValue) (\(decision.reason)), so it is never served from the cache")
                return CachewrapError.offlineMiss(request.tool).exitCode
            }
            countPassthrough(tool: policy.tool)
            return handOver(path)
        }
        return CachedRun(request: request, toolPath: path, policy: policy, decision: decision).run()
    }

    /// exec: the tool takes over this process, its descriptors and its terminal.
    private func handOver(_ path: String) -> Int32 {
        let code = Exec.replace(path: path, arguments: request.commandLine)
        let error: CachewrapError = code == ENOENT_CODE ? .toolNotFound(path) : .spawnFailed(path, errnoText(code))
        Console.error(error.message)
        return code == EACCES_CODE || code == ENOEXEC_CODE ? CachewrapError.notExecutable(path).exitCode : error.exitCode
    }

    /// Counts a pass-through for `stats`; a store problem must not stop the tool, so errors are dropped.
    private func countPassthrough(tool: String) {
        guard let store = try? Store() else { return }
        try? store.count(tool: tool, [.passthrough: 1])
    }
}
