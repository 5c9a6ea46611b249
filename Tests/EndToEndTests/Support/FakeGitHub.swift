import Foundation
import Testing

/// The environment for one `cachewrap gh …` run against `server`, the fake GitHub (docs/architecture.md, Real clients in tests):
/// the sandbox's base env (with /usr/bin on PATH, where gh lives) plus gh's proxy, host, token and
/// config settings. `NO_PROXY` is set empty on purpose, so gh never bypasses the proxy.
func ghEnvironment(_ sb: TestSandbox, _ server: FakeHTTPServer, token: String = "test-token-1") -> [String: String] {
    var env = sb.baseEnv()
    let proxy = "http://127.0.0.1:\(server.port)"
    env["GH_HOST"] = "github.localhost"
    env["HTTP_PROXY"] = proxy
    env["HTTPS_PROXY"] = proxy
    env["NO_PROXY"] = ""
    env["GH_TOKEN"] = token
    env["GH_CONFIG_DIR"] = sb.root + "/ghconfig"
    env["GH_NO_UPDATE_NOTIFIER"] = "1"
    env["GH_PROMPT_DISABLED"] = "1"
    return env
}

/// A working directory inside the sandbox that is not a git repository (the sandbox lives in /tmp),
/// so gh's repo context and cachewrap's workspace fingerprint are both empty and stable.
func ghWorkDir(_ sb: TestSandbox) throws -> String {
    let dir = sb.root + "/work"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: sb.root + "/ghconfig", withIntermediateDirectories: true)
    return dir
}

/// Just enough of GitHub's GraphQL API for `gh pr list` and `gh pr create -R o/r --head B`:
/// gh 2.23 asks `PullRequestList`, `RepositoryInfo`, `PullRequestForBranch`, then sends the
/// `PullRequestCreate` mutation. Created PRs show up in later lists, as on GitHub.
final class FakeGitHubPulls: @unchecked Sendable {
    private let lock = NSLock()
    private var titles = ["first"]

    func handle(_ request: FakeHTTPServer.Request) -> FakeHTTPServer.Response {
        let body = request.bodyText
        if body.contains("PullRequestCreate") {
            let number = lock.withLock { () -> Int in titles.append("created"); return titles.count }
            return .json(#"{"data":{"createPullRequest":{"pullRequest":{"id":"P\#(number)","url":"http://github.localhost/o/r/pull/\#(number)"}}}}"#)
        }
        if body.contains("RepositoryInfo") {
            return .json(#"{"data":{"repository":{"id":"R1","name":"r","owner":{"login":"o"},"hasIssuesEnabled":true,"description":"","hasWikiEnabled":false,"viewerPermission":"ADMIN","defaultBranchRef":{"name":"main"}}}}"#)
        }
        if body.contains("PullRequestForBranch") {
            return .json(#"{"data":{"repository":{"pullRequests":{"nodes":[]}}}}"#)
        }
        if body.contains("PullRequestList") {
            let nodes = lock.withLock { titles }.enumerated().map { i, title in
                #"{"number":\#(i + 1),"title":"\#(title)","state":"OPEN","url":"http://x/\#(i + 1)","headRefName":"b\#(i + 1)","headRepositoryOwner":{"login":"o"},"isCrossRepository":false,"isDraft":false,"createdAt":"2024-01-01T00:00:00Z"}"#
            }
            return .json(#"{"data":{"repository":{"pullRequests":{"totalCount":\#(nodes.count),"nodes":[\#(nodes.joined(separator: ","))],"pageInfo":{"hasNextPage":false,"endCursor":""}}}}}"#)
        }
        return .json(#"{"message":"Not Found"}"#, status: 404)
    }
}
