import Glibc

/// Where this machine keeps the CAs it trusts, for a `rediss://` server when
/// `CACHEWRAP_REMOTE_CA` is not set. A static binary cannot rely on the OPENSSLDIR compiled into
/// it (the build machine's, /usr/lib/ssl on Debian; other distributions keep the store
/// elsewhere), so the well-known places are tried, as Go's crypto/x509 does. A hashed directory
/// comes first: OpenSSL 3.0 takes about 85 ms to parse the 140 certificates of Debian's bundle
/// file, more than a lookup's whole deadline, while a directory of `<subject hash>.0` links is
/// read lazily, one file per issuer the server's chain names. The stores hold the same CAs (the
/// distribution writes both from one list).
enum TLSTrust {
    enum Location: Equatable {
        case file(String)
        case directory(String)

        var path: String {
            switch self {
            case .file(let path), .directory(let path): path
            }
        }
    }

    /// Hashed directories: Debian, Ubuntu, Alpine, Arch and openSUSE (`update-ca-certificates`,
    /// `trust extract-compat`); Fedora and RHEL 9 (`update-ca-trust`).
    static let directories = ["/etc/ssl/certs", "/etc/pki/ca-trust/extracted/pem/directory-hash"]

    /// Bundle files: Debian, Ubuntu and Arch; Fedora and RHEL; openSUSE; Alpine and macOS.
    static let bundles = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem",
    ]

    /// The first hashed directory, else the first bundle file, else nil. The tests are
    /// parameters so the choice can be checked without the machine's own store.
    static func system(isHashed: (String) -> Bool = isHashedDirectory, isFile: (String) -> Bool = isRegularFile) -> Location? {
        if let directory = directories.first(where: isHashed) { return .directory(directory) }
        return bundles.first(where: isFile).map(Location.file)
    }

    /// For an error message: every place looked at.
    static var searched: String { (directories + bundles).joined(separator: ", ") }

    /// True when `path` is a directory with at least one `<8 hex digits>.<n>` entry, the name
    /// OpenSSL looks a CA up by (c_rehash, update-ca-certificates). Without one, OpenSSL would
    /// find no CA there and every certificate would look untrusted.
    static func isHashedDirectory(_ path: String) -> Bool {
        guard let directory = opendir(path) else { return false }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if isHashName(name) { return true }
        }
        return false
    }

    /// `3513523f.0`: eight lower-case hex digits, a dot, a decimal suffix.
    static func isHashName(_ name: [UInt8]) -> Bool {
        guard name.count > 9, name[8] == UInt8(ascii: "."), name[9...].allSatisfy({ (48...57).contains($0) }) else { return false }
        return name[..<8].allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
    }
}
