/// The files a `codex exec` answer depends on besides the work tree, all read through the
/// invocation: the config layers (which may also let it write, `CodexGrants`), the AGENTS.md
/// instructions, and the files the command line attaches. Their digests join the key.
struct CodexFiles: Sendable {
    /// Where the machine-wide config layers are; a test points it at a directory of its own.
    var system = "/etc/codex"

    static let image = ClapOption("-i", "--image", greedy: true)
    static let outputSchema = ClapOption(nil, "--output-schema")

    /// Every file that joins the key of a prompt.
    func keyed(_ invocation: Invocation) -> [String] {
        configFiles(invocation) + Self.instructions(invocation) + Self.attachments(invocation.arguments)
    }

    /// Whether a config layer lets `codex exec` write here (a trust decision counts for the
    /// working directory, its parents, and the repository's main work tree).
    func grantWrites(_ invocation: Invocation) -> Bool {
        let git = invocation.git
        let own = Set([git?.root, git?.mainRoot].compactMap { $0 } + Self.ancestors(of: invocation.workingDirectory))
        // A project named with a trailing slash is the same directory.
        let trusts = { (directory: String) in
            own.contains(directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory)
        }
        return configFiles(invocation).contains { file in
            invocation.read(file).map { CodexGrants.grants(config: $0, trusts: trusts) } ?? false
        }
    }

    /// The user's, the managed and the system layers, and each project directory's
    /// `.codex/config.toml` (read by newer versions for trusted projects).
    func configFiles(_ invocation: Invocation) -> [String] {
        let home = Self.home(invocation)
        var files = [home + "/config.toml", home + "/managed_config.toml", system + "/config.toml",
                     system + "/managed_config.toml"]
        if let managed = invocation.environment.nonEmpty("CODEX_MANAGED_CONFIG_PATH") { files.append(managed) }
        return files + Self.projectDirectories(invocation).map { Self.file(".codex/config.toml", in: $0) }
    }

    /// `AGENTS.override.md` (which wins where present) and `AGENTS.md`: codex's own in
    /// `$CODEX_HOME` (where older versions read `instructions.md`), then one of each per
    /// directory from the repository's top down to the working directory.
    static func instructions(_ invocation: Invocation) -> [String] {
        let codexHome = home(invocation)
        return [codexHome + "/instructions.md"] + ([codexHome] + projectDirectories(invocation)).flatMap { directory in
            ["AGENTS.override.md", "AGENTS.md"].map { file($0, in: directory) }
        }
    }

    /// Images (`-i a.png,b.png`, a list clap splits at commas) and the `--output-schema` file:
    /// their content goes to the model, their names alone say nothing.
    static func attachments(_ args: [String]) -> [String] {
        image.values(in: args).flatMap { $0.split(separator: ",").map(String.init) } + outputSchema.values(in: args)
    }

    /// `$CODEX_HOME`, else `~/.codex`.
    static func home(_ invocation: Invocation) -> String {
        LLMAgent.directory(fromEnvironment: "CODEX_HOME", orHome: "/.codex", invocation)
    }

    /// The working directory and its parents up to the repository's top, top first; outside a
    /// repository the working directory alone (codex's project root is where `.git` is).
    static func projectDirectories(_ invocation: Invocation) -> [String] {
        let cwd = invocation.workingDirectory
        guard let root = invocation.git?.root else { return [cwd] }
        let chain = ancestors(of: cwd)
        guard let top = chain.firstIndex(of: root) else { return [cwd] }
        return chain[...top].reversed()
    }

    /// `directory` and each of its parents, nearest first, `/` last.
    static func ancestors(of directory: String) -> [String] {
        var chain = [directory]
        var current = directory
        while current != "/", let slash = current.lastIndex(of: "/") {
            current = slash == current.startIndex ? "/" : String(current[..<slash])
            chain.append(current)
        }
        return chain
    }

    /// `name` in `directory`: `/AGENTS.md` at the root, not `//AGENTS.md`.
    static func file(_ name: String, in directory: String) -> String {
        (directory == "/" ? "" : directory) + "/" + name
    }
}
