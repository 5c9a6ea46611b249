import Glibc

/// Whether two of our descriptors are one output, so that the bytes written to either land in
/// a single sequence, in the order they were written: `2>&1` into one pipe, socket or file, or
/// one terminal on both. A tool that writes stdout, stderr, stdout shows them in that order
/// there, which two channels of our own could not reproduce (see `ChildProcess`).
enum SharedOutput {
    static func same(_ a: Int32, _ b: Int32) -> Bool {
        var first = stat(), second = stat()
        guard fstat(a, &first) == 0, fstat(b, &second) == 0,
              first.st_dev == second.st_dev, first.st_ino == second.st_ino else { return false }
        // A pipe, socket or device is one stream however often it was opened: writes to it are
        // ordered. A regular file opened twice (`>f 2>f`) has two offsets that overwrite each
        // other; it is one output only through one open file description, or when both append.
        guard first.st_mode & S_IFMT == S_IFREG else { return true }
        let flags = fcntl(a, F_GETFL), otherFlags = fcntl(b, F_GETFL)
        guard flags >= 0, otherFlags >= 0 else { return false }
        if flags & otherFlags & O_APPEND != 0 { return true }
        return flags == otherFlags && sharesStatusFlags(a, b, flags: flags)
    }

    /// Whether `a` and `b` are one open file description (which `dup`, and `2>&1`, share): its
    /// status flags are shared too, so flipping one on `a` shows on `b`. The flag flipped is
    /// O_NONBLOCK, which reads and writes of a regular file ignore, and it is put back at once,
    /// so whoever else holds the file sees no difference. Equal offsets alone would not tell
    /// `>f 2>f` (two descriptions, both at 0) from `>f 2>&1`.
    private static func sharesStatusFlags(_ a: Int32, _ b: Int32, flags: Int32) -> Bool {
        guard fcntl(a, F_SETFL, flags ^ O_NONBLOCK) == 0 else { return false }
        let seen = fcntl(b, F_GETFL)
        _ = fcntl(a, F_SETFL, flags)
        return seen >= 0 && seen & O_NONBLOCK != flags & O_NONBLOCK
    }
}
