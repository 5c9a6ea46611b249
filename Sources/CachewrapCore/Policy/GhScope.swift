/// The scope of a gh command (see `Scope`): the area is the host (`gh:github.com`), the item the
/// repository, found the way gh finds it: `-R/--repo`, a URL or `OWNER/REPO` argument, the
/// `repos/OWNER/REPO/...` path of `gh api`, `GH_REPO`, then the git remotes around the working
/// directory. Reads that span repositories (`search`, `status`, `gh api user`) and mutations
/// whose repository cannot be known (GraphQL mutations, `repo create`) take the whole host.
/// When in doubt the answer is the host: too wide a scope costs a hit, too narrow a stale answer.
enum GhScope {
    /// Commands that name their repository as the first argument (`gh repo view o/r`).
    static let repositoryArgument: Set<String> = [
        "repo view", "repo edit", "repo delete", "repo archive", "repo unarchive", "repo sync", "repo set-default",
        "repo clone", "repo deploy-key", "repo autolink",
    ]
    /// Commands whose effect or answer is not one repository's, even when run inside one or
    /// given `-R`: `issue transfer` changes the destination's issues as well as its own.
    static let hostWide: Set<String> = ["repo create", "repo fork", "repo list", "api graphql", "issue transfer"]

    static func of(_ shape: ArgvShape, _ invocation: Invocation) -> Scope {
        let env = invocation.environment.nonEmpty
        let defaultHost = env("GH_HOST")?.lowercased() ?? "github.com"
        func scope(_ found: (host: String?, repository: String)?) -> Scope {
            guard let found else { return Scope(area: "gh:" + defaultHost) }
            return Scope(area: "gh:" + (found.host ?? defaultHost), item: found.repository)
        }
        if shape.operation == "api" { return apiScope(shape, defaultHost: defaultHost, invocation) }
        if hostWide.contains(shape.operation) { return scope(nil) }
        if let value = repositoryFlag(shape) { return scope(repository(named: value)) }
        if let url = shape.arguments.lazy.compactMap(urlRepository).first { return scope(url) }
        if repositoryArgument.contains(shape.operation), let first = shape.arguments.first, !first.contains("://") {
            return scope(repository(named: first))
        }
        let group = shape.words.first ?? ""
        let orgLevel = ["secret", "variable"].contains(group) && shape.hasAny(["--org", "-o", "--user", "-u"])
        if GhPolicy.repositoryFree.contains(shape.operation) || GhPolicy.repositoryFree.contains(group) || orgLevel {
            return scope(nil)
        }
        if let value = env("GH_REPO") { return scope(repository(named: value)) }
        return scope(gitRepository(invocation))
    }

    /// `gh api`: a `repos/OWNER/REPO/...` endpoint is that repository's (with `{owner}/{repo}`
    /// filled from the git context, as gh fills them); any other endpoint is host-wide.
    private static func apiScope(_ shape: ArgvShape, defaultHost: String, _ invocation: Invocation) -> Scope {
        let flags = GhAPIRule.flags(shape.args)
        var host = (flags.last { $0.name == "--hostname" }?.value?.lowercased()) ?? defaultHost
        let endpoint = flags.first { $0.name == "" }?.value ?? ""
        var parts = endpoint.split(separator: "?").first.map { $0.split(separator: "/", omittingEmptySubsequences: true) } ?? []
        // A full URL (`https://api.github.com/repos/o/r`, `https://ghe.corp/api/v3/repos/o/r`)
        // names its own host, whatever --hostname or GH_HOST say.
        if parts.count >= 2, parts[0].hasSuffix(":") {
            let named = GitRemote.normalizedHost(parts[1].split(separator: ":").first ?? parts[1])
            host = named.hasPrefix("api.") ? String(named.dropFirst(4)) : named
            parts.removeFirst(2)
            if parts.starts(with: ["api", "v3"]) { parts.removeFirst(2) }
        }
        guard parts.count >= 3, parts[0] == "repos" else { return Scope(area: "gh:" + host) }
        if parts[1] == "{owner}" || parts[2] == "{repo}" {
            let base = invocation.environment.nonEmpty("GH_REPO").flatMap(repository(named:)) ?? gitRepository(invocation)
            guard let base else { return Scope(area: "gh:" + host) }
            return Scope(area: "gh:" + (base.host ?? host), item: base.repository)
        }
        return Scope(area: "gh:" + host, item: "\(parts[1])/\(parts[2])".lowercased())
    }

    /// `-R V`, `-R=V`, `--repo V`, `--repo=V`, and `-RV`: gh's flag library takes a shorthand's
    /// value glued to it, and missing that form would fall back to the checkout's repository,
    /// which is another one.
    private static func repositoryFlag(_ shape: ArgvShape) -> String? {
        shape.value(of: "-R") ?? shape.value(of: "--repo")
            ?? shape.options.last { $0.hasPrefix("-R") && $0.count > 2 }.map { String($0.dropFirst(2)) }
    }

    /// `OWNER/REPO`, `HOST/OWNER/REPO` or a URL, as `-R` and `GH_REPO` take them.
    static func repository(named value: String) -> (host: String?, repository: String)? {
        if value.contains("://") || value.hasPrefix("git@") {
            return GitRemote.hostAndRepository(value).map { ($0.0, $0.1) }
        }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty: return (nil, value.lowercased())
        case 3 where !parts.contains(where: \.isEmpty):
            return (GitRemote.normalizedHost(parts[0]), "\(parts[1])/\(parts[2])".lowercased())
        default: return nil
        }
    }

    /// A PR, issue or run given by URL (`gh pr view https://github.com/o/r/pull/5`).
    private static func urlRepository(_ argument: String) -> (host: String?, repository: String)? {
        guard argument.hasPrefix("https://") || argument.hasPrefix("http://") else { return nil }
        return GitRemote.hostAndRepository(argument).map { ($0.0, $0.1) }
    }

    /// The repository of the git context around the working directory, as gh picks it.
    private static func gitRepository(_ invocation: Invocation) -> (host: String?, repository: String)? {
        guard let git = invocation.git else { return nil }
        return GitRemote.defaultRepository(GitRemote.parse(config: git.config)).map { ($0.host, $0.repository) }
    }
}
