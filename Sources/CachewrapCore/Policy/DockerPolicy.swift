/// docker rules (the docker CLI 28, docs/architecture.md, Policies): what reads the daemon's
/// objects (`inspect`, `ps`, `images`, `volume ls`, `info`, `version`) and the registries
/// (`search`, `manifest inspect`) is cached by how fast it changes; everything that starts,
/// stops, builds, pulls, removes or switches the daemon is a mutation of its scope (`DockerScope`);
/// what attaches the terminal to a container or streams until interrupted is interactive.
/// Commands are one word (`ps`) or a group and a verb (`image ls`); global options (`-H`,
/// `--context`) come first, and shorthands cluster (`DockerFlags`).
///
/// docker prints errors on stderr and exits 1 (a missing object, a daemon it cannot reach), so
/// a failure is never stored; only registry hiccups, which reach it through the daemon (`search`)
/// or directly (`manifest inspect`), are worth another try: an unreachable daemon is not.
public enum DockerPolicy {
    /// Top-level commands of one word (`docker ps`, `docker rm web`); the others are groups.
    static let singleWordCommands: Set<String> = [
        "attach", "build", "commit", "cp", "create", "deploy", "diff", "events", "exec", "export", "help", "history",
        "images", "import", "info", "inspect", "kill", "load", "login", "logout", "logs", "pause", "port", "ps",
        "pull", "push", "rename", "restart", "rm", "rmi", "run", "save", "search", "start", "stats", "stop", "tag",
        "top", "unpause", "update", "version", "wait",
    ]
    /// One-word commands that change the daemon or the client's login. `wait` changes nothing but
    /// returns when containers have stopped: what was cached before it is out of date.
    static let mutatingCommands: Set<String> = [
        "build", "commit", "cp", "create", "deploy", "exec", "import", "kill", "load", "logout", "pause", "pull",
        "push", "rename", "restart", "rm", "rmi", "run", "start", "stop", "tag", "unpause", "update", "wait",
    ]
    /// Groups whose verbs below change something; `compose`, `buildx` and `swarm` are all changes.
    static let groups: Set<String> = [
        "builder", "checkpoint", "config", "container", "context", "image", "manifest", "network", "node", "plugin",
        "secret", "service", "stack", "system", "trust", "volume",
    ]
    static let mutatingVerbs: Set<String> = [
        "annotate", "build", "commit", "connect", "cp", "create", "demote", "deploy", "disable", "disconnect", "down",
        "enable", "exec", "import", "install", "key", "kill", "load", "pause", "promote", "prune", "pull", "push",
        "remove", "rename", "restart", "revoke", "rm", "rollback", "run", "scale", "set", "sign", "signer", "start",
        "stop", "tag", "unpause", "up", "update", "upgrade", "use", "wait",
    ]
    /// compose commands that only read: not cached (a project's files are not in the key), but
    /// no reason to drop answers either.
    static let composeReads: Set<String> = [
        "compose config", "compose images", "compose logs", "compose ls", "compose port", "compose ps",
        "compose top", "compose version",
    ]
    static let images: Set<String> = ["image inspect", "images", "image ls", "image list"]
    /// Containers, and lists that show them: `network inspect` names the containers attached.
    static let containers: Set<String> = [
        "ps", "container ls", "container list", "container ps", "container inspect", "network inspect", "network ls",
        "network list", "info", "system info",
    ]
    static let volumes: Set<String> = ["volume inspect", "volume ls", "volume list"]

    /// Global options taking a value (`DockerTarget.globals`), then the commands' own that may
    /// stand before a command word (compose's `-f`, `-p`; buildx's `--builder`), before `--help`
    /// or before `run`'s `-d` (a value taken for the image hides a `-d` after it: interactive).
    static let valueFlags: Set<String> = DockerTarget.globalValueFlags.union([
        "-H", "-c", "-l", "--format", "-f", "--filter", "--type", "--limit", "-n", "--tail", "--since", "--until",
        "-p", "--project-name", "--file", "--profile", "--env-file", "--project-directory", "--ansi", "--progress",
        "--parallel", "--builder", "-u", "--username", "--password", "--name", "-e", "--env", "--network",
        "--platform", "-v", "--volume", "--mount", "-w", "--workdir", "--user", "--entrypoint", "--label",
        "--hostname", "--restart",
    ])

    static let rules: [Rule] = [
        // It may be a mutation (`docker -DH tcp://h rm web`): its daemon is dropped first.
        Rule(.custom { DockerTarget.globals($0.args).clustered }, .passthrough,
             "a global shorthand cluster taking the next word (-DH V): the command cannot be told", invalidates: true),
        Rule(.all([.option(["--version", "-v"]), .custom { $0.words.isEmpty }]), .cacheable(.static),
             "the client's version is static", operation: "version"),
        Rule(.custom(DockerFlags.asksHelp), .cacheable(.static), "help text is static", operation: "help"),
        Rule(.all([.operation(["run", "container run", "exec", "container exec"]), .custom(DockerFlags.attachesTerminal)]),
             .interactive, "-i/-t attach the terminal to the container", invalidates: true),
        Rule(.any([.all([.operation(["start", "container start"]), .custom(DockerFlags.attachesToStart)]),
                   .operation(["attach", "container attach", "compose attach", "compose watch"]),
                   .all([.operation(["compose up"]), .not(.flag(["-d", "--detach", "--wait"]))]),
                   .all([.operation(["compose run", "compose exec"]), .not(.custom(DockerFlags.detached))])]),
             .interactive, "attaches the terminal to containers", invalidates: true),
        Rule(.operation(["login"]), .interactive, "may ask for a password", invalidates: true),
        Rule(.any([.all([.operation(["logs", "container logs", "service logs", "compose logs"]),
                         .custom(DockerFlags.follows)]),
                   .operation(["events", "system events", "compose events"]),
                   .all([.operation(["stats", "container stats", "compose stats"]), .not(.flag(["--no-stream"]))])]),
             .interactive, "streams until interrupted"),
        Rule(.operation(composeReads), .passthrough, "reads a compose project: not cached"),
        Rule(.any([.operation(["compose *", "buildx *", "swarm *"]), .operation(mutatingCommands),
                   .all([.operation(Set(groups.map { $0 + " *" })), .verb(mutatingVerbs)])]),
             .mutating, "changes the daemon, a registry or which daemon the client reaches"),
        Rule(.all([.operation(["inspect"]), .flagValue("--type", ["image"])]), .cacheable(.image), "an image's metadata"),
        Rule(.all([.operation(["inspect"]), .flagValue("--type", ["volume"])]), .cacheable(.volume), "a volume"),
        Rule(.operation(["inspect"]), .cacheable(.container), "an object's state, a container's unless --type says"),
        Rule(.operation(images), .cacheable(.image), "image metadata: changes on pull, build, tag, push and rmi"),
        Rule(.operation(DockerScope.registryReads), .cacheable(.image), "a registry's image metadata"),
        Rule(.operation(containers), .cacheable(.container), "container state: a container may stop by itself"),
        Rule(.operation(volumes), .cacheable(.volume), "volumes change when made or removed"),
        Rule(.operation(["version"]), .cacheable(.metadata), "the client's and the daemon's versions"),
    ]

    public static var spec: PolicySpec {
        var spec = PolicySpec(tool: "docker", rules: rules)
        spec.valueFlags = valueFlags
        spec.singleWordGroups = singleWordCommands
        spec.keyEnv = [
            "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_TLS", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH",
            "DOCKER_API_VERSION", "DOCKER_HIDE_LEGACY_COMMANDS", "DOCKER_CLI_HINTS",
        ]
        // Who is logged in to which registry (auths, credential helpers) and the current context;
        // a named context's endpoint: `context update` points one name at another daemon.
        spec.identityFiles = { invocation in
            let target = DockerTarget(invocation)
            return [target.configFile] + (target.contextFile.map { [$0] } ?? [])
        }
        spec.scope = DockerScope.of
        // Registry errors through the daemon (`Error response from daemon: Get "https://...":
        // net/http: TLS handshake timeout`) and from `manifest inspect`. Not `i/o timeout`: it is
        // also what an unreachable tcp daemon says, and a dead daemon is not worth waiting for.
        spec.transient = ["TLS handshake timeout", "Client.Timeout exceeded", "502 Bad Gateway",
                          "503 Service Unavailable", "504 Gateway Timeout"].map { OutputCheck(.stderr, $0) }
        // Docker Hub's rate limit: it resets in hours.
        spec.quota = [OutputCheck(.stderr, "toomanyrequests")]
        spec.retries = 2
        return spec
    }
}
