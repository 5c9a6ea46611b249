import Testing

@testable import CachewrapCore

/// One gh argv and whether its expired answer may be renewed by a conditional request: nil for
/// yes, else a word of the reason `explain` gives.
struct RevalidationCase: Sendable, CustomTestStringConvertible {
    let argv: [String]
    let refusal: String?
    var keepsHead = false
    var environment: [String: String] = [:]

    var testDescription: String { argv.joined(separator: " ") + (refusal.map { " → no (\($0))" } ?? " → yes") }

    static func yes(_ argv: [String], keepsHead: Bool = false) -> RevalidationCase { RevalidationCase(argv: argv, refusal: nil, keepsHead: keepsHead) }
    static func no(_ argv: [String], _ why: String, env: [String: String] = [:]) -> RevalidationCase {
        RevalidationCase(argv: argv, refusal: why, environment: env)
    }
}

@Suite("Revalidation policy: which gh api calls can be renewed by ETag")
struct RevalidationPolicyTests {
    static let cases: [RevalidationCase] = [
        .yes(["api", "repos/o/r/pulls"]),
        .yes(["api", "-X", "GET", "search/issues", "-f", "q=bug"]),
        .yes(["api", "--method=get", "repos/o/r"]),
        .yes(["api", "repos/o/r", "--jq", ".name"]),
        .yes(["api", "-q", ".[].title", "repos/o/r/pulls"]),
        .yes(["api", "repos/o/r", "-t", "{{.name}}"]),
        .yes(["api", "repos/o/r", "-H", "Accept: application/vnd.github.raw"]),
        .yes(["api", "repos/o/r", "--hostname", "ghe.example", "-p", "mercy", "--silent"]),
        .yes(["api", "-i", "repos/o/r"], keepsHead: true),
        .yes(["api", "--include", "repos/o/r"], keepsHead: true),
        .yes(["api", "-iq", ".name", "repos/o/r"], keepsHead: true),
        .no(["api", "graphql", "-f", "query={viewer{login}}"], "GraphQL"),
        .no(["api", "--paginate", "repos/o/r/pulls"], "--paginate"),
        .no(["api", "--cache", "1h", "repos/o/r"], "--cache"),
        .no(["api", "-X", "HEAD", "repos/o/r"], "only GET"),
        .no(["api", "repos/o/r", "-H", "If-None-Match: \"x\""], "if-none-match"),
        .no(["api", "repos/o/r", "--header=if-modified-since: Mon"], "if-modified-since"),
        .no(["api", "repos/o/r", "-H", "Range: bytes=0-9"], "range"),
        .no(["api", "repos/o/r", "--jq", "now"], "time"),
        .no(["api", "repos/o/r", "--jq", ".x + $ENV.HOME"], "environment"),
        .no(["api", "repos/o/r", "-q", "env.USER"], "environment"),
        .no(["api", "repos/o/r", "--template", "{{range .}}{{timeago .created_at}}{{end}}"], "time"),
        .no(["api", "--include=true", "repos/o/r"], "--include with a value"),
        .no(["api", "repos/o/r", "--verbose"], "--verbose"),
        .no(["api", "--", "repos/o/r"], "--"),
        .no(["api", "repos/o/r"], "GH_DEBUG", env: ["GH_DEBUG": "api"]),
        .no(["api", "repos/o/r"], "GH_DEBUG", env: ["DEBUG": "1"]),
        .no(["pr", "list"], "only `gh api`"),
        .no(["repo", "view", "o/r"], "only `gh api`"),
    ]

    @Test(arguments: cases)
    func decides(_ c: RevalidationCase) {
        let decision = GhPolicy.spec.decide(c.argv, environment: c.environment)
        #expect(decision.isCacheable, "\(decision.reason)")
        switch decision.revalidation {
        case .conditional(let request):
            #expect(c.refusal == nil, "renewable, but expected no (\(c.refusal ?? ""))")
            #expect(request.keepsHead == c.keepsHead && request.insertAt == 1)
        case .impossible(let why):
            #expect(c.refusal.map { why.contains($0) } == true, "refused: \(why)")
        case .unsupported:
            Issue.record("gh's policy always says whether a call can be revalidated")
        }
    }

    @Test("tools without conditional requests say so, and mutations carry none")
    func otherTools() {
        #expect(HFPolicy.spec.decide(["models", "list"]).revalidation == .unsupported)
        #expect(GhPolicy.spec.decide(["api", "-X", "POST", "repos/o/r/pulls"]).revalidation == .unsupported)
    }

    @Test("the conditional run: --include after `api` unless the user asked for it, then the validators")
    func arguments() {
        let args = ["api", "repos/o/r", "--", "x"].map { Argument($0) }
        let validator = Validator(etag: "W/\"v1\"", lastModified: "Mon, 01 Jan 2024 00:00:00 GMT")
        #expect(ConditionalRequest(insertAt: 1, keepsHead: false).arguments(args, validator: nil).map(\.text)
                == ["api", "--include", "repos/o/r", "--", "x"])
        #expect(ConditionalRequest(insertAt: 1, keepsHead: true).arguments(args, validator: validator).map(\.text)
                == ["api", "-H", "If-None-Match: W/\"v1\"", "-H", "If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT", "repos/o/r", "--", "x"])
        #expect(Validator(etag: nil, lastModified: nil) == nil)
    }
}
