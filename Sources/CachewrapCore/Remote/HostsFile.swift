/// /etc/hosts read as a plain file, the `files` source of `hosts: files dns` without glibc's
/// NSS (see `HostResolver` for why).
enum HostsFile {
    static let path = "/etc/hosts"
    /// Far beyond any real hosts file (ad-blocking lists reach a few MiB); a larger one is read
    /// up to its last whole line within the limit.
    static let readLimit = 16 << 20

    /// The addresses this machine's /etc/hosts gives `name`; empty when it has none or cannot be read.
    static func addresses(of name: String) -> [IPAddress] {
        FileIO.readLines(path, limit: readLimit).map { addresses(of: name, in: $0) } ?? []
    }

    /// Every address whose line names `name` (canonical name or alias, compared without case and
    /// without a trailing dot), in file order and without repeats, as glibc's files module
    /// gathers them for getaddrinfo. `#` starts a comment; fields are split by spaces and tabs;
    /// a line whose first field is not an address literal is skipped.
    static func addresses(of name: String, in bytes: ArraySlice<UInt8>) -> [IPAddress] {
        let wanted = comparable(name)
        guard !wanted.isEmpty else { return [] }
        var found: [IPAddress] = []
        for line in bytes.split(separator: 10) {
            let content = line.prefix { $0 != UInt8(ascii: "#") }
            let fields = content.split { $0 == 32 || $0 == 9 || $0 == 13 }
            guard fields.count >= 2, fields.dropFirst().contains(where: { folded($0) == wanted }),
                  let address = IPAddress(String(decoding: fields[0], as: UTF8.self)),
                  !found.contains(address) else { continue }
            found.append(address)
        }
        return found
    }

    /// `name` as host names are compared: without case (RFC 4343) and without a trailing dot.
    static func comparable(_ name: String) -> [UInt8] {
        folded(name.utf8.last == UInt8(ascii: ".") ? name.utf8.dropLast()[...] : name.utf8[...])
    }

    /// ASCII letters lower-cased.
    static func folded<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    }
}
