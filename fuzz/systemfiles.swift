/// Fuzz target: the system files cachewrap reads instead of calling glibc's NSS: the bytes are
/// an /etc/passwd (PasswdFile), an /etc/hosts (HostsFile) and an /etc/resolv.conf (ResolvConf),
/// cut to whole lines at a limit of their own as a too-large file is. An account found is the
/// one of that uid, with no separator in its fields; hosts give each address once; resolv.conf
/// settings stay within glibc's ranges and every name gets its search candidates.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    let limit = bytes.isEmpty ? 0 : Int(bytes[0]) * 7
    let cut = FileIO.wholeLines(bytes, limit: limit)
    check(bytes.count <= limit ? cut.count == bytes.count : cut.count <= limit && (cut.isEmpty || cut.last == 10), "a line cut short")
    let file = bytes[...]

    // /etc/passwd: each uid field in the file, and a few more.
    let uids = file.split(separator: 10).prefix(32).compactMap { line -> UInt32? in
        let fields = line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        return fields.count > 2 ? UInt32(String(decoding: fields[2], as: UTF8.self)) : nil
    }
    for uid in uids + [0, 1000, 65534] {
        guard let account = PasswdFile.account(uid: uid, in: file) else { continue }
        check(!account.name.isEmpty && !account.name.contains(":") && !account.name.contains("\n"), "a name with a separator")
        check(!account.home.contains(":") && !account.home.contains("\n"), "a home with a separator")
        _ = RemoteSettings.defaultNamespace(account: account, uid: uid)
    }
    _ = PasswdFile.account(uid: 0, in: cut)

    // /etc/hosts: the names the file holds, and a few more.
    let words = file.split { $0 == 10 || $0 == 32 || $0 == 9 }.prefix(16).map { String(decoding: $0, as: UTF8.self) }
    for name in words + ["localhost", "LOCALHOST.", ""] {
        let found = HostsFile.addresses(of: name, in: file)
        check(Set(found).count == found.count, "an address twice")
        for address in found where address.scope == 0 { check(IPAddress(address.description) == address, "an address that does not read back") }
    }

    // /etc/resolv.conf, with a host name from the bytes too.
    let conf = ResolvConf.parse(file, hostname: words.first ?? "")
    check((1...ResolvConf.maxNameservers).contains(conf.nameservers.count), "no nameserver or too many")
    check((0...ResolvConf.maxNdots).contains(conf.ndots) && (1...ResolvConf.maxTimeoutSeconds).contains(conf.timeoutSeconds)
          && (1...ResolvConf.maxAttempts).contains(conf.attempts), "an option out of range")
    check(conf.search.count <= ResolvConf.maxSearch && conf.search.allSatisfy { !$0.isEmpty && !$0.hasSuffix(".") }, "a bad search list")
    for name in words.prefix(4) where !name.isEmpty {
        let candidates = conf.candidates(for: name)
        check(candidates.count == (name.hasSuffix(".") ? 1 : conf.search.count + 1), "a candidate lost or made up")
    }
    return 0
}
