import Glibc
import Testing

@testable import CachewrapCore

/// The system files cachewrap reads itself instead of asking glibc's NSS, which the static
/// binary must never call (Package.swift says why): /etc/passwd for the
/// home directory and the default namespace, /etc/hosts and /etc/resolv.conf for the team
/// cache's host. Each parser takes bytes, so every case states its file.
@Suite struct SystemFilesTests {
    static func bytes(_ text: String) -> ArraySlice<UInt8> { Array(text.utf8)[...] }

    // MARK: /etc/passwd

    static let passwd = """
        # a comment
        root:x:0:0:root:/root:/bin/bash

        +nis-user::1000:1000::/home/nis:/bin/sh
        -blocked
        +
        alice:x:1000:1000:Alice,,,:/home/alice:/bin/zsh
        alice2:x:1000:1000::/home/second:/bin/sh
        short:x:1001
        nohome:x:1002:1002:
        crlf:x:1003:1003::/home/crlf\r
        :x:1004:1004::/home/noname:/bin/sh
        bad:x:1005x:1005::/home/bad:/bin/sh
        """

    @Test(arguments: [
        (0, PasswdFile.Account(name: "root", home: "/root")),
        (1000, PasswdFile.Account(name: "alice", home: "/home/alice")),  // the first line of a uid wins
        (1001, PasswdFile.Account(name: "short", home: "")),
        (1002, PasswdFile.Account(name: "nohome", home: "")),
        (1003, PasswdFile.Account(name: "crlf", home: "/home/crlf")),
    ] as [(UInt32, PasswdFile.Account)])
    func passwdAccounts(uid: UInt32, account: PasswdFile.Account) {
        #expect(PasswdFile.account(uid: uid, in: Self.bytes(Self.passwd)) == account)
    }

    /// A nameless line, a uid with junk, a NIS line's uid and a uid nobody has give no account.
    @Test(arguments: [1004, 1005, 4242, 100] as [UInt32])
    func passwdNoAccount(uid: UInt32) {
        #expect(PasswdFile.account(uid: uid, in: Self.bytes(Self.passwd)) == nil)
        #expect(PasswdFile.account(uid: uid, in: []) == nil)
    }

    /// A file larger than the read limit is read to its last whole line: never a cut-off home.
    @Test func passwdCutAtTheLastWholeLine() {
        let file = Array("a:x:1:1::/home/a:/bin/sh\nb:x:2:2::/home/bbbbbbbb:/bin/sh\n".utf8)
        let kept = FileIO.wholeLines(file, limit: 40)
        #expect(PasswdFile.account(uid: 1, in: kept)?.home == "/home/a")
        #expect(PasswdFile.account(uid: 2, in: kept) == nil)
        #expect(FileIO.wholeLines(file, limit: 10).isEmpty && FileIO.wholeLines(file, limit: file.count)[...] == file[...])
    }

    /// The namespace is the login name, cleaned, or the uid when there is none: never `$USER`.
    @Test func namespaceFromTheAccount() {
        #expect(RemoteSettings.defaultNamespace(account: .init(name: "alice", home: "/h"), uid: 1000) == "u:alice")
        #expect(RemoteSettings.defaultNamespace(account: .init(name: "a b*", home: ""), uid: 1000) == "u:a_b_")
        #expect(RemoteSettings.defaultNamespace(account: nil, uid: 4242) == "u:uid4242")
        #expect(RemoteSettings.defaultNamespace(account: .init(name: "", home: ""), uid: 7) == "u:uid7")
    }

    // MARK: /etc/hosts

    static let hosts = """
        127.0.0.1\tlocalhost
        ::1     localhost ip6-localhost ip6-loopback   # the IPv6 loopback
        10.0.0.5 Redis.Internal cache   # aliases
        10.0.0.6 redis.internal
        10.0.0.5 cache
        fe80::1%1 linklocal
        # 10.9.9.9 commented
        not-an-address commented
        10.0.0.7
        999.1.1.1 broken
        10.0.0.8 crlf\r
        """

    @Test(arguments: [
        ("localhost", ["127.0.0.1", "::1"]),
        ("LOCALHOST.", ["127.0.0.1", "::1"]),
        ("redis.internal", ["10.0.0.5", "10.0.0.6"]),
        ("cache", ["10.0.0.5"]),  // no repeats
        ("ip6-loopback", ["::1"]),
        ("linklocal", ["fe80::1%1"]),
        ("crlf", ["10.0.0.8"]),
        ("commented", []), ("broken", []), ("nowhere", []), ("", []), (".", []),
    ])
    func hostsAddresses(name: String, expected: [String]) {
        #expect(HostsFile.addresses(of: name, in: Self.bytes(Self.hosts)).map(\.description) == expected)
    }

    @Test func addressLiterals() {
        #expect(IPAddress("192.0.2.1")?.bytes == [192, 0, 2, 1])
        #expect(IPAddress("2001:db8::1")?.bytes.count == 16)
        #expect(IPAddress("::1%7")?.scope == 7)
        #expect(IPAddress("::1%no-such-interface") == nil)
        for text in ["localhost", "1.2.3", "192.0.2.1%1", "1.2.3.4.5", "", "::g", "[::1]"] { #expect(IPAddress(text) == nil, "\(text)") }
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }

    // MARK: /etc/resolv.conf

    @Test func resolvConfAsGlibcReadsIt() {
        let conf = ResolvConf.parse(Self.bytes("""
            # generated
            nameserver 10.0.0.53
            nameserver 2001:db8::53 ; a comment
            nameserver not-an-address
            nameserver 10.0.0.54
            nameserver 10.0.0.55
            domain old.example
            search corp.example. dev.example
            options ndots:2 timeout:1 attempts:3 rotate edns0
            options ndots:99 timeout:0 attempts:x
            """), hostname: "box.host.example")
        #expect(conf.nameservers.map(\.description) == ["10.0.0.53", "2001:db8::53", "10.0.0.54"])  // three at most
        #expect(conf.search == ["corp.example", "dev.example"])  // the last of domain/search wins
        #expect(conf.ndots == 15 && conf.timeoutSeconds == 1 && conf.attempts == 3)
    }

    @Test func resolvConfDefaults() {
        let empty = ResolvConf.parse([], hostname: "box.lab.example")
        #expect(empty.nameservers == [.loopbackV4])  // glibc's default server
        #expect(empty.search == ["lab.example"])  // the host name's domain
        #expect(empty.ndots == 1 && empty.timeoutSeconds == 5 && empty.attempts == 2)
        #expect(ResolvConf.parse(Self.bytes("domain\nsearch\n"), hostname: "box").search.isEmpty)
        #expect(ResolvConf.parse(Self.bytes("search " + (1...9).map { "d\($0)" }.joined(separator: " ")), hostname: "").search.count == 6)
    }

    /// Found by the systemfiles fuzzer (fuzz/corpus/systemfiles/crash-9f0d…): a host name of
    /// dots made a search domain still ending in a dot. A domain that is no DNS name is dropped.
    @Test func searchDomainsAreNames() {
        #expect(ResolvConf.parse([], hostname: ".....").search.isEmpty)
        #expect(ResolvConf.parse(Self.bytes("search corp.. a..b . ok.example\n")).search == ["corp", "ok.example"])
    }

    @Test func searchOrder() {
        let conf = ResolvConf(nameservers: [.loopbackV4], search: ["corp.example", "dev.example"], ndots: 1)
        #expect(conf.candidates(for: "redis") == ["redis.corp.example", "redis.dev.example", "redis"])
        #expect(conf.candidates(for: "redis.svc") == ["redis.svc", "redis.svc.corp.example", "redis.svc.dev.example"])
        #expect(conf.candidates(for: "redis.example.com.") == ["redis.example.com"])
        var k8s = conf
        k8s.ndots = 5
        #expect(conf.candidates(for: "a.b.c").first == "a.b.c" && k8s.candidates(for: "a.b.c").last == "a.b.c")
    }
}
