/// `cachewrap key [--json] TOOL ARGS...`: the canonical key document and its CID, running nothing.
/// Anyone can check the CID with any multiformats implementation.
enum KeyCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let asJSON = args.first?.text == "--json"
        let request = try Cachewrap.parseWrap(Array(args.dropFirst(asJSON ? 1 : 0)))
        guard let policy = request.policy() else {
            throw .usage("'\(request.tool)' has no caching policy, so it has no key (use 'cachewrap key -- \(request.tool) ...')")
        }
        let invocation = request.invocation()
        let decision = policy.decide(invocation)
        let path = (try? ToolLocator().locate(request.tool)) ?? request.tool
        let key = request.inspectionKey(policy: policy, decision: decision, toolPath: path, invocation: invocation)
        let ttl = request.options.ttlSeconds ?? decision.ttlSeconds
        if asJSON {
            Console.output(JSONValue.object([
                "cid": .string(key.cid), "document": .string(key.text),
                "cacheable": .bool(decision.isCacheable),
                "class": .string(decision.commandClass.name), "ttl_seconds": .int(ttl),
                "provisional": .bool(key.isProvisional),
            ]).canonicalText + "\n")
        } else {
            Console.output("\(key.cid)\n\(key.text)\n")
        }
        return 0
    }
}
