/// kubectl's scope (see `Scope`): the area is one cluster, the item one namespace.
///
/// The area is the API server the call reaches, so that two calls reaching one cluster name one
/// area whatever file, context or flag got them there: `--server`, else the server of the
/// cluster (`--cluster`, else the context's) of the context (`--context`, else the current one)
/// in the kubeconfig files. When the files do not say (unreadable, another YAML style), the
/// area is the set of files: every call through them shares it, whatever its context, which
/// is coarser but never splits one cluster in two for the same files.
///
/// The item is the namespace given with `-n`, and only when the call is surely that
/// namespace's alone: not `-A`, no manifests (`-f`, `-k` may name any namespace and cluster-wide
/// objects), and every type it names a built-in namespaced one (`KubectlResources`). Reads and
/// mutations follow the same rule, so `get nodes -n a`, whose answer any namespace's change may
/// alter (a pod scheduled, a claim bound), is the cluster's as `cordon` is. Without `-n` the
/// call is the cluster's: the context's namespace is not read, which costs hits, not answers.
enum KubectlScope {
    static func of(_ shape: ArgvShape, _ invocation: Invocation) -> Scope {
        let arguments = KubectlArguments(shape)
        let area = area(arguments, invocation)
        guard let namespace = arguments.value("--namespace"), !arguments.has("--all-namespaces"),
              !arguments.namesManifests, !KubectlArguments.clusterTakesNextWord(shape),
              let types = KubectlResources.types(shape), !types.isEmpty,
              types.allSatisfy(KubectlResources.namespaced.contains)
        else { return Scope(area: area) }
        return Scope(area: area, item: namespace)
    }

    /// The cluster as the call reaches it (see the type's comment).
    static func area(_ arguments: KubectlArguments, _ invocation: Invocation) -> String {
        if let server = arguments.value("--server") { return "kubectl:" + normalized(server) }
        let files = Kubeconfig.files(arguments, invocation)
        let config = Kubeconfig(files: files.compactMap { invocation.read($0) })
        let context = arguments.value("--context") ?? config.currentContext
        let cluster = arguments.value("--cluster") ?? context.flatMap { config.clusters[$0] }
        if let server = cluster.flatMap({ config.servers[$0] }) { return "kubectl:" + normalized(server) }
        let named = files.map(invocation.path).joined(separator: "\u{0}")
        return "kubectl:kubeconfig:" + Hex.encode(SHA256.hash(Array(named.utf8)).prefix(8))
    }

    /// A server URL as one cluster's name: scheme and host in lower case, without user info (a
    /// password there never reaches a scope), query or trailing slashes.
    static func normalized(_ server: String) -> String {
        var url = Substring(server.prefix { $0 != "?" && $0 != "#" })
        while url.hasSuffix("/") { url.removeLast() }
        guard let scheme = url.firstRange(of: "://") else { return url.lowercased() }
        var authority = url[scheme.upperBound...].prefix { $0 != "/" }
        let path = url[authority.endIndex...]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return (url[..<scheme.upperBound] + authority).lowercased() + path
    }
}
