import Foundation
import Testing

@testable import CachewrapCore

/// Guards docker's scopes (see `DockerScope`): one daemon reached however it is named (`-H`,
/// `DOCKER_HOST`, a context, the config file's current context, the default socket) is one item,
/// two daemons are two, a mutation names the scope its reads name, and a call whose daemon
/// cachewrap cannot tell takes the whole area.
@Suite struct DockerScopeTests {
    /// The SHA-256 of "remote": where docker keeps that context's endpoint.
    static let remoteDigest = "b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a"
    static let local = Scope(area: "docker", item: "daemon:local")
    static let whole = Scope(area: "docker")

    /// The scope `decide` gives, with a HOME that has no docker config unless `env` names one.
    static func scope(_ argv: [String], _ env: [String: String] = [:]) -> Scope {
        var env = env
        env["HOME"] = env["HOME"] ?? "/nonexistent-cachewrap-home"
        return DockerPolicy.spec.decide(argv, environment: env).scope
    }

    static func daemon(_ name: String) -> Scope { Scope(area: "docker", item: "daemon:" + name) }

    @Test func oneDaemonHoweverItIsNamed() {
        let ps = ["ps"]
        #expect(Self.scope(ps) == Self.local, "the default socket")
        for host in ["unix:///var/run/docker.sock", "unix:///run/docker.sock", "unix://", "tcp://localhost:2375",
                     "tcp://127.0.0.1:2376", "tcp://[::1]:2375", " unix:///var/run/docker.sock "] {
            #expect(Self.scope(ps, ["DOCKER_HOST": host]) == Self.local, "\(host)")
            #expect(Self.scope(["-H", host] + ps) == Self.local, "-H \(host)")
        }
        let remote = Self.daemon("build.corp")
        for host in ["tcp://build.corp:2375", "tcp://BUILD.corp", "build.corp:2376", "ssh://me@build.corp",
                     "ssh://build.corp:22/"] {
            #expect(Self.scope(ps, ["DOCKER_HOST": host]) == remote, "\(host)")
        }
        #expect(Self.scope(["-Htcp://build.corp", "ps"]) == remote, "glued")
        #expect(Self.scope(["--host=tcp://build.corp", "ps"]) == remote)
        #expect(Self.scope(["-DHtcp://build.corp", "ps"]) == remote, "after a boolean in a cluster")
        let clustered = DockerPolicy.spec.decide(["-DH", "tcp://build.corp", "rm", "web"])
        #expect(clustered.commandClass == .passthrough && clustered.invalidates && clustered.scope == remote,
                "a cluster whose value is the next word hides the command: passed through, its daemon dropped")
        #expect(Self.scope(["-l", "debug", "--host", "tcp://build.corp", "ps"]) == remote)
    }

    @Test func differentDaemonsDiffer() {
        let a = Self.scope(["ps"], ["DOCKER_HOST": "tcp://a.corp:2375"])
        let b = Self.scope(["ps"], ["DOCKER_HOST": "tcp://b.corp:2375"])
        #expect(a != b && a != Self.local && b != Self.local)
        #expect(Self.scope(["-H", "tcp://b.corp", "ps"], ["DOCKER_HOST": "tcp://a.corp"]) == b, "-H wins over DOCKER_HOST")
    }

    /// A mutation drops exactly what its reads read, however each names the daemon.
    @Test func mutationsNameTheirReadsScope() {
        let env = ["DOCKER_HOST": "tcp://build.corp"]
        #expect(Self.scope(["rm", "web"], env) == Self.scope(["inspect", "web"], env))
        #expect(Self.scope(["-H", "tcp://build.corp:2375", "rm", "web"]) == Self.scope(["inspect", "web"], env))
        #expect(Self.scope(["run", "-it", "alpine"]) == Self.scope(["ps"]))
        #expect(Self.scope(["volume", "rm", "data"]) == Self.scope(["volume", "ls"]))
        #expect(DockerPolicy.spec.decide(["rm", "web"]).invalidates)
    }

    /// After the command word, `-H` and `--context` are the command's or the container's.
    @Test func onlyGlobalOptionsNameTheDaemon() {
        #expect(Self.scope(["run", "alpine", "env", "-H", "tcp://elsewhere"]) == Self.local)
        #expect(Self.scope(["exec", "web", "app", "--context", "remote"]) == Self.local)
    }

    /// Registries are no daemon's; contexts and compose projects may name any daemon.
    @Test func wholeAreaWhereTheDaemonCannotBeTold() {
        #expect(Self.scope(["search", "nginx"]) == Self.whole)
        #expect(Self.scope(["manifest", "inspect", "alpine"]) == Self.whole)
        #expect(Self.scope(["login", "registry.corp"]) == DockerScope.registries)
        #expect(Self.scope(["manifest", "push", "registry.corp/app"]) == DockerScope.registries)
        #expect(Self.scope(["context", "use", "remote"]) == Self.whole)
        #expect(Self.scope(["compose", "down"]) == Self.whole)
        #expect(Self.scope(["-H", "tcp://a", "-H", "tcp://b", "rm", "web"]) == Self.whole, "docker refuses two -H")
        #expect(Self.scope(["--context", "missing", "ps"]) == Self.whole, "a context with no endpoint file")
        #expect(Self.scope(["-H", "weird://x", "ps"]) == Self.whole)
    }

    /// Contexts: `--context`, `DOCKER_CONTEXT` and the config file's `currentContext` name the
    /// endpoint in the context's meta.json; `-H`/`DOCKER_HOST` mean the default context.
    @Test func contextsResolveToTheirEndpoint() throws {
        let temp = StoreTests.TempCache()
        let config = temp.root + "/docker"
        let meta = config + "/contexts/meta/" + Self.remoteDigest
        try FileManager.default.createDirectory(atPath: meta, withIntermediateDirectories: true)
        try Data(#"{"Name":"remote","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://build.corp:2375","SkipTLSVerify":false}}}"#
            .utf8).write(to: URL(fileURLWithPath: meta + "/meta.json"))
        let env = ["DOCKER_CONFIG": config]
        let remote = Self.daemon("build.corp")
        #expect(Self.scope(["--context", "remote", "ps"], env) == remote)
        #expect(Self.scope(["-c", "remote", "rm", "web"], env) == remote)
        #expect(Self.scope(["ps"], env.merging(["DOCKER_CONTEXT": "remote"]) { $1 }) == remote)
        #expect(Self.scope(["-H", "tcp://build.corp", "rm", "web"], env) == remote, "the same daemon by -H")
        #expect(Self.scope(["--config", config, "--context", "remote", "ps"]) == remote)
        #expect(Self.scope(["--context", "default", "ps"], env) == Self.local)

        func current(_ json: String) throws -> Scope {
            try Data(json.utf8).write(to: URL(fileURLWithPath: config + "/config.json"))
            return Self.scope(["ps"], env)
        }
        #expect(try current("{\n\t\"auths\": {},\n\t\"currentContext\": \"remote\"\n}") == remote)
        #expect(try current(#"{"CurrentContext": "remote"}"#) == remote, "Go matches keys ignoring case")
        #expect(try current(#"{"currentContext": "default"}"#) == Self.local)
        #expect(try current(#"{"auths": {"x": {"currentContext": "remote"}}}"#) == Self.local, "only the top level")
        #expect(try current(#"{"currentContext": "remote", "currentContext": ""}"#) == Self.local, "the last wins")
        #expect(try current(#"{"currentContext": "rem"#) == Self.whole, "unreadable: cannot tell")
        #expect(Self.scope(["ps"], env.merging(["DOCKER_HOST": "unix:///var/run/docker.sock"]) { $1 }) == Self.local,
                "DOCKER_HOST wins over the current context")
    }
}

/// The JSON reader behind docker's config and context files.
@Suite struct JSONLookupTests {
    static func lookup(_ json: String, _ path: [String]) -> JSONLookup.Answer {
        JSONLookup.string(at: path, in: Array(json.utf8))
    }

    @Test func findsStringsByPath() {
        let doc = #"{"a": [1, {"b": "x"}, true, null, -2.5e3], "b": {"c": "d\"\u00e9\ud83d\ude00\n"}}"#
        #expect(Self.lookup(doc, ["b", "c"]) == .string("d\"é😀\n"))
        #expect(Self.lookup(doc, ["b", "x"]) == .absent)
        #expect(Self.lookup(doc, ["a"]) == .unreadable, "an array where a string should be")
        #expect(Self.lookup(#"{"a": null}"#, ["a"]) == .absent)
        #expect(Self.lookup("{}", ["a"]) == .absent)
        #expect(Self.lookup(" { } ", ["a", "b"]) == .absent)
    }

    @Test func refusesWhatIsNotJSON() {
        for doc in ["", "{", #"{"a": "b""#, #"{"a" "b"}"#, #"{"a": "b"} x"#, #"{"a": "\q"}"#, "{\"a\": \"\u{1}\"}",
                    String(repeating: "[", count: 100_000)] {
            #expect(Self.lookup(doc, ["a"]) == .unreadable, "\(doc.prefix(20))")
        }
    }
}
