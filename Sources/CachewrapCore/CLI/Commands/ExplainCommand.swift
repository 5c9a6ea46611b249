/// `cachewrap explain TOOL ARGS...`: the policy's verdict and why, the TTL and retries, the key's
/// fields (secrets only as digests, as stored), and whether the call would hit now. Runs nothing.
enum ExplainCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let request = try Cachewrap.parseWrap(args)
        let located = try? ToolLocator().locate(request.tool)
        let path = located ?? "not found on PATH"
        guard let policy = request.policy() else {
            Console.output("""
                tool:      \(request.tool) (\(path))
                class:     passthrough: '\(request.tool)' has no caching policy (use 'cachewrap -- \(request.tool) ...' to cache it)

                """)
            return 0
        }
        let invocation = request.invocation()
        let decision = policy.decide(invocation)
        var lines = [
            "tool:      \(policy.tool) (\(path))",
            "operation: \(decision.operation)",
            "class:     \(decision.commandClass.name): \(decision.reason)",
        ]
        if decision.invalidates {
            let when = decision.commandClass == .mutating ? "before it runs and again after it ends" : "before it runs"
            lines.append("effect:    drops cached answers of \(decision.scope.description) \(when)")
        }
        guard let ttlClass = decision.ttlClass else {
            lines.append("cache:     never served from the cache; runs as if cachewrap were not there")
            Console.output(lines.joined(separator: "\n") + "\n")
            return 0
        }
        // As the call reads it: --ttl, then CACHEWRAP_TTL, then the policy.
        let requested = request.options.ttlSeconds ?? CachedRun.environmentTTL()
        let policyTTL = decision.ttlSeconds == ttlClass.seconds ? ttlClass.rawValue : "config file"
        let source = request.options.ttlSeconds != nil ? "--ttl" : requested != nil ? "CACHEWRAP_TTL" : policyTTL
        lines.append("ttl:       \(Duration.format(seconds: requested ?? decision.ttlSeconds)) (\(source))")
        lines.append("retries:   \(request.options.retries ?? decision.retries)")
        // The key names the program found, as `cachewrap key` does; not the words shown above.
        let key = request.inspectionKey(policy: policy, decision: decision, toolPath: located ?? request.tool,
                                        invocation: invocation)
        lines.append("key:       \(key.cid)")
        if let salt = key.saltOrigin { lines.append("salt:      \(salt.summary)") }
        if case .object(let fields) = key.document {
            for name in fields.keys.sorted() { lines.append("  \(name): \(fields[name]!.canonicalText)") }
        }
        lines.append("scope:     \(decision.scope.description)")
        let revalidation = request.options.revalidate == false && decision.revalidation.request != nil
            ? .impossible("--no-revalidate") : decision.revalidation
        if let line = Self.revalidation(revalidation, cid: key.cid) { lines.append(line) }
        let lookup = CacheLookup(cid: key.cid, scope: decision.scope, requestedTTL: requested, tool: policy.tool)
        lines.append("now:       \(status(lookup, now: invocation.clock()))")
        Console.output(lines.joined(separator: "\n") + "\n")
        return 0
    }

    /// Whether an expired answer of this call is renewed by a conditional request, and with
    /// what (docs/architecture.md, Revalidation); nil for a tool that has none.
    private static func revalidation(_ revalidation: Revalidation, cid: String) -> String? {
        switch revalidation {
        case .unsupported: return nil
        case .impossible(let why): return "revalidate: no (\(why)): an expired answer is fetched again in full"
        case .conditional:
            guard let stored = (try? Store.forReading().validator(cid: cid)) ?? nil else {
                return "revalidate: yes, once a run has stored the server's ETag or Last-Modified"
            }
            let headers = [stored.etag.map { "If-None-Match: \($0)" }, stored.lastModified.map { "If-Modified-Since: \($0)" }]
            return "revalidate: yes: once expired, asked with " + headers.compactMap { $0 }.joined(separator: " and ")
        }
    }

    /// Hit, expired, superseded, damaged or miss for this key right now, found as a real call
    /// finds it (`CacheLookup.find`), read without touching counters.
    private static func status(_ lookup: CacheLookup, now: Int64) -> String {
        let ttl = lookup.requestedTTL
        switch lookup.find(cache: CacheLocation.fromEnvironment().directory) {
        case .missing: return "miss (nothing cached)"
        case .damaged(let damage): return "miss (the cached answer is damaged: \(damage.message); the next call drops it)"
        case .expired(let cached):
            return "miss (cached \(Duration.format(seconds: (now - cached.createdMs) / 1000)) ago, expired)"
        case .superseded(let cached):
            return "miss (cached \(Duration.format(seconds: (now - cached.createdMs) / 1000)) ago, before a change to \(lookup.scope.description))"
        case .fresh(let cached):
            let expires = ttl.map { Clock.expiry(createdMs: cached.createdMs, ttlSeconds: $0) } ?? cached.expiresMs
            return "hit (cached \(Duration.format(seconds: (now - cached.createdMs) / 1000)) ago, fresh for \(Duration.format(seconds: (expires - now) / 1000)))"
        }
    }
}
