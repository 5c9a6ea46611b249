import Foundation
import Testing

// `cachewrap hf …` and `cachewrap huggingface-cli …` with the real clients against a fake Hub
// (docs/architecture.md, Real clients in tests): `HF_ENDPOINT=http://127.0.0.1:PORT`, `HF_HUB_DISABLE_UPDATE_CHECK=1`.
//
// Observed from huggingface_hub 2.4 (`hf`) on this machine:
// - every run first asks `GET /api/agent-harnesses` (no token; a 404 is fine), then
//   `hf models info gpt2` → `GET /api/models/gpt2`, `hf auth whoami` → `GET /api/whoami-v2`, both
//   with `Authorization: Bearer <HF_TOKEN>`;
// - HTTP errors exit 1 with `Error: Server error '503 Service Unavailable' for url '…'`,
//   `Error: 429 Too Many Requests for url: …`, `Error: Client error '401 Unauthorized' …` on
//   stderr; a refused connection ends in a traceback naming `httpx2.ConnectError`.
// From huggingface_hub 0.36 (`huggingface-cli`): a deprecation warning on stdout, then `whoami`
// prints the user name (exit 0), `Not logged in` without a token (exit 0, no request), and HTTP
// errors on stdout (`503 Server Error: Service Unavailable for url: …`, `429 Client Error: Too Many
// Requests …`) with exit 1.

/// A fake Hub: who the token belongs to (`hf_alpha` is user `user-alpha`, so two tokens get two
/// answers and the token itself never appears in an answer), one model, 404 for everything else.
private func fakeHub(status: Int = 200) throws -> FakeHTTPServer {
    try FakeHTTPServer { req in
        if status != 200 { return .json(#"{"error":"Service Unavailable"}"#, status: status) }
        let token = req.header("Authorization")?.replacingOccurrences(of: "Bearer ", with: "") ?? ""
        if req.path.hasPrefix("/api/whoami-v2") {
            guard !token.isEmpty else { return .json(#"{"error":"Invalid credentials"}"#, status: 401) }
            return .json(#"{"type":"user","name":"user-\#(token.dropFirst(3))","fullname":"Test","email":"t@example.com","#
                         + #""emailVerified":true,"isPro":false,"orgs":[],"auth":{"type":"access_token","#
                         + #""accessToken":{"displayName":"t","role":"read"}}}"#)
        }
        if req.path.hasPrefix("/api/models/gpt2") {
            return .json(#"{"_id":"1","id":"openai-community/gpt2","modelId":"openai-community/gpt2","#
                         + #""author":"openai-community","sha":"607a30d783dfa663caf39e06633721c8d4cfcd7e","#
                         + #""private":false,"disabled":false,"gated":false,"downloads":7,"likes":3,"#
                         + #""tags":["transformers"],"pipeline_tag":"text-generation","#
                         + #""createdAt":"2022-03-02T23:29:04.000Z","siblings":[{"rfilename":"config.json"}]}"#)
        }
        return .json(#"{"error":"Not Found"}"#, status: 404)
    }
}

/// The environment a user would set to point hf at the fake Hub; HF_HOME is the sandbox's own.
private func hubEnv(_ sb: TestSandbox, _ server: FakeHTTPServer, token: String?) -> [String: String] {
    var env = sb.baseEnv()
    env["HF_ENDPOINT"] = "http://127.0.0.1:\(server.port)"
    env["HF_HUB_DISABLE_UPDATE_CHECK"] = "1"
    env["HF_HUB_DISABLE_TELEMETRY"] = "1"
    env["HF_HOME"] = sb.root + "/hf-home"
    env["HF_TOKEN"] = token
    return env
}

@Suite("hf and huggingface-cli through cachewrap against a fake Hub")
struct HFClientTests {
    @Test("hf models info: the second call is a replay, with no request at all")
    func modelsInfoIsCached() throws {
        let sb = try PythonClient.hf.sandbox()
        let server = try fakeHub()
        defer { server.stop() }

        let calls = try TwoCalls(["hf", "models", "info", "gpt2"], env: hubEnv(sb, server, token: "hf_alpha")) {
            server.requests.count
        }

        #expect(calls.first.status == 0, "first: \(calls.first.stderrText)")
        #expect(calls.first.stdoutText.contains("openai-community/gpt2"), "stdout: \(calls.first.stdoutText)")
        #expect(calls.identical)
        #expect(calls.countAfterSecond == calls.countAfterFirst, "a hit runs nothing: \(requestLog(server.requests))")
        let models = server.requests.filter { $0.path.hasPrefix("/api/models/gpt2") }
        #expect(models.map { $0.header("Authorization") } == ["Bearer hf_alpha"], "\(requestLog(server.requests))")
    }

    @Test("hf auth whoami is cached per token: a new HF_TOKEN asks again, the old one still hits")
    func whoamiIsKeyedOnTheToken() throws {
        let sb = try PythonClient.hf.sandbox()
        let server = try fakeHub()
        defer { server.stop() }
        let alpha = hubEnv(sb, server, token: "hf_alpha"), beta = hubEnv(sb, server, token: "hf_beta")
        func whoamis() -> Int { server.requestCount(pathPrefix: "/api/whoami-v2") }

        let a = try TwoCalls(["hf", "auth", "whoami"], env: alpha, counting: whoamis)
        #expect(a.first.status == 0 && a.first.stdoutText.contains("user-alpha"),
                "\(a.first.stdoutText) \(a.first.stderrText)")
        #expect(a.identical && a.countAfterSecond == 1, "\(requestLog(server.requests))")

        let b = try cachewrap(["hf", "auth", "whoami"], env: beta)
        #expect(b.status == 0 && b.stdoutText.contains("user-beta"), "b: \(b.stdoutText) \(b.stderrText)")
        #expect(whoamis() == 2, "\(requestLog(server.requests))")

        let again = try cachewrap(["hf", "auth", "whoami"], env: alpha)
        #expect(again.stdout == a.first.stdout && whoamis() == 2)
        #expect(sb.cacheFiles(containing: "hf_alpha").isEmpty, "HF_TOKEN is stored only as a digest")
    }

    @Test("hf: an HTTP 503 exits 1 and is not stored, so the next call asks again")
    func serverErrorIsNotStored() throws {
        let sb = try PythonClient.hf.sandbox()
        let server = try fakeHub(status: 503)
        defer { server.stop() }
        var env = hubEnv(sb, server, token: "hf_alpha")
        env["CACHEWRAP_RETRIES"] = "0"

        let calls = try TwoCalls(["hf", "models", "info", "gpt2"], env: env) {
            server.requestCount(pathPrefix: "/api/models/gpt2")
        }

        #expect(calls.first.status == 1 && calls.first.stderrText.contains("Server error '503"), "\(calls.first.stderrText)")
        #expect(calls.second.status == 1)
        #expect(calls.countAfterFirst >= 1 && calls.countAfterSecond > calls.countAfterFirst,
                "\(requestLog(server.requests))")
        #expect(try sb.storedEntries(env) == 0)
    }

    @Test("huggingface-cli whoami: `Not logged in` (exit 0) is never stored; a real answer is")
    func legacyNotLoggedInIsNotStored() throws {
        let sb = try PythonClient.huggingfaceCLI.sandbox()
        let server = try fakeHub()
        defer { server.stop() }

        let anonymous = try TwoCalls(["huggingface-cli", "whoami"], env: hubEnv(sb, server, token: nil))
        #expect(anonymous.first.status == 0 && anonymous.first.stdoutText.contains("Not logged in"),
                "\(anonymous.first.stdoutText) \(anonymous.first.stderrText)")
        #expect(anonymous.identical)
        #expect(try sb.storedEntries(sb.baseEnv()) == 0)

        let signedIn = try TwoCalls(["huggingface-cli", "whoami"], env: hubEnv(sb, server, token: "hf_alpha")) {
            server.requestCount(pathPrefix: "/api/whoami-v2")
        }
        #expect(signedIn.first.status == 0 && signedIn.first.stdoutText.contains("user-alpha"),
                "\(signedIn.first.stdoutText) \(signedIn.first.stderrText)")
        #expect(signedIn.identical && signedIn.countAfterSecond == 1, "\(requestLog(server.requests))")
        #expect(try sb.storedEntries(sb.baseEnv()) == 1)
    }
}
