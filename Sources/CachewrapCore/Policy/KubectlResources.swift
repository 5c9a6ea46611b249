/// What kinds of object a kubectl command reads or changes, as its words name them: `pods`,
/// `pods,secrets`, `deploy/web`, `Secret`, `secrets.v1.`, `deployments.apps`. kubectl matches
/// kinds and resources without regard to case and takes a group or version after a dot, so
/// names are compared in lower case and by the part before the first dot.
enum KubectlResources {
    /// Commands whose first argument (and every `TYPE/NAME` argument) names resource types.
    static let typedCommands: Set<String> = [
        "get", "describe", "delete", "label", "annotate", "patch", "scale", "autoscale", "expose", "edit", "debug",
        "set", "rollout",
    ]

    /// Built-in namespaced types in every spelling kubectl takes (plural, singular, short name;
    /// a kind is its singular). Only a call whose types are all here can be one namespace's:
    /// anything else (nodes, namespaces, PVs, cluster roles, CRDs, custom resources that may be
    /// cluster-wide) is the whole cluster's, and so is a dotted name (`deployments.apps`), which
    /// may be another group's.
    static let namespaced: Set<String> = [
        "all", "pods", "pod", "po", "services", "service", "svc", "deployments", "deployment", "deploy",
        "replicasets", "replicaset", "rs", "statefulsets", "statefulset", "sts", "daemonsets", "daemonset", "ds",
        "jobs", "job", "cronjobs", "cronjob", "cj", "configmaps", "configmap", "cm", "secrets", "secret",
        "serviceaccounts", "serviceaccount", "sa", "endpoints", "ep", "endpointslices", "endpointslice", "events",
        "event", "ev", "ingresses", "ingress", "ing", "networkpolicies", "networkpolicy", "netpol",
        "persistentvolumeclaims", "persistentvolumeclaim", "pvc", "poddisruptionbudgets", "poddisruptionbudget",
        "pdb", "roles", "role", "rolebindings", "rolebinding", "horizontalpodautoscalers", "horizontalpodautoscaler",
        "hpa", "limitranges", "limitrange", "limits", "resourcequotas", "resourcequota", "quota",
        "replicationcontrollers", "replicationcontroller", "rc", "leases", "lease", "podtemplates", "podtemplate",
        "controllerrevisions", "controllerrevision",
    ]

    /// The types the call is about, in lower case: nil when the command names none (`version`,
    /// `cordon`, `config`...), which makes it the whole cluster's.
    static func types(_ shape: ArgvShape) -> [String]? {
        let words = shape.words
        switch words.first {
        case "run": return ["pods"]
        case "events": return ["events"]
        // `top pod`, `create deployment NAME`, `create secret generic NAME`.
        case "top", "create": return words.count > 1 ? [words[1].lowercased()] : nil
        case let command? where typedCommands.contains(command): return types(in: shape.arguments)
        default: return nil
        }
    }

    /// The first argument's types (`pods,svc`), and those of each `TYPE/NAME` argument. A label
    /// (`app.kubernetes.io/name=x`) read as one only adds a type that is no namespaced one.
    static func types(in arguments: ArraySlice<String>) -> [String] {
        arguments.enumerated().flatMap { offset, argument -> [String] in
            guard offset == 0 || argument.contains("/") else { return [] }
            let head = argument.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)[0]
            return head.split(separator: ",").map { $0.lowercased() }
        }
    }

    /// Whether any argument of a `get` or `describe` may name secrets: `secret`, `secrets`,
    /// `Secret`, `secret/NAME`, `secrets.v1.`, `pods,secrets`. Generous on purpose: any word
    /// holding "secret" counts (a pod named `my-secret`, an `externalsecrets` resource), which
    /// costs a hit, where a missed spelling would store a secret's value.
    static func namesSecrets(_ shape: ArgvShape) -> Bool {
        shape.arguments.contains { $0.lowercased().contains("secret") }
    }
}
