import Foundation
import Testing

// `cachewrap kubectl …` with the real kubectl against a fake API server on 127.0.0.1
// (docs/architecture.md, Real clients in tests), named by a kubeconfig in the sandbox
// (`KUBECONFIG=<sandbox>/kubeconfig`, server `http://127.0.0.1:PORT`, a bearer token) and a fresh
// HOME, so kubectl's discovery cache (`~/.kube/cache`) is the test's own.
//
// Observed from kubectl 1.32 (the google-cloud-sdk dispatcher, which asks `/version?timeout=5s`
// first to pick its kubectl) on the first call: `GET /api`, `GET /apis` (asking for aggregated
// discovery, answered here with the plain lists), `GET /api/v1`, then
// `GET /api/v1/namespaces/default/pods?limit=500` asking for a Table (`Accept:
// application/json;as=Table;v=v1;g=meta.k8s.io,...,application/json`); a plain PodList is
// printed as `NAME AGE`. Later calls take discovery from the disk cache. `get secrets -o yaml`
// asks for JSON and prints the data's base64 as the server sent it. `delete pod NAME` sends
// `DELETE /api/v1/namespaces/default/pods/NAME`, then GETs the pod until it is gone (a 404).

/// A fake API server with one pod per namespace and one secret whose value is `secretValue`.
private func fakeCluster() throws -> FakeHTTPServer {
    try FakeHTTPServer { req in
        let parts = req.path.prefix { $0 != "?" }.split(separator: "/").map(String.init)
        // `/api/v1/namespaces/NS/KIND[/NAME]`: the namespace, and what follows it.
        let ns = parts.count >= 5 && parts.starts(with: ["api", "v1", "namespaces"]) ? parts[3] : nil
        let rest = Array(parts.dropFirst(4))
        switch (req.method, ns == nil ? parts : rest) {
        case ("GET", ["version"]):
            return .json(#"{"major":"1","minor":"32","gitVersion":"v1.32.0","platform":"linux/amd64"}"#)
        case ("GET", ["api"]):
            return .json(#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}"#)
        case ("GET", ["apis"]):
            return .json(#"{"kind":"APIGroupList","apiVersion":"v1","groups":[]}"#)
        case ("GET", ["api", "v1"]):
            return .json(#"{"kind":"APIResourceList","groupVersion":"v1","resources":["#
                + #"{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list","delete"],"#
                + #""shortNames":["po"]},{"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret","#
                + #""verbs":["get","list"]}]}"#)
        case ("GET", ["pods"]) where ns != nil:
            return .json(#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[{"metadata":"#
                + #"{"name":"web-1","namespace":"\#(ns!)","creationTimestamp":"2024-01-01T00:00:00Z"},"#
                + #""status":{"phase":"Running"}}]}"#)
        case ("GET", ["secrets"]) where ns != nil:
            return .json(#"{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[{"metadata":"#
                + #"{"name":"db","namespace":"\#(ns!)"},"type":"Opaque","data":{"password":"\#(secretBase64)"}}]}"#)
        case ("DELETE", _) where ns != nil && rest.count == 2 && rest[0] == "pods":
            return .json(#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"\#(rest[1])","namespace":"\#(ns!)"}}"#)
        default:
            // Also the GET of a deleted pod, which kubectl repeats until it is gone.
            return .json(#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}"#,
                         status: 404)
        }
    }
}

private let secretValue = "kubectl-e2e-s3cr3t-4711"
private let secretBase64 = Data(secretValue.utf8).base64EncodedString()
private let token = "kubeconfig-token-0815"

/// The fake API server, a sandbox whose kubeconfig points at it, and the environment that
/// names that file. The sandbox (and with it the kubeconfig) lives as long as this does.
private struct Cluster {
    let server: FakeHTTPServer
    let sb: TestSandbox
    let env: [String: String]

    init() throws {
        try TestSandbox.requireTool("kubectl")
        server = try fakeCluster()
        sb = try TestSandbox()
        env = try kubeconfig(sb, port: server.port)
    }
}

/// Writes the sandbox's kubeconfig; the environment that names it.
private func kubeconfig(_ sb: TestSandbox, port: Int) throws -> [String: String] {
    let kubeconfig = sb.root + "/kubeconfig"
    try """
        apiVersion: v1
        kind: Config
        clusters:
        - cluster:
            server: http://127.0.0.1:\(port)
          name: fake
        contexts:
        - context:
            cluster: fake
            user: tester
          name: fake
        current-context: fake
        users:
        - name: tester
          user:
            token: \(token)

        """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
    var env = sb.baseEnv()
    env["KUBECONFIG"] = kubeconfig
    return env
}

/// Requests for `path` (without the query), by method.
private func requests(_ server: FakeHTTPServer, _ method: String, _ path: String) -> Int {
    server.requests.filter { $0.method == method && $0.path.prefix { $0 != "?" } == path }.count
}

@Suite("kubectl through cachewrap against a fake API server")
struct KubectlClientTests {
    @Test("two `get pods`: the second is a replay, and the pods are asked for once")
    func getPodsIsCached() throws {
        let cluster = try Cluster()
        defer { cluster.server.stop() }
        let (server, sb, env) = (cluster.server, cluster.sb, cluster.env)

        let calls = try TwoCalls(["kubectl", "get", "pods"], env: env) {
            requests(server, "GET", "/api/v1/namespaces/default/pods")
        }

        #expect(calls.first.status == 0 && calls.first.stdoutText.contains("web-1"),
                "\(calls.first.stdoutText) \(calls.first.stderrText) \(requestLog(server.requests))")
        #expect(calls.identical)
        #expect(calls.countAfterFirst == 1 && calls.countAfterSecond == 1, "\(requestLog(server.requests))")
        #expect(sb.cacheFiles(containing: token).isEmpty, "the kubeconfig's token is keyed as a digest only")
        let ls = try cachewrap(["ls", "--json"], env: sb.baseEnv())
        #expect(ls.stdoutText.contains("kubectl:http://127.0.0.1:\(server.port)"), "the cluster's scope: \(ls.stdoutText)")
    }

    @Test("`get secrets -o yaml` reaches the server every time and leaves no byte of the secret in the cache")
    func secretsAreNeverStored() throws {
        let cluster = try Cluster()
        defer { cluster.server.stop() }
        let (server, sb, env) = (cluster.server, cluster.sb, cluster.env)

        let calls = try TwoCalls(["kubectl", "get", "secrets", "-o", "yaml"], env: env) {
            requests(server, "GET", "/api/v1/namespaces/default/secrets")
        }

        for run in [calls.first, calls.second] {
            #expect(run.status == 0 && run.stdoutText.contains(secretBase64), "\(run.stdoutText) \(run.stderrText)")
        }
        #expect(calls.countAfterFirst == 1 && calls.countAfterSecond == 2, "\(requestLog(server.requests))")
        #expect(sb.cacheFiles(containing: secretBase64).isEmpty)
        #expect(sb.cacheFiles(containing: secretValue).isEmpty)
        #expect(try sb.storedEntries(sb.baseEnv()) == 0)
    }

    @Test("`delete pod` runs (the server sees the DELETE) and the next `get pods` asks again")
    func deleteDropsTheNamespacesAnswers() throws {
        let cluster = try Cluster()
        defer { cluster.server.stop() }
        let (server, env) = (cluster.server, cluster.env)
        let pods = { requests(server, "GET", "/api/v1/namespaces/default/pods") }

        let first = try TwoCalls(["kubectl", "get", "pods"], env: env, counting: pods)
        let delete = try cachewrap(["kubectl", "delete", "pod", "web-1"], env: env)
        let after = try cachewrap(["kubectl", "get", "pods"], env: env)

        #expect(first.countAfterSecond == 1, "the second get was a replay: \(requestLog(server.requests))")
        #expect(delete.status == 0 && delete.stdoutText.contains("deleted"), "\(delete.stdoutText) \(delete.stderrText)")
        #expect(requests(server, "DELETE", "/api/v1/namespaces/default/pods/web-1") == 1)
        #expect(after.status == 0 && pods() == 2, "\(requestLog(server.requests))")
    }

    @Test("a delete in namespace b leaves namespace a's answer; one in a drops it")
    func namespacesAreItems() throws {
        let cluster = try Cluster()
        defer { cluster.server.stop() }
        let (server, env) = (cluster.server, cluster.env)
        let podsInA = { requests(server, "GET", "/api/v1/namespaces/a/pods") }
        let getA = ["kubectl", "get", "pods", "-n", "a"]

        let first = try cachewrap(getA, env: env)
        let deleteB = try cachewrap(["kubectl", "delete", "pod", "web-1", "-n", "b"], env: env)
        let afterB = try cachewrap(getA, env: env)
        let countAfterB = podsInA()
        let deleteA = try cachewrap(["kubectl", "delete", "pod", "web-1", "-n", "a"], env: env)
        _ = try cachewrap(getA, env: env)

        #expect(first.status == 0 && deleteB.status == 0 && deleteA.status == 0, "\(deleteB.stderrText) \(deleteA.stderrText)")
        #expect(afterB.stdout == first.stdout && countAfterB == 1, "b's change kept a's answer: \(requestLog(server.requests))")
        #expect(podsInA() == 2, "a's change dropped it: \(requestLog(server.requests))")
    }
}
