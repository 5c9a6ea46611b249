/// `gh api`: cacheable only when the effective HTTP method is GET or HEAD, and for GraphQL only
/// when the query is not a mutation. gh turns any field into a POST unless `-X GET` is given.
enum GhAPIRule {
    /// True when the request cannot change anything: GET/HEAD, or a GraphQL query that is not
    /// a mutation, with no body read from a file or stdin.
    static func isReadOnly(_ args: [String]) -> Bool {
        let request = parse(args)
        guard !request.readsFile else { return false }
        if request.endpoint == "graphql" {
            guard let query = request.fields.first(where: { $0.hasPrefix("query=") }) else { return false }
            return !query.contains("mutation") && (request.method == nil || request.method == "POST")
        }
        let method = request.method ?? (request.fields.isEmpty && !request.hasInput ? "GET" : "POST")
        return method == "GET" || method == "HEAD"
    }

    struct Request {
        var endpoint: String?
        var method: String?
        var fields: [String] = []
        var hasInput = false
        /// A field from a file (`-F x=@file`) or `--input`: content cachewrap does not key on.
        var readsFile = false
    }

    static func parse(_ args: [String]) -> Request {
        var r = Request()
        var i = args.first == "api" ? 1 : 0
        func next() -> String? { i += 1; return i < args.count ? args[i] : nil }
        while i < args.count {
            let a = args[i]
            switch a {
            case "-X", "--method": r.method = next()?.uppercased()
            case "-f", "--raw-field": if let v = next() { r.fields.append(v) }
            case "-F", "--field": if let v = next() { addTyped(v, &r) }
            case "--input": r.hasInput = true; r.readsFile = true; _ = next()
            case "-H", "--header", "-q", "--jq", "-t", "--template", "-p", "--preview", "--hostname", "--cache":
                _ = next()
            default:
                if a.hasPrefix("--method=") { r.method = String(a.dropFirst(9)).uppercased() }
                else if a.hasPrefix("-X") && a.count > 2 { r.method = String(a.dropFirst(2)).uppercased() }
                else if a.hasPrefix("--raw-field=") { r.fields.append(String(a.dropFirst(12))) }
                else if a.hasPrefix("-f") && a.count > 2 { r.fields.append(String(a.dropFirst(2))) }
                else if a.hasPrefix("--field=") { addTyped(String(a.dropFirst(8)), &r) }
                else if a.hasPrefix("-F") && a.count > 2 { addTyped(String(a.dropFirst(2)), &r) }
                else if a.hasPrefix("--input=") { r.hasInput = true; r.readsFile = true }
                else if !a.hasPrefix("-") && r.endpoint == nil { r.endpoint = a }
            }
            i += 1
        }
        return r
    }

    /// `-F key=@file` reads a file (or stdin for `@-`): the request depends on bytes not in argv.
    private static func addTyped(_ field: String, _ r: inout Request) {
        r.fields.append(field)
        if let eq = field.firstIndex(of: "="), field[field.index(after: eq)...].hasPrefix("@") { r.readsFile = true }
    }
}
