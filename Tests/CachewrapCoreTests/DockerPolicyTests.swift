import Foundation
import Testing

@testable import CachewrapCore

/// Guards the docker policy (docs/architecture.md, Policies): every read the design caches with
/// its TTL class, the commands that attach a terminal (with docker's clustered shorthands), the
/// mutations, the global options whose values must never be read as a command word, and
/// `--help` placed where it belongs to the container's command instead of docker's.
@Suite struct DockerPolicyTests {
    static let cases: [PolicyCase] = [
        // Reads, by TTL class.
        .cache(["inspect", "web"], "inspect", .container),
        .cache(["inspect", "-f", "{{.State.Status}}", "web"], "inspect", .container),
        .cache(["inspect", "--format", "{{json .}}", "rm"], "inspect", .container),
        .cache(["inspect", "--type", "image", "nginx"], "inspect", .image),
        .cache(["inspect", "--type=volume", "data"], "inspect", .volume),
        .cache(["image", "inspect", "nginx:1.27"], "image inspect", .image),
        .cache(["container", "inspect", "web"], "container inspect", .container),
        .cache(["volume", "inspect", "data"], "volume inspect", .volume),
        .cache(["network", "inspect", "bridge"], "network inspect", .container),
        .cache(["images"], "images", .image),
        .cache(["images", "--format", "{{.Repository}}"], "images", .image),
        .cache(["image", "ls", "-f", "dangling=true"], "image ls", .image),
        .cache(["image", "list"], "image list", .image),
        .cache(["ps"], "ps", .container),
        .cache(["ps", "-a", "--filter", "status=exited", "--format", "{{.Names}}"], "ps", .container),
        .cache(["container", "ls"], "container ls", .container),
        .cache(["container", "list", "-q"], "container list", .container),
        .cache(["container", "ps"], "container ps", .container),
        .cache(["volume", "ls"], "volume ls", .volume),
        .cache(["volume", "list"], "volume list", .volume),
        .cache(["network", "ls"], "network ls", .container),
        .cache(["network", "list"], "network list", .container),
        .cache(["version"], "version", .metadata),
        .cache(["version", "--format", "{{.Server.Version}}"], "version", .metadata),
        .cache(["info"], "info", .container),
        .cache(["system", "info"], "system info", .container),
        .cache(["manifest", "inspect", "alpine:3.20"], "manifest inspect", .image),
        .cache(["search", "nginx", "--limit", "5"], "search", .image),
        .cache(["--version"], "version", .static),
        .cache(["-v"], "version", .static),
        .cache(["--help"], "help", .static),
        .cache(["ps", "--help"], "help", .static),
        .cache(["run", "--help"], "help", .static),
        .cache(["image", "prune", "--help"], "help", .static),
        .cache(["help", "run"], "help", .static),
        // Global options before the command: their values are no command word.
        .cache(["-H", "tcp://10.0.0.5:2375", "ps"], "ps", .container),
        .cache(["-Htcp://10.0.0.5:2375", "ps"], "ps", .container),
        .cache(["--host=unix:///run/docker.sock", "images"], "images", .image),
        .cache(["--context", "remote", "inspect", "web"], "inspect", .container),
        .cache(["-c", "remote", "volume", "ls"], "volume ls", .volume),
        .cache(["--config", "/tmp/cfg", "version"], "version", .metadata),
        .cache(["-l", "debug", "info"], "info", .container),
        .cache(["--log-level", "error", "image", "ls"], "image ls", .image),
        .cache(["--tlsverify", "--tlscacert", "ca.pem", "--tlscert", "c.pem", "--tlskey", "k.pem", "ps"], "ps", .container),
        .cache(["-D", "-H", "tcp://h", "network", "ls"], "network ls", .container),
        // Attached to the terminal (clusters, long names, `=false`, detached).
        .never(.interactive, ["run", "-it", "alpine", "sh"], "run"),
        .never(.interactive, ["run", "-ti", "alpine"], "run"),
        .never(.interactive, ["run", "-i", "-t", "alpine"], "run"),
        .never(.interactive, ["run", "--interactive", "--tty", "alpine"], "run"),
        .never(.interactive, ["run", "--rm", "-itp", "8080:80", "nginx"], "run"),
        .never(.interactive, ["run", "-i", "alpine", "cat"], "run"),
        .never(.interactive, ["run", "-it", "alpine", "ls", "-d"], "run"),
        .never(.interactive, ["run", "-it", "alpine", "sh", "--help"], "run"),
        .never(.interactive, ["--context", "remote", "container", "run", "-it", "alpine"], "container run"),
        .never(.interactive, ["exec", "-it", "web", "sh"], "exec"),
        .never(.interactive, ["container", "exec", "-ti", "web", "bash"], "container exec"),
        .never(.interactive, ["start", "-ai", "web"], "start"),
        .never(.interactive, ["attach", "web"], "attach"),
        .never(.interactive, ["container", "attach", "web"], "container attach"),
        .never(.interactive, ["login"], "login"),
        .never(.interactive, ["login", "-u", "me", "--password-stdin", "registry.corp"], "login"),
        .never(.interactive, ["logs", "-f", "web"], "logs"),
        .never(.interactive, ["logs", "--follow", "web"], "logs"),
        .never(.interactive, ["logs", "-tf", "web"], "logs"),
        .never(.interactive, ["container", "logs", "-f", "web"], "container logs"),
        .never(.interactive, ["events"], "events"),
        .never(.interactive, ["system", "events", "--since", "1h"], "system events"),
        .never(.interactive, ["stats"], "stats"),
        .never(.interactive, ["container", "stats", "web"], "container stats"),
        .never(.interactive, ["compose", "up"], "compose up"),
        .never(.interactive, ["compose", "-f", "dev.yml", "-p", "proj", "up", "--build"], "compose up"),
        .never(.interactive, ["compose", "run", "--rm", "app", "sh"], "compose run"),
        .never(.interactive, ["compose", "exec", "app", "sh"], "compose exec"),
        .never(.interactive, ["compose", "logs", "-f"], "compose logs"),
        // Mutations.
        .never(.mutating, ["run", "-itd", "nginx"], "run"),
        .never(.mutating, ["run", "-dit", "nginx"], "run"),
        .never(.mutating, ["run", "--name", "web", "-d", "-it", "nginx"], "run"),
        .never(.mutating, ["run", "--detach", "--interactive", "--tty", "nginx"], "run"),
        .never(.mutating, ["run", "--interactive=false", "--tty=0", "alpine", "echo", "hi"], "run"),
        .never(.mutating, ["run", "--rm", "alpine", "echo", "--help"], "run"),
        .never(.mutating, ["run", "--name", "--help", "alpine"], "run"),
        .never(.mutating, ["exec", "web", "touch", "/x"], "exec"),
        .never(.mutating, ["exec", "-d", "-it", "web", "sh"], "exec"),
        .never(.mutating, ["start", "web"], "start"),
        .never(.mutating, ["build", "-t", "app", "."], "build"),
        .never(.mutating, ["pull", "nginx"], "pull"),
        .never(.mutating, ["push", "registry.corp/app:1"], "push"),
        .never(.mutating, ["rm", "-f", "web"], "rm"),
        .never(.mutating, ["rmi", "nginx"], "rmi"),
        .never(.mutating, ["stop", "web"], "stop"),
        .never(.mutating, ["kill", "web"], "kill"),
        .never(.mutating, ["tag", "app", "app:1"], "tag"),
        .never(.mutating, ["create", "-it", "alpine"], "create"),
        .never(.mutating, ["load", "-i", "app.tar"], "load"),
        .never(.mutating, ["import", "fs.tar"], "import"),
        .never(.mutating, ["commit", "web", "snap"], "commit"),
        .never(.mutating, ["cp", "f.txt", "web:/f.txt"], "cp"),
        .never(.mutating, ["rename", "web", "web2"], "rename"),
        .never(.mutating, ["restart", "web"], "restart"),
        .never(.mutating, ["pause", "web"], "pause"),
        .never(.mutating, ["unpause", "web"], "unpause"),
        .never(.mutating, ["update", "--memory", "1g", "web"], "update"),
        .never(.mutating, ["wait", "web"], "wait"),
        .never(.mutating, ["logout"], "logout"),
        .never(.mutating, ["compose", "up", "-d"], "compose up"),
        .never(.mutating, ["compose", "--file", "dev.yml", "up", "--detach"], "compose up"),
        .never(.mutating, ["compose", "run", "-d", "app"], "compose run"),
        .never(.mutating, ["compose", "down"], "compose down"),
        .never(.mutating, ["compose", "build"], "compose build"),
        .never(.mutating, ["system", "prune", "-af"], "system prune"),
        .never(.mutating, ["image", "rm", "nginx"], "image rm"),
        .never(.mutating, ["image", "prune", "-a"], "image prune"),
        .never(.mutating, ["image", "tag", "a", "b"], "image tag"),
        .never(.mutating, ["image", "pull", "nginx"], "image pull"),
        .never(.mutating, ["container", "rm", "web"], "container rm"),
        .never(.mutating, ["container", "run", "alpine", "true"], "container run"),
        .never(.mutating, ["container", "prune"], "container prune"),
        .never(.mutating, ["volume", "rm", "data"], "volume rm"),
        .never(.mutating, ["volume", "create", "data"], "volume create"),
        .never(.mutating, ["volume", "prune", "-f"], "volume prune"),
        .never(.mutating, ["network", "create", "net"], "network create"),
        .never(.mutating, ["network", "rm", "net"], "network rm"),
        .never(.mutating, ["network", "connect", "net", "web"], "network connect"),
        .never(.mutating, ["network", "disconnect", "net", "web"], "network disconnect"),
        .never(.mutating, ["buildx", "build", "--builder", "b", "."], "buildx build"),
        .never(.mutating, ["builder", "prune"], "builder prune"),
        .never(.mutating, ["context", "use", "remote"], "context use"),
        .never(.mutating, ["context", "create", "remote", "--docker", "host=tcp://h"], "context create"),
        .never(.mutating, ["manifest", "push", "registry.corp/app:1"], "manifest push"),
        .never(.mutating, ["swarm", "join-token", "worker"], "swarm join-token"),
        .never(.mutating, ["-H", "tcp://h", "rm", "web"], "rm"),
        // Neither cached nor changing anything.
        .never(.passthrough, ["logs", "web"], "logs"),
        .never(.passthrough, ["stats", "--no-stream"], "stats"),
        .never(.passthrough, ["top", "web"], "top"),
        .never(.passthrough, ["history", "nginx"], "history"),
        .never(.passthrough, ["save", "-o", "x.tar", "nginx"], "save"),
        .never(.passthrough, ["system", "df"], "system df"),
        .never(.passthrough, ["context", "ls"], "context ls"),
        .never(.passthrough, ["compose", "ps"], "compose ps"),
        .never(.passthrough, ["scout", "cves", "nginx"], "scout cves"),
        .never(.passthrough, ["-DH", "tcp://h", "ps"]),
        .never(.passthrough, []),
    ]

    @Test(arguments: cases) func classifies(_ c: PolicyCase) { c.check(DockerPolicy.spec) }

    @Test func tableIsLargeEnough() { #expect(Self.cases.count >= 25) }

    /// `run -it` both attaches the terminal and changes the daemon: its scope is dropped first.
    @Test func interactiveRunsInvalidate() {
        for argv in [["run", "-it", "alpine"], ["exec", "-it", "web", "sh"], ["start", "-ai", "web"], ["compose", "up"],
                     ["attach", "web"], ["login"]] {
            #expect(DockerPolicy.spec.decide(argv).invalidates, "\(argv)")
        }
        for argv in [["logs", "-f", "web"], ["events"], ["stats"]] {
            #expect(!DockerPolicy.spec.decide(argv).invalidates, "\(argv) changes nothing")
        }
    }

    @Test func keyInputs() {
        let d = DockerPolicy.spec.decide(["ps"], environment: ["HOME": "/h"])
        for name in ["DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH",
                     "DOCKER_API_VERSION"] {
            #expect(d.keyEnv.contains(name), "missing \(name)")
        }
        #expect(d.identityFiles == ["/h/.docker/config.json"])
        #expect(DockerPolicy.spec.decide(["ps"], environment: ["HOME": "/h", "DOCKER_CONFIG": "/c"]).identityFiles
                == ["/c/config.json"])
        #expect(DockerPolicy.spec.decide(["--config", "/f", "ps"], environment: ["DOCKER_CONFIG": "/c"]).identityFiles
                == ["/f/config.json"], "--config wins over DOCKER_CONFIG")
        let named = DockerPolicy.spec.decide(["--context", "remote", "ps"], environment: ["DOCKER_CONFIG": "/c"])
        #expect(named.identityFiles == ["/c/config.json", "/c/contexts/meta/\(DockerScopeTests.remoteDigest)/meta.json"],
                "a named context's endpoint is in the key")
        #expect(d.retries == 2)
    }

    @Test func onlyRegistryHiccupsAreRetried() {
        let spec = DockerPolicy.spec
        func kind(_ stderr: String) -> FailureClass { spec.classify(finishedRun(1, stderr: stderr)) }
        #expect(kind(#"Error response from daemon: Get "https://index.docker.io/v1/search?q=x&n=25": net/http: TLS handshake timeout"#)
                .isTransient)
        #expect(kind("Error response from daemon: received unexpected HTTP status: 503 Service Unavailable").isTransient)
        #expect(kind("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
                == .permanent)
        #expect(kind(#"error during connect: Get "http://10.0.0.5:2375/v1.47/containers/json": dial tcp 10.0.0.5:2375: i/o timeout"#)
                == .permanent, "an unreachable daemon is not worth waiting for")
        #expect(kind("Error: No such object: web") == .permanent)
        #expect(kind("toomanyrequests: You have reached your pull rate limit.") == .quota)
        #expect(spec.isStorable(finishedRun(0, stdout: "CONTAINER ID   IMAGE\n")))
        #expect(spec.isStorable(finishedRun(0)), "an empty `ps -q` is an answer")
        #expect(!spec.isStorable(finishedRun(1, stdout: "[]\n", stderr: "Error: No such object: nope\n")))
    }
}
