import Foundation
import Testing

// `cachewrap vastai --url http://127.0.0.1:PORT …` with the real vastai 1.9 against a fake
// Vast.ai (docs/architecture.md, Real clients in tests), `VAST_API_KEY=…`, `VASTAI_NO_UPDATE_CHECK=1`.
//
// Observed from vastai 1.9.1 on this machine (every request carries `Authorization: Bearer <key>`):
// - `show instances` → `GET /api/v0/instances/filters/` (errors ignored), then
//   `GET /api/v1/instances/?select_filters=…&limit=25&select_cols=…`; rows need `start_date` and
//   `extra_env`; a rich table on stdout and `\r\e[K` on stderr.
// - `search offers` → `POST /api/v0/bundles/` with a JSON query; the answer must carry
//   `Content-Type: application/json` exactly, else vastai prints `invalid return Content-Type`.
// - `show user` → `GET /api/v0/users/current/`.
// - HTTP 429/502/503/504: vastai itself makes 3 attempts (0.15 s, then 0.225 s apart), then exits
//   0 with `Failed with error 503: <msg>` on stderr (`{"error": true, "status_code": 503, …}`
//   with --raw); 401 is not retried: `Failed with error 401: <msg>` plus a hint naming where the
//   key came from; the daily search quota (429, `"error": "search_quota_exceeded"`) is not
//   retried and ends `… Resets at 2030-03-17 17:46 UTC.`; a refused connection ends, after 3
//   attempts, in a traceback naming `requests.exceptions.ConnectionError` (exit 1).

/// JSON with exactly `Content-Type: application/json`, which vastai's `search offers` insists on.
private func vastJSON(_ text: String, status: Int = 200) -> FakeHTTPServer.Response {
    FakeHTTPServer.Response(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
}

/// A fake Vast.ai: one instance, one offer, one user, or `status` for every request.
private func fakeVast(status: Int = 200) throws -> FakeHTTPServer {
    try FakeHTTPServer { req in
        if status != 200 { return vastJSON(#"{"success":false,"msg":"upstream down"}"#, status: status) }
        if req.path.hasPrefix("/api/v1/instances/") {
            return vastJSON(#"{"instances":[{"id":4242,"machine_id":7,"actual_status":"running","#
                            + #""label":"trainer","gpu_name":"RTX 4090","num_gpus":1,"dph_total":0.4,"#
                            + #""image_uuid":"pytorch/pytorch","start_date":1700000000.0,"extra_env":[]}],"#
                            + #""total_instances":1}"#)
        }
        if req.method == "POST" && req.path.hasPrefix("/api/v0/bundles/") {
            return vastJSON(#"{"offers":[{"id":101,"ask_contract_id":101,"machine_id":7,"host_id":9,"#
                            + #""gpu_name":"RTX 4090","num_gpus":1,"dph_total":0.3,"reliability2":0.99,"#
                            + #""cuda_max_good":12.4,"gpu_ram":24000,"cpu_ram":64000,"disk_space":100,"#
                            + #""inet_up":100,"inet_down":100,"geolocation":"US","dlperf":50,"#
                            + #""dlperf_per_dphtotal":100,"verification":"verified","direct_port_count":10,"#
                            + #""duration":86400,"pcie_bw":20,"cpu_cores_effective":8,"score":1,"#
                            + #""driver_version":"550","rentable":true}]}"#)
        }
        if req.path.hasPrefix("/api/v0/users/current") {
            return vastJSON(#"{"id":1,"username":"tester","email":"u@example.com","credit":10.5}"#)
        }
        return vastJSON(#"{"success":false,"msg":"not found"}"#, status: 404)
    }
}

/// The environment a user would set; the server is named with `--url` in argv.
private func vastEnv(_ sb: TestSandbox, key: String = "x") -> [String: String] {
    var env = sb.baseEnv()
    env["VAST_API_KEY"] = key
    env["VASTAI_NO_UPDATE_CHECK"] = "1"
    return env
}

@Suite("vastai through cachewrap against a fake Vast.ai")
struct VastaiClientTests {
    @Test("show instances and search offers: the second call is a replay, with no request at all",
          arguments: [(["show", "instances"], "trainer"), (["search", "offers"], "RTX_4090")])
    func readsAreCached(command: [String], needle: String) throws {
        let sb = try PythonClient.vastai.sandbox()
        let server = try fakeVast()
        defer { server.stop() }

        let calls = try TwoCalls(["vastai", "--url", "http://127.0.0.1:\(server.port)"] + command, env: vastEnv(sb)) {
            server.requests.count
        }

        #expect(calls.first.status == 0 && calls.first.stdoutText.contains(needle),
                "\(calls.first.stdoutText) \(calls.first.stderrText)")
        #expect(calls.identical)
        #expect(calls.countAfterFirst >= 1 && calls.countAfterSecond == calls.countAfterFirst,
                "\(requestLog(server.requests))")
    }

    @Test("a new VAST_API_KEY asks again; the old key still hits")
    func keyIsPartOfTheKey() throws {
        let sb = try PythonClient.vastai.sandbox()
        let server = try fakeVast()
        defer { server.stop() }
        let args = ["vastai", "--url", "http://127.0.0.1:\(server.port)", "search", "offers"]
        func searches() -> [String] {
            server.requests.filter { $0.path.hasPrefix("/api/v0/bundles/") }.map { $0.header("Authorization") ?? "" }
        }

        let x1 = try cachewrap(args, env: vastEnv(sb, key: "key-x"))
        let y1 = try cachewrap(args, env: vastEnv(sb, key: "key-y"))
        let x2 = try cachewrap(args, env: vastEnv(sb, key: "key-x"))

        #expect(x1.status == 0 && y1.status == 0 && x2.status == 0, "\(x1.stderrText) \(y1.stderrText)")
        #expect(searches() == ["Bearer key-x", "Bearer key-y"], "\(requestLog(server.requests))")
        #expect(x2.stdout == x1.stdout)
    }

    @Test("HTTP 503 (exit 0, `Failed with error 503`) is not stored: the next call asks again")
    func serverErrorIsNotStored() throws {
        let sb = try PythonClient.vastai.sandbox()
        let server = try fakeVast(status: 503)
        defer { server.stop() }

        // vastai makes 3 attempts per run and cachewrap may run it again: count runs, not requests.
        let calls = try TwoCalls(["vastai", "--url", "http://127.0.0.1:\(server.port)", "search", "offers"],
                                 env: vastEnv(sb)) { server.requestCount(pathPrefix: "/api/v0/bundles/") }

        for run in [calls.first, calls.second] {
            #expect(run.status == 0, "vastai exits 0 after an HTTP error")
            #expect(run.stderrText.contains("Failed with error 503: upstream down"), "stderr: \(run.stderrText)")
        }
        #expect(calls.countAfterFirst >= 3 && calls.countAfterFirst % 3 == 0, "\(requestLog(server.requests))")
        #expect(calls.countAfterSecond - calls.countAfterFirst >= 3, "vastai ran again: \(requestLog(server.requests))")
        #expect(try sb.storedEntries(sb.baseEnv()) == 0)
    }

    @Test("--api-key in argv: cached, but its value is stored only as a digest")
    func apiKeyFlagIsSecret() throws {
        let sb = try PythonClient.vastai.sandbox()
        let server = try fakeVast()
        defer { server.stop() }
        let secret = "argv-secret-4711"
        let args = ["vastai", "--url", "http://127.0.0.1:\(server.port)", "--api-key", secret, "show", "user"]

        let calls = try TwoCalls(args, env: vastEnv(sb)) { server.requests.count }

        #expect(calls.first.status == 0 && calls.first.stdoutText.contains("tester"), "\(calls.first.stderrText)")
        #expect(calls.identical && calls.countAfterSecond == calls.countAfterFirst, "\(requestLog(server.requests))")
        let sent = Set(server.requests.map { $0.header("Authorization") })
        #expect(sent == ["Bearer \(secret)"], "the flag wins over VAST_API_KEY")
        #expect(sb.cacheFiles(containing: secret).isEmpty)
        let ls = try cachewrap(["ls", "--json"], env: sb.baseEnv())
        #expect(ls.stdoutText.contains("show user") && !ls.stdoutText.contains(secret), "ls: \(ls.stdoutText)")
    }
}
