/// `gh api`: cacheable only when the effective HTTP method is GET or HEAD, and for GraphQL only
/// when the query is not a mutation. gh turns any field into a POST unless `-X GET` is given.
enum GhAPIRule {
    /// True when the request cannot change anything: GET/HEAD, or a GraphQL query that is not
    /// a mutation, with no body read from a file or stdin.
    static func isReadOnly(_ args: [String]) -> Bool {
        let request = parse(args)
        guard !request.readsFile else { return false }
        if request.endpoint == "graphql" {
            // Every `query=` field: gh sends the last one given, not the first.
            let queries = request.fields.filter { $0.hasPrefix("query=") }
            return !queries.isEmpty && !queries.contains { $0.contains("mutation") }
                && (request.method == nil || request.method == "POST")
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
        for flag in flags(args) {
            switch flag.name {
            case "--method": r.method = flag.value?.uppercased()
            case "--raw-field": if let v = flag.value { r.fields.append(v) }
            case "--field": if let v = flag.value { addTyped(v, &r) }
            case "--input": r.hasInput = true; r.readsFile = true
            case "": if r.endpoint == nil { r.endpoint = flag.value }
            default: break
            }
        }
        return r
    }

    /// `gh api`'s flags that take a value, and their one-letter forms; `-i` (--include) and
    /// `-h` (--help) take no value.
    static let reader = Pflag(
        valueFlags: ["--method", "--raw-field", "--field", "--header", "--jq", "--template", "--preview", "--input",
                     "--hostname", "--cache"],
        shorthands: ["X": "--method", "f": "--raw-field", "F": "--field", "H": "--header", "q": "--jq",
                     "t": "--template", "p": "--preview", "i": "--include", "h": "--help"])

    /// `args` (after the word `api`) read as gh reads them (`Pflag`).
    static func flags(_ args: [String]) -> [Pflag.Flag] {
        reader.flags(args.first == "api" ? args.dropFirst() : args[...])
    }

    /// `-F key=@file` reads a file (or stdin for `@-`): the request depends on bytes not in argv.
    private static func addTyped(_ field: String, _ r: inout Request) {
        r.fields.append(field)
        if let eq = field.firstIndex(of: "="), field[field.index(after: eq)...].hasPrefix("@") { r.readsFile = true }
    }
}
