import Foundation
import Testing

/// The Python clients the real-client tests drive (docs/architecture.md, Real clients in tests): `hf` (huggingface_hub
/// 2.x), the legacy `huggingface-cli` (huggingface_hub < 1.0, a separate venv because 1.0 removed
/// it) and `vastai` (1.9). They are found on the test process's PATH; `.ci/run` appends its venvs'
/// `bin` directories, main venv first, so `hf` is the 2.x one even though the legacy venv has an
/// `hf` too.
enum PythonClient: String {
    case hf
    case huggingfaceCLI = "huggingface-cli"
    case vastai

    /// A fresh sandbox with this client in its `bin`, so cachewrap resolves exactly this client on
    /// the sandbox's PATH (a link is enough: venv scripts name their interpreter by absolute
    /// path). Skips the test when the client is missing, fails it under `CACHEWRAP_TEST_STRICT=1`.
    func sandbox(sourceLocation: SourceLocation = #_sourceLocation) throws -> TestSandbox {
        let path = try TestSandbox.requireTool(rawValue, sourceLocation: sourceLocation)
        let sb = try TestSandbox()
        try FileManager.default.createSymbolicLink(atPath: sb.binDir + "/" + rawValue, withDestinationPath: path)
        return sb
    }
}

extension TestSandbox {
    /// How many entries `cachewrap ls --json` lists (nil, with an issue, when it is not a JSON array).
    func storedEntries(_ env: [String: String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Int? {
        let ls = try cachewrap(["ls", "--json"], env: env)
        let entries = try? JSONSerialization.jsonObject(with: Data(ls.stdout)) as? [Any]
        if entries == nil {
            Issue.record("ls --json (exit \(ls.status)): \(ls.stdoutText) \(ls.stderrText)", sourceLocation: sourceLocation)
        }
        return entries?.count
    }

    /// Files under the cache directory (the database, its WAL, outputs, locks) whose bytes
    /// contain `secret`: a secret must only ever be stored as a digest.
    func cacheFiles(containing secret: String) -> [String] {
        let needle = Data(secret.utf8)
        let files = FileManager.default.enumerator(atPath: cacheDir)?.compactMap { $0 as? String } ?? []
        return files.filter { rel in
            FileManager.default.contents(atPath: cacheDir + "/" + rel)?.range(of: needle) != nil
        }
    }
}

/// A request log as one line per request (method, path, Authorization), for failure messages.
func requestLog(_ requests: [FakeHTTPServer.Request]) -> String {
    requests.map { "\($0.method) \($0.path) [\($0.header("Authorization") ?? "-")]" }.joined(separator: "; ")
}

/// One cachewrap call made twice, and what a counter (requests the fake server saw) read after
/// each: a replay leaves the counter where the first call left it.
struct TwoCalls {
    let first: RunResult
    let second: RunResult
    let countAfterFirst: Int
    let countAfterSecond: Int

    init(_ args: [String], env: [String: String], counting count: () -> Int = { 0 }) throws {
        first = try cachewrap(args, env: env)
        countAfterFirst = count()
        second = try cachewrap(args, env: env)
        countAfterSecond = count()
    }

    /// Both calls printed the same bytes on both streams and exited alike.
    var identical: Bool { first.stdout == second.stdout && first.stderr == second.stderr && first.status == second.status }
}
