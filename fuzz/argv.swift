/// Fuzz target: the argv shape matcher (ArgvShape) and every built-in policy's rule table. The
/// bytes split on NUL are argv words; each policy decides on them, with the same engine the wrap
/// path uses. Checked: the shape's bookkeeping, that a cacheable decision never invalidates and
/// never points outside argv, and that `gh api` is cached only for a request gh itself would
/// send as GET or HEAD with no body, with its credential headers marked secret (a reference
/// reading of gh api's flags, the way gh's flag library, pflag, parses argv, is the oracle).

private let specs: [PolicySpec] = Policies.known.compactMap(Policies.builtIn)
    + [.generic(command: "/usr/bin/make", keyEnv: ["CC"])]

/// gh api's flags as gh declares them: name, shorthand, and whether it takes a value.
private let ghAPIFlags: [(long: String, short: Character?, takesValue: Bool)] = [
    ("method", "X", true), ("field", "F", true), ("raw-field", "f", true), ("header", "H", true),
    ("include", "i", false), ("input", nil, true), ("jq", "q", true), ("template", "t", true),
    ("paginate", nil, false), ("slurp", nil, false), ("preview", "p", true), ("silent", nil, false),
    ("verbose", nil, false), ("hostname", nil, true), ("cache", nil, true), ("help", "h", false),
]

/// What gh would send for `gh api ...` (argv from "api" on), or nil when gh would refuse the
/// command line or only print help.
private struct GhRequest {
    var endpoint = "", method: String?, fields: [String] = [], typed: [String] = [], input = false
    /// Each header's value and the argv index holding it.
    var headers: [(value: String, index: Int)] = []
}

private func ghRequest(_ argv: [String]) -> GhRequest? {
    var request = GhRequest(), positional: [String] = [], help = false
    func set(_ long: String, _ value: String, _ index: Int) {
        switch long {
        case "help": help = true
        case "method": request.method = value.uppercased()
        case "field": request.typed.append(value); request.fields.append(value)
        case "raw-field": request.fields.append(value)
        case "input": request.input = true
        case "header": request.headers.append((value, index))
        default: break
        }
    }
    var i = 1
    while i < argv.count {
        let arg = argv[i]
        defer { i += 1 }
        if arg == "--" { positional += argv[(i + 1)...]; break }
        if arg.hasPrefix("--") {
            let body = arg.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            guard let flag = ghAPIFlags.first(where: { $0.long == name }) else { return nil }
            if let eq = body.firstIndex(of: "=") {
                set(flag.long, String(body[body.index(after: eq)...]), i)
            } else if flag.takesValue {
                guard i + 1 < argv.count else { return nil }
                i += 1
                set(flag.long, argv[i], i)
            } else {
                set(flag.long, "true", i)
            }
        } else if arg.hasPrefix("-") && arg != "-" {
            // A cluster of shorthands: `-iXPOST` is -i, then -X with the value "POST".
            var rest = Substring(arg.unicodeScalars.dropFirst())
            while let c = rest.unicodeScalars.popFirst() {
                guard let flag = ghAPIFlags.first(where: { $0.short?.unicodeScalars.first == c }) else { return nil }
                guard flag.takesValue else { set(flag.long, "true", i); continue }
                if rest.unicodeScalars.count > 1 && rest.unicodeScalars.first == "=" {
                    set(flag.long, String(rest.unicodeScalars.dropFirst()), i)
                } else if !rest.isEmpty {
                    set(flag.long, String(rest), i)
                } else {
                    guard i + 1 < argv.count else { return nil }
                    i += 1
                    set(flag.long, argv[i], i)
                }
                break
            }
        } else {
            positional.append(arg)
        }
    }
    // gh api takes exactly one endpoint; with --help it prints help and sends nothing.
    guard positional.count == 1, !help else { return nil }
    request.endpoint = positional[0]
    return request
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    let args = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }

    for spec in specs {
        let shape = spec.shape(args)
        check(shape.words.count <= args.count, "\(spec.tool): more words than arguments")
        check(shape.operationDepth <= shape.words.count, "\(spec.tool): operation deeper than the words")
        check(shape.arguments.count == shape.words.count - shape.operationDepth, "\(spec.tool): arguments")
        let decision = spec.decide(Invocation(args))
        check(!decision.operation.isEmpty || args.allSatisfy(\.isEmpty), "\(spec.tool): empty operation for \(args)")
        check(decision.redaction.redact(args).keys.allSatisfy { args.indices.contains($0) }, "\(spec.tool): secret index outside argv")
        if decision.isCacheable {
            check(!decision.invalidates, "\(spec.tool): a cacheable command invalidates")
            check(decision.ttlSeconds > 0, "\(spec.tool): cacheable with ttl \(decision.ttlSeconds)")
        }
        if decision.commandClass == .mutating { check(decision.invalidates, "\(spec.tool): a mutation that invalidates nothing") }
    }

    // gh api: cached only when gh would send a GET or HEAD (a GraphQL query: POST), no body,
    // and every credential header is kept out of the key in plain text.
    let gh = specs[0].decide(Invocation(args))
    if gh.isCacheable, args.first == "api", let request = ghRequest(args) {
        let command = "gh \(args)"
        check(!request.input, "\(command): cached, but gh sends --input's file")
        check(!request.typed.contains { $0.split(separator: "=", maxSplits: 1).dropFirst().first?.hasPrefix("@") == true },
              "\(command): cached, but gh reads a field from a file")
        if request.endpoint == "graphql" {
            let queries = request.fields.filter { $0.hasPrefix("query=") }
            check(!queries.isEmpty && !queries.contains { $0.contains("mutation") },
                  "\(command): cached, but the GraphQL request may be a mutation")
        } else {
            let method = request.method ?? (request.fields.isEmpty ? "GET" : "POST")
            check(method == "GET" || method == "HEAD", "\(command): cached, but gh sends \(method)")
        }
        for header in request.headers {
            let name = header.value.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            if header.value.contains(":") && (name.contains("authorization") || name.contains("token")) {
                check(gh.redaction.redact(args).keys.contains(header.index), "\(command): header '\(header.value)' is not kept secret")
            }
        }
    }
    _ = GhAPIRule.isReadOnly(args)

    // The agents' write grants, with the bytes as a settings file.
    for grants in [ClaudePolicy.agent.grants, GeminiPolicy.agent.grants] {
        _ = grants.grants(settings: bytes)
        _ = grants.grants(ArgvShape(args, valueFlags: []))
    }
    _ = WriteGrants.listValues(of: ["--allowedTools", "--allowed-tools"], in: args)
    return 0
}
