/// A remote of the repository around the working directory, as gh reads it to pick the
/// repository a command means: its URL's host and `owner/repo`, and the `gh-resolved` mark
/// that `gh repo set-default` writes (`base`, or `OWNER/REPO` from older gh).
struct GitRemote: Equatable {
    var name: String
    var host: String
    /// `owner/repo`, lower-cased: GitHub names are case-insensitive.
    var repository: String
    var resolved: String?

    /// The remotes in a git config file, in file order; remotes whose URL names no
    /// `host/owner/repo` are left out.
    static func parse(config: [UInt8]) -> [GitRemote] {
        var remotes: [GitRemote] = []
        var current: (name: String, url: String?, resolved: String?)?
        func finish() {
            guard let c = current, let url = c.url, let (host, repo) = hostAndRepository(url) else { return }
            remotes.append(GitRemote(name: c.name, host: host, repository: repo, resolved: c.resolved))
        }
        // Split on the byte, not on the Character "\n": Swift reads "\r\n" as one Character, so a
        // config edited with CRLF endings would run every line into the next one (a remote's
        // URL swallowing the sections after it, and naming a repository nobody mutates).
        for raw in config.split(separator: UInt8(ascii: "\n")) {
            let line = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: " \t\r")
            if line.hasPrefix("[") {
                finish()
                current = remoteName(line).map { ($0, nil, nil) }
                continue
            }
            guard current != nil, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: " \t").lowercased()
            let value = line[line.index(after: eq)...].trimmingCharacters(in: " \t\"")
            // git takes the first `url` of a remote for fetching.
            if key == "url", current?.url == nil { current?.url = value }
            if key == "gh-resolved" { current?.resolved = value }
        }
        finish()
        return remotes
    }

    /// `[remote "origin"]` → origin.
    private static func remoteName(_ header: String) -> String? {
        guard header.hasPrefix("[remote \""), header.hasSuffix("\"]") else { return nil }
        return String(header.dropFirst(9).dropLast(2))
    }

    /// The host and `owner/repo` of a remote URL: `https://[user@]host[:port]/o/r.git`,
    /// `ssh://git@host/o/r`, or scp-like `git@host:o/r.git`; nil for a local path.
    static func hostAndRepository(_ url: String) -> (String, String)? {
        var rest = Substring(url)
        let parts = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            rest = parts[1]
        } else if let colon = rest.firstIndex(of: ":"), !rest[..<colon].contains("/") {
            rest = Substring(rest[..<colon] + "/" + rest[rest.index(after: colon)...])
        } else {
            return nil
        }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        var host = rest[..<slash]
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if let port = host.firstIndex(of: ":") { host = host[..<port] }
        let path = rest[rest.index(after: slash)...].split(separator: "/")
        guard !host.isEmpty, path.count >= 2 else { return nil }
        var name = String(path[1])
        if name.hasSuffix(".git") { name.removeLast(4) }
        return (normalizedHost(host), "\(path[0])/\(name)".lowercased())
    }

    /// A repository's host as gh names it: lower-cased, without a leading `www.` (gh's
    /// ghrepo does the same), so `www.github.com/o/r` is the `github.com` a mutation names.
    static func normalizedHost(_ host: some StringProtocol) -> String {
        let lower = host.lowercased()
        return lower.hasPrefix("www.") ? String(lower.dropFirst(4)) : lower
    }

    /// The repository gh uses for a command run here: the remote marked by `gh repo
    /// set-default`, else the only repository the remotes name. nil when there is none, or when
    /// several remotes name different repositories and none is marked: gh would have to guess,
    /// and so the caller falls back to the whole host, which any mutation there drops.
    static func defaultRepository(_ remotes: [GitRemote]) -> (host: String, repository: String)? {
        if let marked = remotes.first(where: { $0.resolved != nil }), let resolved = marked.resolved {
            let repo = resolved == "base" ? marked.repository : resolved.lowercased()
            return repo.contains("/") ? (marked.host, repo) : nil
        }
        let distinct = Set(remotes.map { "\($0.host)/\($0.repository)" })
        guard distinct.count == 1, let only = remotes.first else { return nil }
        return (only.host, only.repository)
    }
}
