import Glibc

/// The account of a uid as /etc/passwd states it, read as a plain file. Never getpwuid(3): in
/// the static release binary glibc's NSS dlopen()s the `libnss_*.so` of whatever glibc the
/// running system has for every source after `files` (Debian 12's default `passwd: files
/// systemd` loads libnss_systemd.so.2, and with it a second libc, for any uid not in the file):
/// that killed the process with SIGSEGV even on the glibc it was linked with
/// (docs/architecture.md, The static binary and NSS). Users known only through LDAP or sssd therefore have no account here; callers
/// fall back ($HOME first, then a uid-named default).
enum PasswdFile {
    /// The fields cachewrap uses: the login name and the home directory ("" when the line has none).
    struct Account: Equatable, Sendable {
        var name: String
        var home: String
    }

    static let path = "/etc/passwd"
    /// Far beyond any real passwd file; a larger one is read up to its last whole line within it.
    static let readLimit = 4 << 20

    /// The account of `uid` in this machine's /etc/passwd; nil when it cannot be read or has none.
    static func account(uid: uid_t) -> Account? {
        FileIO.readLines(path, limit: readLimit).flatMap { account(uid: uid, in: $0) }
    }

    /// The first line `name:password:uid:gid:gecos:home:shell` whose uid field is `uid` (as
    /// glibc's files module answers). Comments, blank lines and NIS compat lines (`+name`,
    /// `-name`, `+`) are skipped; a line needs the name and uid fields, the rest may be missing.
    static func account(uid: uid_t, in bytes: ArraySlice<UInt8>) -> Account? {
        let wanted = Array(String(uid).utf8)
        for line in bytes.split(separator: 10) {
            guard let first = line.first, first != UInt8(ascii: "#"), first != UInt8(ascii: "+"), first != UInt8(ascii: "-") else { continue }
            let fields = line.split(separator: UInt8(ascii: ":"), maxSplits: 6, omittingEmptySubsequences: false)
            guard fields.count >= 3, !fields[0].isEmpty, fields[2].elementsEqual(wanted) else { continue }
            let home = fields.count > 5 ? fields[5] : []
            return Account(name: text(fields[0]), home: text(home.last == 13 ? home.dropLast() : home))
        }
        return nil
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
