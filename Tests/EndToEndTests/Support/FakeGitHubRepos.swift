import Foundation

/// Just enough of GitHub's REST API for pull-request lists across several repositories:
/// `GET /repos/OWNER/REPO/pulls` answers a JSON array of the repository's PRs (each repository is
/// seeded with one, "first PR of OWNER/REPO"), and `POST /repos/OWNER/REPO/pulls` (gh's
/// `-f title=...` sends `{"title":"..."}`) appends one and answers it with 201, as GitHub does.
///
/// Why per repository: the tests ask whether a mutation of one repository leaves the cached
/// answers of the others alone, so GETs are counted per repository (`gets`), and a stale answer
/// is recognisable because every PR has its own title.
///
/// `hold(_:)` makes the next GET of a repository wait inside the server until `release(_:)`,
/// answering with the list as it was when the GET *arrived*: a read that began before a
/// mutation and ended after it, which is exactly what a slow list racing a create looks like.
/// A held GET gives up after `holdLimit` seconds, so a broken test cannot hang the server.
final class FakeGitHubRepos: @unchecked Sendable {
    private let state = NSCondition()
    private var pulls: [String: [String]] = [:]
    private var getCounts: [String: Int] = [:]
    private var held: Set<String> = []
    private var waiting: Set<String> = []
    private var released: Set<String> = []
    let holdLimit: Double = 300

    init(repos: [String]) {
        for repo in repos { pulls[repo] = ["first PR of \(repo)"] }
    }

    /// How many `GET /repos/<repo>/pulls` reached the server (held ones included).
    func gets(_ repo: String) -> Int { state.withLock { getCounts[repo] ?? 0 } }

    /// Every repository's GET count, for failure messages.
    var allGets: [String: Int] { state.withLock { getCounts } }

    /// The titles the server holds for `repo` right now, oldest first.
    func titles(_ repo: String) -> [String] { state.withLock { pulls[repo] ?? [] } }

    /// The next GET of `repo`'s pulls will wait for `release(repo)` before it answers.
    func hold(_ repo: String) { state.withLock { held.insert(repo); released.remove(repo) } }

    /// Waits (≤ `timeout` s) until a held GET of `repo` has arrived and is waiting; true if it has.
    func waitUntilHeld(_ repo: String, timeout: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        return state.withLock {
            while !waiting.contains(repo) { if !state.wait(until: deadline) { return waiting.contains(repo) } }
            return true
        }
    }

    /// Lets the held GET of `repo` answer (with the list it saw on arrival); harmless when none is held.
    func release(_ repo: String) {
        state.withLock { held.remove(repo); released.insert(repo); state.broadcast() }
    }

    /// Releases every held GET: for `defer`, so no server thread outlives a failed test.
    func releaseAll() {
        state.withLock { released.formUnion(held); held.removeAll(); state.broadcast() }
    }

    func handle(_ request: FakeHTTPServer.Request) -> FakeHTTPServer.Response {
        let path = String(request.path.prefix { $0 != "?" })
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count == 4, parts[0] == "repos", parts[3] == "pulls" else { return Self.notFound }
        let repo = parts[1] + "/" + parts[2]
        switch request.method {
        case "GET": return list(repo)
        case "POST": return create(repo, body: request.body)
        default: return Self.notFound
        }
    }

    private func list(_ repo: String) -> FakeHTTPServer.Response {
        let snapshot: [String]? = state.withLock {
            guard let titles = pulls[repo] else { return nil }
            getCounts[repo, default: 0] += 1
            guard held.contains(repo) else { return titles }
            held.remove(repo)
            waiting.insert(repo)
            state.broadcast()
            let deadline = Date().addingTimeInterval(holdLimit)
            while !released.contains(repo) && state.wait(until: deadline) {}
            waiting.remove(repo)
            released.remove(repo)
            return titles
        }
        guard let snapshot else { return Self.notFound }
        let items = snapshot.enumerated().map { Self.pull(repo, number: $0.offset + 1, title: $0.element) }
        return .json("[" + items.joined(separator: ",") + "]")
    }

    private func create(_ repo: String, body: [UInt8]) -> FakeHTTPServer.Response {
        let fields = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        guard let title = fields?["title"] as? String else {
            return .json(#"{"message":"Validation Failed"}"#, status: 422)
        }
        let number: Int? = state.withLock {
            guard pulls[repo] != nil else { return nil }
            pulls[repo]!.append(title)
            return pulls[repo]!.count
        }
        guard let number else { return Self.notFound }
        return .json(Self.pull(repo, number: number, title: title), status: 201)
    }

    /// One PR as GitHub lists it (trimmed). Titles are JSON-safe in these tests, so no escaping.
    static func pull(_ repo: String, number: Int, title: String) -> String {
        #"{"number":\#(number),"title":"\#(title)","state":"open","html_url":"http://github.localhost/\#(repo)/pull/\#(number)"}"#
    }

    /// How a title appears in gh's output (gh prints the body as received).
    static func shows(_ stdout: String, _ title: String) -> Bool {
        stdout.contains(#""title":"\#(title)""#)
    }

    static let notFound = FakeHTTPServer.Response.json(#"{"message":"Not Found"}"#, status: 404)
}

/// `cachewrap gh api` calls against a `FakeGitHubRepos`: one machine's environment and cwd.
struct GhPullsClient {
    var env: [String: String]
    var cwd: String

    /// `gh api repos/<repo>/pulls`: a cacheable read.
    func list(_ repo: String) throws -> RunResult {
        try cachewrap(["gh", "api", "repos/\(repo)/pulls"], env: env, cwd: cwd)
    }

    /// `gh api -X POST repos/<repo>/pulls -f title=<title>`: a mutation of `repo`.
    func create(_ repo: String, title: String) throws -> RunResult {
        try cachewrap(["gh", "api", "-X", "POST", "repos/\(repo)/pulls", "-f", "title=\(title)"], env: env, cwd: cwd)
    }

    /// `cachewrap stats --json`, parsed.
    func stats() throws -> [String: Any] {
        let result = try cachewrap(["stats", "--json"], env: env, cwd: cwd)
        guard let doc = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any] else {
            throw RunError(description: "stats --json: \(result.stdoutText) \(result.stderrText)")
        }
        return doc
    }

    func counter(_ name: String) throws -> Int { (try stats()[name] as? NSNumber)?.intValue ?? -1 }

    /// The counters as text, for failure messages (which cannot throw).
    func statsText() -> String {
        guard let doc = try? stats() else { return "stats unavailable" }
        return doc.keys.sorted().filter { $0 != "tools" }.map { "\($0)=\(doc[$0]!)" }.joined(separator: " ")
    }
}
