/// The store of a call that missed, opened on first use. The miss path hands `get` to the
/// tool's start (`ChildProcess.whileStarting`): SQLite's start-up (reading the schema, rebuilding
/// the WAL index, about half a millisecond) then runs on one core while the tool execs on the
/// other, instead of before it. A store that cannot be opened is warned about once, and the
/// call goes on without it (fail open).
final class LazyStore {
    let location: CacheLocation
    private let tool: String
    /// nil: not tried yet; .some(nil): tried and failed.
    private var opened: Store??

    init(location: CacheLocation, tool: String) {
        self.location = location
        self.tool = tool
    }

    func get() -> Store? {
        if let opened { return opened }
        var store: Store?
        do {
            store = try Store(location: location)
        } catch {
            Console.warn("\(error.message); running \(tool) without the cache")
        }
        opened = .some(store)
        return store
    }
}
