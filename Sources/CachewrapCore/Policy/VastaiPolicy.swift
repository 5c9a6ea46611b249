/// vastai rules (vastai 1.9, docs/architecture.md, Policies): every `show` (but the ones that print keys)
/// and the market searches are cached; everything else runs untouched. vastai exits 0 after an
/// HTTP error, so what it prints on stderr decides whether a run is stored, and it already
/// retries 429/502/503/504 three times itself, so one retry on top is enough.
///
/// Commands are `verb object` (`show instances`): vastai's parser glues the first two words
/// together. Global options (`--url`, `--api-key`, `--retry`) may come first, and argparse
/// accepts any unambiguous prefix of an option (`--api=KEY`, `--expl`).
public enum VastaiPolicy {
    /// First words that change something at Vast.ai or in the local setup (`set api-key`,
    /// `update` the CLI itself, `list machine` offers a host's machine for rent).
    static let mutatingVerbs: Set<String> = [
        "create", "destroy", "start", "stop", "reboot", "recycle", "update", "label", "launch", "execute", "copy",
        "set", "delete", "remove", "transfer", "tfa", "prepay", "change", "attach", "detach", "invite", "cancel",
        "clone", "cloud", "take", "run", "accept", "reject", "reset", "add", "list", "unlist", "schedule",
        "cleanup", "defrag", "join", "uninstall", "self-test",
    ]
    /// Commands without an object, so their operation is one word (`logs 4242` is `logs`).
    static let singleWordCommands: Set<String> = [
        "logs", "execute", "copy", "repl", "help", "uninstall", "reports", "ssh-url", "scp-url",
    ]
    /// What changes within a minute: instance state and logs.
    static let live: Set<String> = ["show instance", "show instances", "show instances-v1", "logs"]
    /// The offer market (`search instances` is a hidden alias of `search offers`).
    static let market: Set<String> = [
        "search offers", "search instances", "search templates", "search benchmarks", "search volumes",
    ]
    /// Global options that take a value and may come before the command.
    static let globalValueFlags: Set<String> = ["--url", "--retry", "--api-key"]
    /// `--explain` prints the request headers and `--curl` a curl command: both show the API key.
    static let revealingFlags = ["--explain", "--curl"]
    /// Shows that page through `less` on a terminal when the output is taller than the screen.
    static let paging: Set<String> = ["show instances", "show instances-v1", "show invoices-v1"]

    static let rules: [Rule] = [
        Rule(.all([.option(["--version"]), .custom { $0.words.isEmpty }]), .cacheable(.static), "vastai's version is static",
             operation: "version"),
        Rule(.any([.option(["--help", "-h"]), .operation(["help"])]), .cacheable(.static),
             "help text is static", operation: "help"),
        Rule(.custom { abbreviates($0, revealingFlags) }, .passthrough, "--explain and --curl print the API key"),
        // It may be a mutation (`destroy instance 5 -y --api=K`): the whole endpoint is dropped.
        Rule(.custom { abbreviates($0, globalValueFlags, strictly: true) }, .passthrough,
             "an abbreviated --url/--api-key/--retry: its value cannot be told apart or kept secret",
             invalidates: true),
        Rule(.operation(["show api-key", "show api-keys"]), .passthrough, "prints API keys: never stored"),
        Rule(.all([.operation(["show env-vars"]), .custom { $0.has("-s") || abbreviates($0, ["--show-values"]) }]),
             .passthrough, "-s prints the variables' secret values: never stored"),
        Rule(.operation(["repl"]), .interactive, "an interactive shell"),
        Rule(.all([.operation(["destroy instance", "destroy instances"]), .not(.flag(["-y", "--yes"]))]),
             .interactive, "asks for confirmation without -y", invalidates: true),
        Rule(.any([.all([.operation(["transfer credit"]), .not(.flag(["--skip"]))]),
                   .operation(["tfa delete", "tfa regen-codes"])]),
             .interactive, "asks for confirmation", invalidates: true),
        Rule(.operation(Set(mutatingVerbs.map { $0 + " *" })), .mutating, "changes state at Vast.ai or locally"),
        Rule(.all([.operation(paging), .not(.flag(["--raw", "--full", "-q", "--quiet"])), .stdoutIsTerminal]),
             .interactive, "on a terminal, long output is paged through less"),
        Rule(.all([.operation(["show invoices-v1"]), .not(.flag(["--raw"]))]), .interactive,
             "asks 'Fetch next page?' when there is one"),
        Rule(.operation(live), .cacheable(.live), "instance state and logs"),
        Rule(.operation(["show user"]), .cacheable(.identity), "who is logged in"),
        Rule(.operation(["show *"]), .cacheable(.metadata), "read-only account data"),
        Rule(.operation(market), .cacheable(.market), "the offer market moves within a minute"),
    ]

    /// Whether an argument names one of `flags` or, argparse-style, a prefix of one (`--expl`,
    /// `--api=KEY`). With `strictly`, the full name does not count (it is parsed normally).
    /// Matching too much only means passing through, never caching something unsafe.
    static func abbreviates(_ shape: ArgvShape, _ flags: some Collection<String>, strictly: Bool = false) -> Bool {
        shape.args.contains { arg in
            guard arg.hasPrefix("--"), arg.count > 2 else { return false }
            let name = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
            return flags.contains { $0.hasPrefix(name) && !(strictly && $0 == name) }
        }
    }

    public static var spec: PolicySpec {
        var spec = PolicySpec(tool: "vastai", rules: rules)
        spec.valueFlags = globalValueFlags
        spec.singleWordGroups = singleWordCommands
        // rich and the table printer size their output from COLUMNS when stdout is a pipe.
        spec.keyEnv = ["VAST_API_KEY", "VAST_URL", "XDG_CONFIG_HOME", "NO_COLOR", "COLUMNS"]
        spec.identityFiles = keyFiles
        // Its own flag, named as data: the standard table's word rules cover it too, but the
        // policy states what it knows rather than rely on them.
        spec.redaction.secretFlags.insert("--api-key")
        spec.failureMarkers = [OutputCheck(.stderr, "Failed with error"), OutputCheck(.stderr, #"{"error": true"#)]
        // An error without a status (a ValueError) is printed bare on stderr with exit 0 and no
        // stdout; a real answer always prints something.
        spec.emptyStdoutIsFailure = true
        spec.transient = ["Failed with error 429", "Failed with error 500", "Failed with error 502",
                          "Failed with error 503", "Failed with error 504", #""status_code": 429"#,
                          #""status_code": 500"#, #""status_code": 502"#, #""status_code": 503"#,
                          #""status_code": 504"#, "ConnectionError", "ReadTimeout", "ConnectTimeout"]
            .map { OutputCheck(.stderr, $0) }
        // The daily search quota: `... Resets at 2030-03-17 17:46 UTC.`
        spec.quota = [OutputCheck(.stderr, "Resets at ")]
        spec.retries = 1
        spec.scope = HubScope.vastai
        return spec
    }

    /// The saved API key and the 2FA session key (which vastai sends instead while it exists),
    /// under `$XDG_CONFIG_HOME/vastai` (when absolute, as the xdg package wants), else
    /// `~/.config/vastai`.
    static func keyFiles(_ invocation: Invocation) -> [String] {
        let xdg = invocation.environment["XDG_CONFIG_HOME"]
        let config = xdg.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? invocation.homeDirectory + "/.config"
        return [config + "/vastai/vast_api_key", config + "/vastai/vast_tfa_key"]
    }
}
