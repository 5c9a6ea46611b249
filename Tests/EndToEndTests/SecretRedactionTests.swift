import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// Issue 11: a secret on the command line (a header, `-u user:pass`, URL userinfo or query, a
/// `--password`/`--token` flag, a `gh api` field) never reaches any file under the cache dir and
/// is never printed by `ls`, `show`, `explain` or `key`; it joins the key as a digest salted per
/// cache, so two secrets still key apart. The fake tools print a constant, never their argv: a
/// tool that echoes a secret stores it as output, which is the tool's business.
@Suite struct SecretRedactionTests {
    /// One call per way of passing a secret in argv, each with its own secrets.
    static let calls: [(args: [String], secrets: [String])] = [
        (["--", "curl", "-H", "Authorization: Bearer s3cr3t-bearer-01", "https://example.test/a"], ["s3cr3t-bearer-01"]),
        (["--", "curl", "-HX-Api-Key: s3cr3t-inline-02", "--header", "Cookie: session=s3cr3t-cookie-03",
          "--header=Proxy-Authorization: Basic s3cr3t-proxy-04", "https://example.test/b"],
         ["s3cr3t-inline-02", "s3cr3t-cookie-03", "s3cr3t-proxy-04"]),
        (["--", "curl", "-u", "alice:s3cr3t-pass-05", "https://example.test/c"], ["s3cr3t-pass-05"]),
        (["--", "curl", "https://bob:s3cr3t-userinfo-06@example.test/?access_token=s3cr3t-query-07&page=2"],
         ["s3cr3t-userinfo-06", "s3cr3t-query-07"]),
        (["--", "curl", "--password", "s3cr3t-flag-08", "--token=s3cr3t-flag-09", "https://example.test/d"],
         ["s3cr3t-flag-08", "s3cr3t-flag-09"]),
        (["gh", "api", "repos/o/r?access_token=s3cr3t-gh-10"], ["s3cr3t-gh-10"]),
        (["gh", "api", "-X", "GET", "repos/o/r/issues", "-f", "token=s3cr3t-gh-11"], ["s3cr3t-gh-11"]),
    ]

    /// A sandbox whose `curl` and `gh` print one line, whatever they are given.
    static func sandbox() throws -> TestSandbox {
        let sb = try TestSandbox()
        sb.writeTool("curl", script: "printf 'curl ok\\n'")
        sb.writeTool("gh", script: "printf 'gh ok\\n'")
        return sb
    }

    /// The CID and document `cachewrap key --json ARGS` prints, and the whole result.
    static func key(_ args: [String], env: [String: String], cwd: String,
                    stdin: [UInt8]? = nil) throws -> (cid: String, document: [String: Any], result: RunResult) {
        let result = try cachewrap(["key", "--json"] + args, env: env, cwd: cwd, stdin: stdin)
        #expect(result.status == 0, "key \(args): \(result.stderrText)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let text = try #require(json["document"] as? String)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return (try #require(json["cid"] as? String), document, result)
    }

    @Test func noSecretReachesTheCacheDirOrAnyOutput() throws {
        let sb = try Self.sandbox()
        let env = sb.baseEnv()
        var printed: [RunResult] = []
        for call in Self.calls {
            let first = try cachewrap(call.args, env: env, cwd: sb.home)
            let again = try cachewrap(call.args, env: env, cwd: sb.home)
            #expect(first.status == 0 && again.stdout == first.stdout, "\(call.args): \(first.stderrText)")
            let (cid, _, key) = try Self.key(call.args, env: env, cwd: sb.home)
            let show = try cachewrap(["show", cid, "--json"], env: env)
            #expect(show.status == 0, "the call was stored under the key `key` prints: \(show.stderrText)")
            printed += [first, again, key, show, try cachewrap(["explain"] + call.args, env: env, cwd: sb.home)]
        }
        #expect(sb.counter("curl") == 5 && sb.counter("gh") == 2, "each call ran once and then hit")
        let ls = try cachewrap(["ls"], env: env), lsJSON = try cachewrap(["ls", "--json"], env: env)
        printed += [ls, lsJSON]
        #expect(ls.stdoutText.contains("'Authorization: <redacted>'") && ls.stdoutText.contains("alice:<redacted>"),
                "the rest of the command line stays readable: \(ls.stdoutText)")
        #expect(FileManager.default.fileExists(atPath: sb.cacheDir + "/cache.db-wal"), "the WAL is scanned too")
        for secret in Self.calls.flatMap(\.secrets) {
            #expect(sb.cacheFiles(containing: secret).isEmpty, "\(secret) is stored in plain text")
            let leaks = printed.filter { $0.stdoutText.contains(secret) || $0.stderrText.contains(secret) }
            #expect(leaks.isEmpty, "\(secret) printed \(leaks.count) times: \(leaks.first.map { $0.stdoutText + $0.stderrText } ?? "")")
        }
    }

    @Test func twoSecretsKeyApartAndOneSecretKeysAlike() throws {
        let sb = try Self.sandbox()
        let env = sb.baseEnv()
        func call(_ token: String) -> [String] { ["--", "curl", "-H", "Authorization: Bearer \(token)", "https://example.test/"] }
        #expect(try cachewrap(call("token-one"), env: env, cwd: sb.home).status == 0)  // makes the cache and its salt
        let one = try Self.key(call("token-one"), env: env, cwd: sb.home)
        let oneAgain = try Self.key(call("token-one"), env: env, cwd: sb.home)
        let two = try Self.key(call("token-two"), env: env, cwd: sb.home)
        #expect(one.cid == oneAgain.cid && one.cid != two.cid)
        let argv = try #require(one.document["argv"] as? [Any])
        let header = try #require(argv[2] as? [String: String], "the secret argument is an object: \(argv)")
        #expect(header["redacted"] == "Authorization: <redacted>" && header["secret"]?.hasPrefix("sha256:") == true)
        #expect(try cachewrap(call("token-one"), env: env, cwd: sb.home).status == 0 && sb.counter("curl") == 1, "a hit")
        #expect(try cachewrap(call("token-two"), env: env, cwd: sb.home).status == 0 && sb.counter("curl") == 2, "a miss")
    }

    /// A fake tool that reads its stdin and prints a constant, so stdin is keyed but not stored.
    static func readerSandbox() throws -> TestSandbox {
        let sb = try TestSandbox()
        sb.writeTool("reader", script: "cat > /dev/null; printf 'read\\n'")
        return sb
    }

    @Test func theStdinDigestIsSaltedPerCache() throws {
        let stdin = Array("hunter2\n".utf8)
        var digests: [String] = []
        var salts: [[UInt8]] = []
        for _ in 0..<2 {
            let sb = try Self.readerSandbox()
            let run = try cachewrap(["--", "reader"], env: sb.baseEnv(), cwd: sb.home, stdin: stdin)
            #expect(run.status == 0 && run.stdoutText == "read\n", "\(run.stderrText)")
            let first = try Self.key(["--", "reader"], env: sb.baseEnv(), cwd: sb.home, stdin: stdin)
            let second = try Self.key(["--", "reader"], env: sb.baseEnv(), cwd: sb.home, stdin: stdin)
            #expect(first.cid == second.cid, "one cache, one salt: the same stdin keys alike")
            digests.append(try #require(first.document["stdin"] as? String))
            var st = stat()
            #expect(stat(sb.cacheDir + "/salt", &st) == 0 && st.st_mode & 0o777 == 0o600, "the salt file is 0600")
            let salt = try #require(FileManager.default.contents(atPath: sb.cacheDir + "/salt"))
            salts.append([UInt8](salt))
        }
        #expect(salts[0].count == 32 && salts[1].count == 32 && salts[0] != salts[1], "a random salt per cache")
        #expect(digests[0] != digests[1], "two caches, two salts: \(digests)")
        #expect(!digests.contains("sha256:" + Hex.encode(SHA256.hash(stdin))), "not the plain SHA-256 of stdin")
    }

    @Test func aKeyWithoutACacheIsProvisionalAndCreatesNothing() throws {
        let sb = try Self.readerSandbox()
        let salted = try Self.key(["--", "reader"], env: sb.baseEnv(), cwd: sb.home, stdin: Array("x".utf8))
        let json = try JSONSerialization.jsonObject(with: Data(salted.result.stdout)) as? [String: Any]
        #expect(json?["provisional"] as? Bool == true, "\(salted.result.stdoutText)")
        #expect(salted.result.stderrText.contains("provisional"), "\(salted.result.stderrText)")
        let plain = try Self.key(["--", "reader"], env: sb.baseEnv(), cwd: sb.home)
        let plainJSON = try JSONSerialization.jsonObject(with: Data(plain.result.stdout)) as? [String: Any]
        #expect(plainJSON?["provisional"] as? Bool == false, "nothing salted, nothing provisional")
        #expect(!FileManager.default.fileExists(atPath: sb.cacheDir), "key made no cache dir")
        let explain = try cachewrap(["explain", "--", "reader"], env: sb.baseEnv(), cwd: sb.home, stdin: Array("x".utf8))
        #expect((explain.stdoutText + explain.stderrText).contains("provisional"), "\(explain.stdoutText)")
    }
}
