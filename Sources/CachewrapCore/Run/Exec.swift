import Glibc

/// Hands the process over to the tool: same pid, same descriptors, same terminal. This is how
/// interactive, mutating and unknown commands run "as if cachewrap were not there".
enum Exec {
    /// Replaces this process with `path`; returns only when exec failed, with the errno.
    static func replace(path: String, arguments: [Argument]) -> Int32 {
        let argv = arguments.makeCArgv()
        defer { freeCArgv(argv) }
        execv(path, argv)
        return errno
    }
}
