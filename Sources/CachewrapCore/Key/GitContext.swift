/// The repository a command runs in, read from `.git` files directly (no `git` process on the
/// hit path): the remotes say which repository, HEAD says which branch.
struct GitContext {
    /// The `[remote ...]`, URL and `gh-resolved` lines of the repository's config: which
    /// repository, and which of its remotes `gh repo set-default` made the one gh answers for.
    /// URLs may embed credentials, so the key holds only their salted digest (`KeyBuilder`).
    let remoteLines: [UInt8]
    /// HEAD's content: `ref: refs/heads/main`, or a commit id when detached.
    let head: String
    /// The whole config file, for the policies that read remotes by name (`GitRemote`).
    let config: [UInt8]
    /// The work tree's top directory (where `.git` is), and the main work tree's when this is a
    /// linked worktree (else the same): codex reads instructions from the one and looks up the
    /// project's trust under either (`Policy/CodexFiles.swift`).
    let root: String
    let mainRoot: String

    /// Walks up from `directory` to the nearest `.git` (a directory, or a file naming one, as in
    /// worktrees and submodules); nil outside a repository.
    static func find(from directory: String) -> GitContext? {
        var dir = directory
        while true {
            if let (gitDir, headBytes) = gitDirectory(at: (dir == "/" ? "" : dir) + "/.git") {
                let common = FileIO.readFile(gitDir + "/commondir").map { text -> String in
                    let rel = String(decoding: text, as: UTF8.self).trimmingNewlines()
                    return rel.hasPrefix("/") ? rel : gitDir + "/" + rel
                } ?? gitDir
                let config = FileIO.readFile(common + "/config") ?? []
                // Split on the byte: in Swift "\r\n" is one Character, so a CRLF config split
                // on "\n" would be one line, and every such repository would key alike.
                let remotes = config.split(separator: UInt8(ascii: "\n"))
                    .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: " \t\r") }
                    .filter { $0.hasPrefix("url") || $0.hasPrefix("[remote") || $0.hasPrefix("gh-resolved") }
                    .joined(separator: "\n")
                let head = (headBytes ?? FileIO.readFile(gitDir + "/HEAD")).map { String(decoding: $0, as: UTF8.self) } ?? ""
                return GitContext(remoteLines: Array(remotes.utf8), head: head.trimmingNewlines(), config: config,
                                  root: dir, mainRoot: mainRoot(commonDirectory: common) ?? dir)
            }
            guard dir != "/", let slash = dir.lastIndex(of: "/") else { return nil }
            dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
        }
    }

    /// The main work tree of a common git directory `<main>/.git` (a linked worktree's
    /// `commondir` names it as `../..`, resolved here without touching the disk); nil for a bare
    /// or submodule git directory, which is not a work tree's `.git`.
    private static func mainRoot(commonDirectory: String) -> String? {
        var parts: [Substring] = []
        for part in commonDirectory.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        guard parts.last == ".git" else { return nil }
        return "/" + parts.dropLast().joined(separator: "/")
    }

    /// The git directory at `path`, with its HEAD when reading it was how the directory was
    /// recognised (so it is not read twice on the hit path); a gitfile's target HEAD is not read.
    private static func gitDirectory(at path: String) -> (String, [UInt8]?)? {
        if let head = FileIO.readFile(path + "/HEAD") { return (path, head) }
        guard let content = FileIO.readFile(path, limit: 4096) else { return nil }
        let text = String(decoding: content, as: UTF8.self).trimmingNewlines()
        guard text.hasPrefix("gitdir: ") else { return nil }
        let target = String(text.dropFirst(8))
        if target.hasPrefix("/") { return (target, nil) }
        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        return (parent + "/" + target, nil)
    }
}

extension String {
    func trimmingNewlines() -> String { trimmingCharacters(in: "\r\n") }

    /// Trims any of `set`'s scalars from both ends (Foundation-free). Works on scalars, not
    /// Characters: "\r\n" is one Character, so a Character set would miss a lone "\n".
    func trimmingCharacters(in set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        var view = Substring(self).unicodeScalars
        while let first = view.first, scalars.contains(first) { view.removeFirst() }
        while let last = view.last, scalars.contains(last) { view.removeLast() }
        return String(view)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
