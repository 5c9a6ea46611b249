import Foundation
import Testing

/// What the agent suites (`LLMWrapTests`, `CodexWrapTests`) share: a committed work tree whose
/// edits the workspace fingerprint must see, and the check that an empty answer is never stored.
extension TestSandbox {
    /// A git repository at `root/name` holding `files` (path: text), all committed. Skips the
    /// test when git is missing (fails it under CACHEWRAP_TEST_STRICT=1).
    func committedRepository(_ name: String, files: [String: String],
                             sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let git = try TestSandbox.requireTool("git", sourceLocation: sourceLocation)
        let repo = root + "/" + name
        for (path, text) in files {
            let file = repo + "/" + path
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        var env = baseEnv()
        for (k, v) in ["GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                       "GIT_COMMITTER_EMAIL": "t@example.com"] { env[k] = v }
        for args in [["init", "-q"], ["add", "."], ["commit", "-qm", "init"]] {
            let r = try run(git, args, env: env, cwd: repo)
            #expect(r.status == 0, "git \(args): \(r.stderrText)", sourceLocation: sourceLocation)
        }
        return repo
    }

    /// `cachewrap ARGV` against a fake agent that prints nothing and exits 0 when FAKE_EMPTY is
    /// set: such a run is not stored (twice, two runs), and the next real answer is.
    func expectEmptyAnswersNotStored(_ argv: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let tool = argv[0]
        var env = baseEnv()
        env["FAKE_EMPTY"] = "1"
        for _ in 0..<2 {
            let r = try cachewrap(argv, env: env, cwd: home)
            #expect(r.status == 0 && r.stdout.isEmpty, sourceLocation: sourceLocation)
        }
        #expect(counter(tool) == 2, "an empty answer is not stored", sourceLocation: sourceLocation)
        _ = try cachewrap(argv, env: baseEnv(), cwd: home)
        let hit = try cachewrap(argv, env: baseEnv(), cwd: home)
        #expect(counter(tool) == 3 && !hit.stdout.isEmpty, "a real answer is stored", sourceLocation: sourceLocation)
    }
}
