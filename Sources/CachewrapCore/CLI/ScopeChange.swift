/// What a command that may change cached answers does to the cache (see `Scope`): its scope's
/// marks move to now, locally (`ScopeMarks`) and in the team cache (`RemoteCache.mark`), and the
/// scope's local entries go. Done before the command runs and, when cachewrap waits for it,
/// again after it ends, so an answer whose run overlapped the change is never served after it.
/// Every step is best effort: a cache problem must not stop the command (fail open), but a mark
/// that could not be set is said, because answers of the scope made before the change could
/// then be served.
struct ScopeChange {
    let scope: Scope
    let tool: String

    /// Marks and drops; `counting` is added to the tool's counters (the pass-through, once).
    func apply(counting: [Counter: Int64] = [:]) {
        let location = CacheLocation.fromEnvironment()
        // A cache dir we do not trust serves nothing (WrapCommand), so there is nothing to drop.
        guard CacheTrust.problem(cache: location.directory) == nil else { return }
        // The mark is what refuses old answers; removing the entries only frees their space,
        // so a store problem costs nothing here.
        if !ScopeMarks(cache: location.directory).move(scope, to: Clock.nowMs()) {
            Console.warn("cannot write a mark in \(location.directory)/\(ScopeMarks.directoryName); cached \(scope.description) answers made before this change may still be replayed")
        }
        if let store = try? Store(location: location) {
            _ = try? store.remove(changedBy: scope)
            if !counting.isEmpty { _ = try? store.count(tool: tool, counting) }
        }
        if let remote = RemoteTier.remote(cacheDirectory: location.directory), let why = remote.mark(scope.marksChanged) {
            Console.notice("the team cache did not take the mark of this change (\(why)); other machines may replay \(scope.description) answers made before it until they expire")
        }
    }
}
