import Foundation
import Testing

// `cachewrap docker …` with the real docker client (28.x) against a fake Docker Engine on a Unix
// socket in the sandbox (docs/architecture.md, Real clients in tests): `DOCKER_HOST=unix://PATH`,
// and a fresh HOME and DOCKER_CONFIG, so the real ~/.docker is never read.
//
// Observed from docker 28.2.2 on this machine (every request carries `Host: api.moby.localhost`):
// - each run first sends `HEAD /_ping` and takes the API version from its `Api-Version` header
//   (1.47 here: `API version: 1.47 (downgraded from 1.50)`), then uses `/v1.47/...`;
// - `inspect web` → `GET /v1.47/containers/web/json`; on 404 it tries images, networks,
//   volumes, `/info` (for swarm objects) and plugins, then prints `[]` on stdout and
//   `Error: No such object: web` on stderr, exit 1;
// - `rm web` → `DELETE /v1.47/containers/web` (204), prints `web`;
// - `version` → `GET /v1.47/version`.

/// The container the fake engine holds until it is removed.
private let webContainer = #"{"Id":"4f66ad9a0b2e5d1c","Created":"2030-01-01T00:00:00Z","Path":"nginx","Args":[],"#
    + #""State":{"Status":"running","Running":true,"Pid":4242,"ExitCode":0},"Image":"sha256:be69","#
    + #""Name":"/web","RestartCount":0,"Config":{"Hostname":"4f66ad9a0b2e","Image":"nginx:1.27","#
    + #""Labels":{"app":"cachewrap-e2e"}},"NetworkSettings":{"IPAddress":"172.17.0.2"}}"#

/// A fake Docker Engine (API 1.47) at `<sandbox>/docker.sock` with one container, `web`, which
/// `DELETE` removes; every answer carries the headers a daemon sends.
private final class FakeEngine {
    let socket: String
    let server: FakeHTTPServer

    init(_ sb: TestSandbox) throws {
        socket = sb.root + "/docker.sock"
        let removed = Flag()
        server = try FakeHTTPServer(unixSocket: socket) { req in
            let path = req.path.split(separator: "?").first.map(String.init) ?? req.path
            let route = path.hasPrefix("/v1.") ? String(path.drop { $0 != "/" }.dropFirst().drop { $0 != "/" }) : path
            switch (req.method, route) {
            case ("HEAD", "/_ping"), ("GET", "/_ping"):
                return FakeEngine.answer(200, "OK", type: "text/plain; charset=utf-8")
            case ("GET", "/version"):
                return FakeEngine.answer(200, #"{"Version":"27.0.0","ApiVersion":"1.47","MinAPIVersion":"1.24","#
                                         + #""Os":"linux","Arch":"amd64","GoVersion":"go1.22","GitCommit":"e6534b4"}"#)
            case ("GET", "/containers/web/json") where !removed.isSet:
                return FakeEngine.answer(200, webContainer)
            case ("DELETE", "/containers/web") where !removed.isSet:
                removed.set()
                return FakeEngine.answer(204, "")
            default:
                return FakeEngine.answer(404, #"{"message":"No such object: web"}"#)
            }
        }
    }

    deinit { server.stop() }

    static func answer(_ status: Int, _ body: String, type: String = "application/json") -> FakeHTTPServer.Response {
        FakeHTTPServer.Response(status: status, headers: [
            ("Api-Version", "1.47"), ("Content-Type", type), ("Docker-Experimental", "false"), ("Ostype", "linux"),
            ("Server", "Docker/27.0.0 (linux)"),
        ], body: Array(body.utf8))
    }

    /// How many times the client asked for the container.
    var inspections: Int { server.requests.filter { $0.method == "GET" && $0.path.hasSuffix("/containers/web/json") }.count }
    var removals: Int { server.requests.filter { $0.method == "DELETE" }.count }
    var log: String { server.requests.map { "\($0.method) \($0.path)" }.joined(separator: "; ") }

    /// What a user sets to reach it, in a sandbox of its own.
    func environment(_ sb: TestSandbox) -> [String: String] {
        var env = sb.baseEnv()
        env["DOCKER_HOST"] = "unix://" + socket
        env["DOCKER_CONFIG"] = sb.home + "/.docker"
        return env
    }
}

/// A sandbox whose `bin` holds the real docker client, so cachewrap runs exactly it.
private func dockerSandbox(sourceLocation: SourceLocation = #_sourceLocation) throws -> (TestSandbox, String) {
    let docker = try TestSandbox.requireTool("docker", sourceLocation: sourceLocation)
    let sb = try TestSandbox()
    try FileManager.default.createSymbolicLink(atPath: sb.binDir + "/docker", withDestinationPath: docker)
    return (sb, docker)
}

@Suite("docker through cachewrap against a fake Docker Engine on a Unix socket")
struct DockerClientTests {
    @Test("inspect: the second call is a replay of exactly what docker prints alone, with no request")
    func inspectIsCached() throws {
        let (sb, docker) = try dockerSandbox()
        let engine = try FakeEngine(sb)
        let env = engine.environment(sb)

        let alone = try run(docker, ["inspect", "web"], env: env)
        let before = engine.inspections
        let calls = try TwoCalls(["docker", "inspect", "web"], env: env) { engine.inspections }

        #expect(alone.status == 0 && alone.stdoutText.contains(#""Name": "/web""#), "\(alone.stdoutText) \(alone.stderrText)")
        #expect(calls.first.stdout == alone.stdout && calls.first.stderr == alone.stderr && calls.first.status == alone.status,
                "through cachewrap: \(calls.first.stderrText)")
        #expect(calls.identical)
        #expect(calls.countAfterFirst == before + 1 && calls.countAfterSecond == calls.countAfterFirst, "\(engine.log)")
    }

    /// The removal runs (the engine sees the DELETE) and drops the answer it changes, named by
    /// `DOCKER_HOST` as the reads name it or by `-H`: one daemon, one scope.
    @Test("rm runs and the next inspect asks the engine again", arguments: [false, true])
    func removalDropsTheAnswer(byFlag: Bool) throws {
        let (sb, _) = try dockerSandbox()
        let engine = try FakeEngine(sb)
        let env = engine.environment(sb)
        var removalEnv = env
        if byFlag { removalEnv["DOCKER_HOST"] = nil }

        let calls = try TwoCalls(["docker", "inspect", "web"], env: env) { engine.inspections }
        let rm = try cachewrap(["docker"] + (byFlag ? ["-H", "unix://" + engine.socket] : []) + ["rm", "web"], env: removalEnv)
        let after = try cachewrap(["docker", "inspect", "web"], env: env)

        #expect(calls.identical && calls.countAfterSecond == 1, "\(engine.log)")
        #expect(rm.status == 0 && rm.stdoutText == "web\n", "\(rm.stdoutText) \(rm.stderrText)")
        #expect(engine.removals == 1, "\(engine.log)")
        #expect(engine.inspections == 2, "the answer from before the removal is not replayed: \(engine.log)")
        #expect(after.status == 1 && after.stderrText.contains("No such object: web"), "\(after.stdoutText) \(after.stderrText)")
    }
}
