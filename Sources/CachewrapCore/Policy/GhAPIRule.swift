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

    /// One word of a `gh api` command line as gh reads it: a flag by its long name (`-X` is
    /// `--method`), or a positional word (name ""), with its value and the index in argv of the
    /// argument holding that value.
    struct Flag: Equatable {
        var name: String
        var value: String?
        var index: Int?
    }

    /// The flags of `gh api` that take a value.
    static let valueFlags: Set<String> = [
        "--method", "--raw-field", "--field", "--header", "--jq", "--template", "--preview", "--input",
        "--hostname", "--cache",
    ]
    /// Its one-letter forms; `-i` (--include) and `-h` (--help) take no value.
    static let shorthands: [Unicode.Scalar: String] = [
        "X": "--method", "f": "--raw-field", "F": "--field", "H": "--header", "q": "--jq", "t": "--template",
        "p": "--preview", "i": "--include", "h": "--help",
    ]

    /// `args` read the way gh's flag library (pflag) reads them: `--flag V`, `--flag=V`, `-XV`,
    /// `-X V`, `-X=V`, and clusters of shorthands, where a value-taking letter takes the rest of
    /// the word or the next one: `-iXPOST` is `-i` then `-X POST`, and so is `-iX POST`. Reading
    /// a cluster as one unknown flag would miss the method, fields and headers it sets.
    static func flags(_ args: [String]) -> [Flag] {
        var out: [Flag] = []
        var i = args.first == "api" ? 1 : 0
        func next() -> (String?, Int?) { i += 1; return i < args.count ? (args[i], i) : (nil, nil) }
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--") {
                if let eq = a.firstIndex(of: "=") {
                    out.append(Flag(name: String(a[..<eq]), value: String(a[a.index(after: eq)...]), index: i))
                } else if valueFlags.contains(a) {
                    let (value, at) = next()
                    out.append(Flag(name: a, value: value, index: at))
                } else {
                    out.append(Flag(name: a))
                }
            } else if a.hasPrefix("-") && a.count > 1 {
                var rest = a.unicodeScalars.dropFirst()
                while let letter = rest.popFirst() {
                    // An unknown letter makes gh refuse the command line; the rest is read anyway.
                    guard let name = shorthands[letter] else { continue }
                    guard valueFlags.contains(name) else { out.append(Flag(name: name)); continue }
                    if rest.count > 1 && rest.first == "=" {
                        out.append(Flag(name: name, value: String(Substring(rest.dropFirst())), index: i))
                    } else if !rest.isEmpty {
                        out.append(Flag(name: name, value: String(Substring(rest)), index: i))
                    } else {
                        let (value, at) = next()
                        out.append(Flag(name: name, value: value, index: at))
                    }
                    break
                }
            } else {
                out.append(Flag(name: "", value: a, index: i))
            }
            i += 1
        }
        return out
    }

    /// `-F key=@file` reads a file (or stdin for `@-`): the request depends on bytes not in argv.
    private static func addTyped(_ field: String, _ r: inout Request) {
        r.fields.append(field)
        if let eq = field.firstIndex(of: "="), field[field.index(after: eq)...].hasPrefix("@") { r.readsFile = true }
    }
}
