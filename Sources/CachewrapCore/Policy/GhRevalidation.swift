/// Which `gh api` calls can be renewed by a conditional request (docs/architecture.md,
/// Revalidation). GitHub answers `If-None-Match` with `304 Not Modified`, which does not count
/// against the rate limit, for a REST GET; gh prints that 304's status line and headers under
/// `--include`, says `gh: HTTP 304` and exits 1. A call qualifies only when everything it
/// prints is a pure function of the response body and headers, so "the body did not change"
/// means "the answer did not change": the flags are an allowlist, and anything else (a newer
/// gh's flag included) is fetched again in full.
enum GhRevalidation {
    /// gh api's flags under which the answer is a pure function of one response.
    static let allowed: Set<String> = ["", "--method", "--raw-field", "--field", "--header", "--jq", "--template",
                                       "--preview", "--hostname", "--include", "--silent"]
    /// Request headers that make a request conditional (or partial) already: the user's own
    /// would fight ours.
    static let conditionalHeaders = ["if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range", "range"]

    static func of(_ shape: ArgvShape, _ invocation: Invocation) -> Revalidation {
        guard shape.operation == "api" else { return .impossible("only `gh api` GETs of REST paths are revalidated") }
        let args = shape.args
        guard args.first == "api" else { return .impossible("`api` is not gh's first argument") }
        guard !args.contains("--") else { return .impossible("it has a `--`") }
        if ["GH_DEBUG", "DEBUG"].contains(where: { invocation.environment.nonEmpty($0) != nil }) {
            return .impossible("GH_DEBUG traces the request on stderr")
        }
        let request = GhAPIRule.parse(args)
        guard request.endpoint != "graphql" else { return .impossible("GraphQL requests are POSTs, which GitHub never answers with 304") }
        guard (request.method ?? "GET") == "GET", !request.readsFile else { return .impossible("only GET requests are revalidated") }
        var keepsHead = false
        for flag in GhAPIRule.flags(args) {
            guard allowed.contains(flag.name) else { return .impossible("gh api \(flag.name) is not revalidated") }
            switch flag.name {
            case "--include":
                guard flag.value == nil else { return .impossible("--include with a value") }
                keepsHead = true
            case "--header":
                let name = String((flag.value ?? "").prefix { $0 != ":" }).trimmingCharacters(in: " \t").lowercased()
                if conditionalHeaders.contains(name) { return .impossible("it sends its own \(name) header") }
            case "--jq" where readsClockOrEnvironment(flag.value ?? "", words: ["now", "env", "$ENV", "input_filename"]),
                 "--template" where readsClockOrEnvironment(flag.value ?? "", words: ["timeago", "now"]):
                return .impossible("its \(flag.name) output depends on the time or the environment, which a 304 cannot renew")
            default: break
            }
        }
        return .conditional(ConditionalRequest(insertAt: 1, keepsHead: keepsHead))
    }

    /// Whether `program` (a jq filter or a Go template) names one of `words` as a whole word:
    /// `now` and `timeago` read the clock, `env` and `$ENV` the environment. A field that
    /// happens to be called so (`.now`) is refused too, which only costs a full fetch.
    static func readsClockOrEnvironment(_ program: String, words: Set<String>) -> Bool {
        var word = ""
        for scalar in program.unicodeScalars {
            if scalar == "_" || scalar == "$" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                word.unicodeScalars.append(scalar)
                continue
            }
            if words.contains(word) { return true }
            word = ""
        }
        return words.contains(word)
    }
}
