/// The scope of a docker command (see `Scope`): one area, `docker`, with an item per machine a
/// daemon runs on (`daemon:local`, `daemon:build.corp`), found the way docker finds its daemon
/// (`DockerTarget`). Only the area can hold them all: a call whose daemon cachewrap cannot tell
/// (a context it cannot read, two `-H`) reads and changes the whole area, so a mutation there
/// drops every daemon's answers, and a read there is dropped by every mutation.
///
/// The item names a machine, not an address: every socket and loopback address is `local`,
/// so one daemon reached two ways (`unix:///var/run/docker.sock` and `/run/docker.sock`, or
/// `tcp://localhost:2375` where it listens on both) is one item. Two daemons on one machine
/// share it, which costs hits, never a stale answer; one machine under two names (a host and its
/// IP address) is the case cachewrap cannot tell.
///
/// Registries are no daemon's: `search` and `manifest inspect` read the whole area (any
/// daemon's push may change them), and what changes only registries or the client's login
/// (`login`, `manifest push`) is the item `registries`. Contexts name daemons and compose reads
/// `DOCKER_HOST` from a project's `.env`, which cachewrap does not read: their changes take the
/// whole area.
enum DockerScope {
    static let area = "docker"
    static let registries = Scope(area: area, item: "registries")
    static let registryReads: Set<String> = ["search", "manifest inspect"]
    static let registryChanges: Set<String> = ["login", "logout", "manifest create", "manifest annotate",
                                               "manifest push", "manifest rm"]

    static func of(_ shape: ArgvShape, _ invocation: Invocation) -> Scope {
        if registryReads.contains(shape.operation) || ["context", "compose"].contains(shape.words.first ?? "") {
            return Scope(area: area)
        }
        if registryChanges.contains(shape.operation) { return registries }
        return Scope(area: area, item: DockerTarget(invocation).machine(invocation).map { "daemon:" + $0 })
    }

    /// The machine a daemon address names (`-H`, `DOCKER_HOST`, a context's endpoint), nil for
    /// a kind of address cachewrap does not know. Read as docker reads it: no scheme is tcp, and
    /// no address at all is the default socket (or, under TLS, `tcp://localhost:2376`).
    static func machine(address: String) -> String? {
        let address = Substring(address).drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        let text = String(address)
        guard !text.isEmpty else { return "local" }
        guard let separator = text.firstRange(of: "://") else { return machine(authority: text[...]) }
        switch text[..<separator.lowerBound].lowercased() {
        case "unix", "npipe", "fd": return "local"
        case "tcp", "ssh", "http", "https": return machine(authority: text[separator.upperBound...])
        default: return nil
        }
    }

    /// `user@host:port/path` → the host, lowercased; `local` for a loopback name or address.
    private static func machine(authority text: Substring) -> String {
        var authority = text.prefix { $0 != "/" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host = authority.hasPrefix("[") ? authority.dropFirst().prefix { $0 != "]" } : authority.prefix { $0 != ":" }
        var name = host.lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        let loopback = name.isEmpty || name == "localhost" || name.hasSuffix(".localhost") || name.hasPrefix("127.")
            || ["::1", "0.0.0.0", "::", "0:0:0:0:0:0:0:1"].contains(name)
        return loopback ? "local" : name
    }
}

/// Which daemon a docker call talks to, and from which client config, found as docker's CLI
/// finds them (cli/command/cli.go): `--context`; else, when `-H` or `DOCKER_HOST` is given, the
/// default context; else `DOCKER_CONTEXT`; else the config file's `currentContext`; else the
/// default. The default context's daemon is `-H`, `DOCKER_HOST` or the default socket; a named
/// one's is in its `meta.json` under the config dir (`--config`, `DOCKER_CONFIG`, `~/.docker`).
struct DockerTarget {
    let configDirectory: String
    /// The context in use; nil when the config file is there but not JSON as cachewrap reads it.
    /// docker then warns and takes the default context, but a file that cachewrap misreads may be
    /// one docker reads: cachewrap cannot tell.
    let context: String?
    let hosts: [String]

    init(_ invocation: Invocation) {
        let env = invocation.environment.nonEmpty
        let globals = Self.globals(invocation.arguments).values
        hosts = globals["--host"] ?? []
        configDirectory = globals["--config"]?.last ?? env("DOCKER_CONFIG") ?? invocation.homeDirectory + "/.docker"
        if let named = globals["--context"]?.last {
            context = named
        } else if !hosts.isEmpty || env("DOCKER_HOST") != nil {
            context = "default"
        } else if let named = env("DOCKER_CONTEXT") {
            context = named
        } else {
            let config = invocation.read(configDirectory + "/config.json")
            switch config.map({ JSONLookup.string(at: ["currentContext"], in: $0) }) {
            case .string(let named) where !named.isEmpty: context = named
            case .unreadable: context = nil
            default: context = "default"
            }
        }
    }

    var configFile: String { configDirectory + "/config.json" }

    /// A named context's endpoint file: its directory is the SHA-256 of the name.
    var contextFile: String? {
        guard let context, context != "default" else { return nil }
        return configDirectory + "/contexts/meta/" + Hex.encode(SHA256.hash(Array(context.utf8))) + "/meta.json"
    }

    /// The machine of the daemon (see `DockerScope`), nil when cachewrap cannot tell.
    func machine(_ invocation: Invocation) -> String? {
        guard let context, hosts.count <= 1 else { return nil }
        guard let file = contextFile else {
            return DockerScope.machine(address: hosts.first ?? invocation.environment.nonEmpty("DOCKER_HOST") ?? "")
        }
        let endpoint = invocation.read(file).map { JSONLookup.string(at: ["Endpoints", "docker", "Host"], in: $0) }
        guard case .string(let host) = endpoint, !host.isEmpty else { return nil }
        return DockerScope.machine(address: host)
    }

    /// Global options taking a value; `-H`, `-c` and `-l` are their shorthands.
    static let globalValueFlags: Set<String> = ["--host", "--context", "--config", "--log-level", "--tlscacert",
                                                "--tlscert", "--tlskey"]
    static let globalShorthands: [Character: String] = ["H": "--host", "c": "--context", "l": "--log-level"]
    /// Global booleans that may come first in a cluster of shorthands (`-DH tcp://h`).
    static let globalBooleans: Set<Character> = ["D", "v", "h"]

    /// The values of the global options, read only before the command word: after it, `-H` or
    /// `--context` are the command's (or the container's: `docker run alpine env -H x`). Read as
    /// pflag reads them: `--host V`, `--host=V`, `-H V`, `-HV`, `-H=V`, `-DHV`. `clustered`: a
    /// cluster took the next word as its value (`-DH V`), which the argv's shape (that knows `-H`
    /// alone) reads as the command word.
    static func globals(_ args: [String]) -> (values: [String: [String]], clustered: Bool) {
        var values: [String: [String]] = [:]
        var clustered = false
        var i = 0
        func value(_ name: String, glued: Substring?) {
            if let glued { values[name, default: []].append(String(glued)) }
            else if i + 1 < args.count { i += 1; values[name, default: []].append(args[i]) }
        }
        while i < args.count, args[i].hasPrefix("-"), args[i] != "-", args[i] != "--" {
            let arg = args[i]
            if arg.hasPrefix("--") {
                let name = String(arg.prefix { $0 != "=" })
                if globalValueFlags.contains(name) { value(name, glued: name == arg ? nil : arg.dropFirst(name.count + 1)) }
            } else {
                var rest = arg.dropFirst()
                while let letter = rest.first {
                    rest = rest.dropFirst()
                    if let name = globalShorthands[letter] {
                        clustered = clustered || (rest.isEmpty && arg.count > 2)
                        value(name, glued: rest.isEmpty ? nil : rest.hasPrefix("=") ? rest.dropFirst() : rest)
                        break
                    }
                    guard globalBooleans.contains(letter), !rest.hasPrefix("=") else { break }
                }
            }
            i += 1
        }
        return (values, clustered)
    }
}
