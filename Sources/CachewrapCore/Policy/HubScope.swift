/// Scopes of hf and huggingface-cli (see `Scope`): the area is the Hub endpoint, shared by both
/// CLIs (same Hub, same library), the item a repository id; the local download cache is an area
/// of its own (`download` and `cache rm` change what `cache list` shows, not the Hub). vastai's
/// area is its endpoint, its item the account.
enum HubScope {
    /// Operations whose first argument is a repository id (`models info org/name`, `upload ID`).
    static let repositoryFirst: Set<String> = [
        "models info", "models card", "datasets info", "datasets card", "spaces info", "spaces card",
        "discussions list", "discussions ls", "discussions create", "upload", "upload-large-folder", "tag",
        "repo-files", "repos delete", "repos settings", "repos tag", "repos branch",
    ]
    /// Operations on the local download cache.
    static let localCache: Set<String> = ["download", "cache list", "cache ls", "cache verify", "cache rm",
                                          "cache prune", "scan-cache", "delete-cache"]

    static func hf(_ shape: ArgvShape, _ invocation: Invocation) -> Scope {
        if localCache.contains(shape.operation) { return Scope(area: "hf-cache") }
        var endpoint = invocation.environment.nonEmpty("HF_ENDPOINT") ?? "https://huggingface.co"
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        let area = "hf:" + endpoint
        guard repositoryFirst.contains(shape.operation), let id = argumentAfterCommand(shape) else { return Scope(area: area) }
        return Scope(area: area, item: id)
    }

    /// The word right after the command words (`repos tag list ID`: after the verb of a nested
    /// group), when it is a positional one. Read by position, not by skipping flags, so an
    /// unknown flag's value is never taken for the id: a flag there means "the whole endpoint".
    private static func argumentAfterCommand(_ shape: ArgvShape) -> String? {
        let commandWords = shape.operationDepth + (HFPolicy.nestedGroups.contains(shape.operation) ? 1 : 0)
        guard commandWords < shape.args.count, shape.args.prefix(commandWords).allSatisfy({ !$0.hasPrefix("-") })
        else { return nil }
        let id = shape.args[commandWords]
        return id.hasPrefix("-") || id.isEmpty ? nil : id
    }

    /// vastai: the area is the endpoint (`--url`, `VAST_URL`), the item the account, named by a
    /// short digest of its API key (`--api-key`, `VAST_API_KEY`, the key file): never the key
    /// itself. A global option given abbreviated (`--api=K`, argparse-style) names an account
    /// cachewrap cannot read, so such a call takes the whole endpoint: its mutation drops every
    /// account's answers there rather than another account's.
    static func vastai(_ shape: ArgvShape, _ invocation: Invocation) -> Scope {
        let env = invocation.environment.nonEmpty
        let url = shape.value(of: "--url") ?? env("VAST_URL") ?? "https://console.vast.ai"
        let area = "vastai:" + url
        if VastaiPolicy.abbreviates(shape, VastaiPolicy.globalValueFlags, strictly: true) { return Scope(area: area) }
        let key = shape.value(of: "--api-key").map { Array($0.utf8) } ?? env("VAST_API_KEY").map { Array($0.utf8) }
            ?? VastaiPolicy.keyFiles(invocation).first.flatMap { invocation.read($0, limit: 4096) }.map(savedKey) ?? []
        let account = Hex.encode(SHA256.hash(Array("cachewrap vastai account\u{0}".utf8) + key).prefix(8))
        return Scope(area: area, item: "account:" + account)
    }

    /// The key as vastai uses it: it reads the file with `.strip()`, so a saved key ending in a
    /// newline is the account `--api-key KEY` names; digesting the raw bytes would split one
    /// account into two areas, and a mutation given the key would not refuse answers read with
    /// the saved one.
    private static func savedKey(_ bytes: [UInt8]) -> [UInt8] {
        let blank: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]
        return Array(bytes.drop(while: blank.contains).reversed().drop(while: blank.contains).reversed())
    }
}
