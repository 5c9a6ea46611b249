/// How cachewrap treats one invocation (docs/architecture.md, The path of one call): what a
/// rule decides and what a decision carries. A cacheable call has a TTL class and no other does.
public enum CommandClass: Sendable, Equatable {
    /// Keyed, looked up, replayed or run and stored, fresh for the TTL class's time.
    case cacheable(TTLClass)
    /// Prompts, TUIs, watch modes: exec'd untouched.
    case interactive
    /// Changes remote state: never served or retried; exec'd.
    case mutating
    /// Idempotent but not worth storing (downloads): run with retry, nothing stored.
    case uncached
    /// Unknown or unsafe to cache (tokens, browsers): exec'd untouched.
    case passthrough

    /// How `explain`, `key --json` and messages name it.
    public var name: String {
        switch self {
        case .cacheable: "cacheable"
        case .interactive: "interactive"
        case .mutating: "mutating"
        case .uncached: "uncached"
        case .passthrough: "passthrough"
        }
    }

    public var isCacheable: Bool { ttlClass != nil }

    /// The TTL class of a cacheable class; nil for the others.
    public var ttlClass: TTLClass? {
        guard case .cacheable(let ttl) = self else { return nil }
        return ttl
    }
}

/// How long a class of result stays fresh (docs/architecture.md, Policies).
public enum TTLClass: String, Sendable {
    case `static`, identity, metadata, live, market, prompt, command
    /// Resource usage (`kubectl top`): the metrics server samples every 15 seconds by default,
    /// so an answer is at most about one sample old.
    case metrics
    /// A container engine's objects, by how fast they change without a command that cachewrap
    /// sees: images and manifests (pulled, built, pushed), containers and the lists of what
    /// runs (a container exits by itself), volumes (made and removed by hand).
    case image, container, volume

    public var seconds: Int64 {
        switch self {
        case .static: 86_400
        case .identity: 600
        case .metadata, .prompt: 3600
        case .live: 60
        case .market: 30
        case .command: 600
        case .metrics: 15
        case .image: 1800
        case .container: 30
        case .volume: 300
        }
    }
}

/// What else, besides argv and the allowlisted environment, the output depends on.
public enum KeyContext: String, Sendable {
    case none
    /// The working directory (generic commands: `ls`, `make -n`...).
    case cwd
    /// The git repository around the working directory: its remotes and checked-out branch.
    case repository
    /// The working directory and the state of its work tree (commit, branch, uncommitted
    /// changes): what an LLM agent reads when it answers.
    case workspace
}

/// A policy's decision on one invocation, with the reason `explain` shows.
public struct Decision: Sendable, Equatable {
    public var commandClass: CommandClass
    public var reason: String
    /// A short name for what is run ("pr list", "api"), for `ls`, `rm --op` and stats.
    public var operation: String
    /// The TTL class's seconds, or the config file's override for this operation.
    public var ttlSeconds: Int64 = TTLClass.live.seconds
    /// Replay a hit older than this and refresh it in the background (config; `--stale` wins).
    public var staleSeconds: Int64?
    /// Retries on top of the tool's own, for transient failures.
    public var retries = 0
    /// Drop the answers of `scope` before running (and after, for a command cachewrap waits
    /// for): the command may change what they show.
    public var invalidates = false
    /// What the answer depends on (cacheable) or what the command changes (invalidating).
    public var scope: Scope
    public var keyEnv: [String] = []
    /// Files whose content digest joins the key (e.g. gh's hosts.yml: who is logged in).
    public var identityFiles: [String] = []
    public var context: KeyContext = .none
    /// Whether stdin that carries data is read, hashed into the key and fed to the tool.
    public var keysStdin = false
    /// Where secrets hide in the argv (`-H "Authorization: ..."`, `--token X`, URL userinfo):
    /// the policy's table, read by the key (salted digests) and the display (`<redacted>`).
    public var redaction = RedactionTable.standard
    /// Whether an expired answer can be renewed by asking the server instead of a full run.
    public var revalidation = Revalidation.unsupported

    public init(_ commandClass: CommandClass, _ reason: String, operation: String) {
        self.commandClass = commandClass
        self.reason = reason
        self.operation = operation
        scope = .tool("")
    }

    public var isCacheable: Bool { commandClass.isCacheable }
    /// The cacheable class's TTL class; nil for the others.
    public var ttlClass: TTLClass? { commandClass.ttlClass }
}
