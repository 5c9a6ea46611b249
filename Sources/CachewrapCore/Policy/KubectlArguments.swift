/// A kubectl command line as kubectl's flag library (pflag, `Pflag`) reads it, before any `--`
/// (what follows is a command for a container, never kubectl's options): `-nNS`, `-n=NS`,
/// `--namespace NS`, and clusters (`-Aw` is `--all-namespaces --watch`, which reading the
/// cluster as one unknown flag would take for neither).
struct KubectlArguments {
    /// Long flags that take a value, global and common, so a value is never read as a command
    /// or resource word (`kubectl -n get get pods` lists pods in the namespace "get"). None of
    /// them is a switch for `get` or `describe`: a word taken as a value there is one.
    static let longValueFlags: Set<String> = [
        "--namespace", "--context", "--cluster", "--kubeconfig", "--server", "--token", "--user", "--username",
        "--password", "--as", "--as-group", "--as-uid", "--cache-dir", "--certificate-authority",
        "--client-certificate", "--client-key", "--tls-server-name", "--request-timeout", "--profile",
        "--profile-output", "--v", "--vmodule", "--log-flush-frequency", "--kuberc", "--output", "--selector",
        "--field-selector", "--label-columns", "--sort-by", "--template", "--filename", "--kustomize",
        "--container", "--raw", "--chunk-size", "--subresource", "--patch", "--patch-file", "--type", "--image",
        "--replicas",
    ]
    /// One-letter forms. `-i` is `--stdin` (exec, run, attach, debug) or `--interactive` (delete),
    /// so it keeps its own name; `-p` (a patch, a proxy's port) is a switch only for `logs`,
    /// which is never cached.
    static let shorthands: [Unicode.Scalar: String] = [
        "n": "--namespace", "s": "--server", "v": "--v", "o": "--output", "l": "--selector", "L": "--label-columns",
        "f": "--filename", "k": "--kustomize", "c": "--container", "p": "--patch", "A": "--all-namespaces",
        "w": "--watch", "i": "-i", "t": "--tty", "R": "--recursive", "q": "--quiet", "h": "--help",
    ]
    static let reader = Pflag(valueFlags: longValueFlags, shorthands: shorthands)
    /// The flags that take a value in both forms, for `ArgvShape`.
    static let valueFlags: Set<String> = longValueFlags.union(
        shorthands.filter { longValueFlags.contains($0.value) }.keys.map { "-" + String($0) })

    let flags: [Pflag.Flag]

    init(_ shape: ArgvShape) { flags = Self.reader.flags(shape.options) }

    /// The invocation's own argv, read without a policy's shape: for the key's identity files.
    init(_ arguments: [String]) { self.init(ArgvShape(arguments, valueFlags: Self.valueFlags)) }

    /// Any of these flags (long names, or `-i`) given, and not as `=false`.
    func has(_ names: String...) -> Bool { flags.contains { names.contains($0.name) && $0.value != "false" } }

    /// The last value given to `name` (pflag keeps the last), nil when absent or empty.
    func value(_ name: String) -> String? {
        flags.last { $0.name == name }?.value.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the call names manifests (`-f`, `-k`): they may hold any kind of object, secrets
    /// too, in any namespace, and cluster-wide ones.
    var namesManifests: Bool { has("--filename", "--kustomize") }

    /// A cluster of letters whose last one takes a value from the next word (`-An NS`, `-Ao
    /// yaml`): `ArgvShape` reads that word as a command or resource, so `get -Ao yaml secrets`
    /// would look like a `get` of the resource "yaml". Such calls are not classified at all.
    static func clusterTakesNextWord(_ shape: ArgvShape) -> Bool {
        shape.options.indices.contains { i in
            let a = shape.options[i]
            guard !shape.valuePositions.contains(i), a.count > 2, a.hasPrefix("-"), !a.hasPrefix("--"),
                  !a.contains("=") else { return false }
            let letters = a.unicodeScalars.dropFirst()
            func takesValue(_ letter: Unicode.Scalar) -> Bool { shorthands[letter].map(longValueFlags.contains) ?? false }
            return letters.last.map(takesValue) == true && !letters.dropLast().contains(where: takesValue)
        }
    }
}
