/// kubectl rules (kubectl 1.32, docs/architecture.md, Policies): reads of the cluster (`get`,
/// `describe`, `top`, discovery) are cached by TTL class, each in its cluster's and namespace's
/// scope (`KubectlScope`); anything that may print a secret's value, watch, attach, stream or
/// change the cluster or the kubeconfig runs untouched.
///
/// Commands are one word (`get pods`: the operation is `get`), or a group and its verb
/// (`rollout restart`, `config use-context`, `create deployment`, `top pod`). kubectl exits
/// non-zero on every error, so the exit code alone decides what is stored.
public enum KubectlPolicy {
    /// Commands of one word, followed by resources, names or options.
    static let singleWordCommands: Set<String> = [
        "get", "describe", "explain", "delete", "edit", "logs", "exec", "attach", "port-forward", "proxy", "cp",
        "run", "expose", "scale", "autoscale", "label", "annotate", "patch", "replace", "cordon", "uncordon",
        "drain", "taint", "api-resources", "api-versions", "version", "diff", "wait", "events", "debug",
        "completion", "options", "help", "kustomize",
    ]
    /// Commands that change the cluster: a `create` of anything but a token, every `set`,
    /// `certificate approve/deny`, every `apply` but `view-last-applied` and `edit-last-applied`
    /// (a reader and an editor, ruled before this).
    static let mutating: Set<String> = [
        "apply *", "create *", "set *", "certificate *", "delete", "patch", "replace", "scale", "autoscale",
        "label", "annotate", "cordon", "uncordon", "drain", "taint", "expose", "run", "debug", "rollout restart",
        "rollout undo", "rollout pause", "rollout resume", "auth reconcile",
    ]
    /// `config` verbs that change the kubeconfig: which cluster, user and namespace later calls reach.
    static let configChanges: Set<String> = [
        "config set-context", "config use-context", "config use", "config set", "config unset", "config set-cluster",
        "config set-credentials", "config delete-context", "config delete-cluster", "config delete-user",
        "config rename-context",
    ]

    /// A condition on the call's flags as kubectl reads them (clusters and glued values too).
    static func flags(_ test: @escaping @Sendable (KubectlArguments) -> Bool) -> Condition {
        .custom { test(KubectlArguments($0)) }
    }
    static let attachesTerminal = flags { $0.has("-i", "--stdin", "--tty") }
    static let watches = flags { $0.has("--watch", "--watch-only") }

    static let rules: [Rule] = [
        // Before everything that reads words: the word after such a cluster is a value.
        Rule(.custom(KubectlArguments.clusterTakesNextWord), .passthrough,
             "a cluster of short flags ending in one that takes the next word (`-An NS`): its words cannot be told apart",
             invalidates: true),
        Rule(.any([.option(["--help", "-h"]), .operation(["help"])]), .cacheable(.static), "help text is static",
             operation: "help"),
        Rule(.all([.operation(["version"]), flags { $0.has("--client") }]), .cacheable(.static),
             "the client's own version is static", operation: "version --client"),
        Rule(.operation(["create token"]), .passthrough, "prints a service account token: never stored"),
        Rule(.operation(["apply view-last-applied"]), .passthrough,
             "prints an object's last applied configuration, a secret's data too: never stored"),
        Rule(.operation(configChanges), .mutating, "changes the kubeconfig"),
        Rule(.operation(["config *"]), .passthrough, "reads the local kubeconfig (`view --raw` prints its credentials)"),
        Rule(.any([.operation(["edit", "apply edit-last-applied"]), .all([.operation(["run", "debug"]), attachesTerminal]),
                   .all([.operation(["delete"]), flags { $0.has("-i", "--interactive") }])]),
             .interactive, "opens an editor, a terminal in a container or asks for confirmation", invalidates: true),
        Rule(.any([.operation(["attach", "port-forward", "proxy"]), .all([.operation(["exec"]), attachesTerminal]),
                   .all([.operation(["get", "events"]), watches])]),
             .interactive, "attaches a terminal, forwards until interrupted or watches"),
        Rule(.operation(mutating), .mutating, "changes the cluster"),
        // klog at -v6 and up prints requests and responses: a debugging run, meant to be live.
        Rule(flags { $0.has("--v", "--vmodule") }, .passthrough, "verbose logging: a live debugging run"),
        // `-o go-template-file=F`, `jsonpath-file`, `custom-columns-file`: the answer depends on
        // a file the key does not hold.
        Rule(.all([.operation(["get", "describe"]),
                   flags { $0.namesManifests || $0.has("--raw") || $0.value("--output")?.contains("file") == true }]),
             .passthrough, "manifests or a raw path may name any object, secrets too; a template file is not keyed"),
        Rule(.all([.operation(["get", "describe"]), .custom(KubectlResources.namesSecrets)]), .passthrough,
             "may print a secret's value: never stored"),
        Rule(.operation(["get", "describe", "events"]), .cacheable(.live), "read-only cluster state"),
        Rule(.operation(["top *"]), .cacheable(.metrics), "resource usage, sampled every 15 seconds"),
        Rule(.operation(["explain", "api-resources", "api-versions", "version", "cluster-info"]), .cacheable(.metadata),
             "the cluster's API and version change with upgrades and CRDs"),
        Rule(.operation(["auth whoami", "auth can-i"]), .cacheable(.identity), "who is logged in and what they may do"),
        Rule(.operation(["completion", "options"]), .cacheable(.static), "shell completion and global options are static"),
    ]

    public static var spec: PolicySpec {
        var spec = PolicySpec(tool: "kubectl", rules: rules)
        spec.valueFlags = KubectlArguments.valueFlags
        spec.singleWordGroups = singleWordCommands
        // KUBERC and KUBECTL_KUBERC: the preferences file (1.33+) may add flags to any command.
        // The KUBERNETES_SERVICE_* pair names the cluster inside a pod when no kubeconfig does.
        spec.keyEnv = ["KUBECONFIG", "KUBERC", "KUBECTL_KUBERC", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"]
        // `--token T` and `--token=T` need no entry in `spec.redaction`: the standard table takes
        // every flag whose name ends in "token" (or "password") for a secret.
        spec.identityFiles = identityFiles
        spec.scope = KubectlScope.of
        spec.transient = [
            "i/o timeout", "TLS handshake timeout", "connection reset by peer",
            "the server is currently unable to handle the request", "(ServiceUnavailable)", "(TooManyRequests)",
            "(Timeout)", "etcdserver: request timed out", "etcdserver: leader changed",
        ].map { OutputCheck(.stderr, $0) }
        spec.retries = 2
        return spec
    }

    /// The kubeconfig files (who is logged in where, and the current context) and the
    /// preferences file (`--kuberc`, `KUBERC`, `~/.kube/kuberc`), as salted digests.
    static func identityFiles(_ invocation: Invocation) -> [String] {
        let arguments = KubectlArguments(invocation.arguments)
        let kuberc = arguments.value("--kuberc") ?? invocation.environment.nonEmpty("KUBERC")
            ?? invocation.homeDirectory + "/.kube/kuberc"
        return Kubeconfig.files(arguments, invocation) + [kuberc]
    }
}
