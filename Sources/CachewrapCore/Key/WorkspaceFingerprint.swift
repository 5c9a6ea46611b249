/// What an agent working in a repository sees: the commit, the branch, and every uncommitted
/// change. LLM answers depend on it, so editing a tracked file makes the next prompt a miss.
/// Costs two `git` runs, acceptable next to an LLM call, and only for policies that ask.
enum WorkspaceFingerprint {
    /// A digest of HEAD, branch, status and the diff against HEAD; nil outside a git work tree
    /// (or without git on `searchPath`, the call's PATH), where the working directory alone keys the call.
    static func of(directory: String, searchPath: String?) -> String? {
        guard let git = try? ToolLocator(path: searchPath).locate("git") else { return nil }
        guard let status = Subprocess.capture(git, ["-C", directory, "status", "--porcelain=v2", "-z", "--branch",
                                                     "--untracked-files=all"]) else { return nil }
        let diff = Subprocess.capture(git, ["-C", directory, "diff", "HEAD", "--binary", "--no-color", "--no-ext-diff"]) ?? []
        var hasher = SHA256()
        hasher.update(Array("cachewrap/v1/workspace\u{0}".utf8))
        hasher.update(status)
        hasher.update([0])
        hasher.update(diff)
        hasher.update(untrackedStamps(status, in: directory))
        return "sha256:" + Hex.encode(hasher.finalize())
    }

    /// Size and mtime of untracked files (`? path` records), so editing one changes the digest
    /// without reading every untracked file.
    private static func untrackedStamps(_ status: [UInt8], in directory: String) -> [UInt8] {
        var out: [UInt8] = []
        for record in status.split(separator: 0) where record.first == UInt8(ascii: "?") && record.count > 2 {
            let path = directory + "/" + String(decoding: record.dropFirst(2), as: UTF8.self)
            out.append(contentsOf: Array(path.utf8) + [0] + FileIO.stamp(path) + [0])
        }
        return out
    }
}
