import Glibc

/// Finds the real tool on PATH. Entries that are cachewrap itself (the binary, or a shim linking
/// to it) are skipped, so `alias gh='cachewrap gh'` and a `gh` shim first on PATH never recurse.
/// So are shims of any other cachewrap install (a link resolving to a file named `cachewrap`):
/// with two installs' shims on PATH, each would find the other's and hand the call back forever.
/// A nil `selfPath` finds what a shell would, links to cachewrap included (for `doctor`).
struct ToolLocator {
    let path: String
    let selfPath: String?

    init(path: String? = Environment.get("PATH"), selfPath: String? = ToolLocator.realPath("/proc/self/exe")) {
        self.path = path ?? "/usr/local/bin:/usr/bin:/bin"
        self.selfPath = selfPath
    }

    func locate(_ name: String) throws(CachewrapError) -> String {
        if name.contains("/") {
            guard access(name, F_OK) == 0 else { throw .toolNotFound(name) }
            guard access(name, X_OK) == 0 else { throw .notExecutable(name) }
            return name
        }
        var sawNonExecutable: String?
        for dir in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (dir.isEmpty ? "." : String(dir)) + "/" + name
            guard access(candidate, F_OK) == 0, !isDirectory(candidate) else { continue }
            guard access(candidate, X_OK) == 0 else { sawNonExecutable = sawNonExecutable ?? candidate; continue }
            if let selfPath, let real = ToolLocator.realPath(candidate), real == selfPath || real.hasSuffix("/cachewrap") {
                continue
            }
            return candidate
        }
        if let sawNonExecutable { throw .notExecutable(sawNonExecutable) }
        throw .toolNotFound(name)
    }

    private func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
