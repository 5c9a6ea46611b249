import Foundation
import Testing

/// `cachewrap key --json` is the public face of the key recipe: anyone must be able to recompute
/// `cid` from `document` with other tools, and the document must never hold a secret.
@Suite struct KeyCommandTests {
    /// CIDv1 of `text` computed without cachewrap: coreutils' sha256sum for the digest, the
    /// multiformats prefix bytes (01 55 12 20) by printf, and coreutils' basenc for base32.
    static func independentCID(_ text: String, sandbox: TestSandbox) throws -> String {
        let file = sandbox.root + "/doc-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let script = """
            hex=$(sha256sum < "$1" | cut -c1-64)
            { printf '\\001\\125\\022\\040'; printf "$(printf '%s' "$hex" | sed 's/../\\\\x&/g')"; } \
              | basenc --base32 -w0 | tr 'A-Z' 'a-z' | tr -d '='
            """
        let result = try run("/bin/bash", ["-c", script, "cid", file], env: ["PATH": "/usr/bin:/bin"])
        return "b" + result.stdoutText
    }

    @Test(arguments: [
        ["gh", "api", "repos/o/r"],
        ["gh", "pr", "list", "-R", "o/r", "--json", "number,title"],
        ["gh", "api", "-X", "POST", "repos/o/r/issues", "-f", "title=x"],
        ["--", "ls", "-la", "naïve ünïcode", "tab\there"],
    ])
    func cidIsReproducibleFromTheDocument(args: [String]) throws {
        let sb = try TestSandbox()
        var env = sb.baseEnv()
        env["GH_TOKEN"] = "some-secret"
        let result = try cachewrap(["key", "--json"] + args, env: env, cwd: sb.home)
        #expect(result.status == 0, "\(result.stderrText)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let cid = try #require(json["cid"] as? String)
        let document = try #require(json["document"] as? String)
        #expect(cid.hasPrefix("bafkrei"))
        #expect(try Self.independentCID(document, sandbox: sb) == cid)
        #expect(json["class"] is String && json["cacheable"] is Bool && json["ttl_seconds"] is Int)
        #expect(!result.stdoutText.contains("some-secret"), "the key must not hold the token")
        // The document is canonical: parsing and re-serializing with sorted keys changes nothing.
        let reparsed = try JSONSerialization.jsonObject(with: Data(document.utf8))
        let again = try JSONSerialization.data(withJSONObject: reparsed, options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(String(decoding: again, as: UTF8.self) == document)
    }

    @Test func keyMatchesTheEntryARealCallStores() throws {
        let sb = try TestSandbox()
        sb.writeTool("gh", script: "echo hi")
        let env = sb.baseEnv()
        let key = try cachewrap(["key", "gh", "repo", "view", "o/r"], env: env, cwd: sb.home)
        let cid = String(key.stdoutText.split(separator: "\n").first ?? "")
        _ = try cachewrap(["gh", "repo", "view", "o/r"], env: env, cwd: sb.home)
        let shown = try cachewrap(["show", cid, "--stdout"], env: env)
        #expect(shown.status == 0 && shown.stdoutText == "hi\n")
        #expect(sb.counter("gh") == 1, "key runs nothing")
    }

    @Test func invalidUTF8ArgumentsKeyDistinctly() throws {
        let sb = try TestSandbox()
        // Bytes 0xff and 0xfe both decode to U+FFFD when repaired; their keys must still differ.
        let script = "\(try cachewrapBinary()) key -- printf \"$(printf 'x\\377')\"; \(try cachewrapBinary()) key -- printf \"$(printf 'x\\376')\""
        let result = try run("/bin/bash", ["-c", script], env: sb.baseEnv())
        let cids = result.stdoutText.split(separator: "\n").filter { $0.hasPrefix("bafkrei") }
        #expect(cids.count == 2 && cids[0] != cids[1], "\(result.stdoutText)")
    }
}
