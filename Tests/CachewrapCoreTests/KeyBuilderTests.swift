import Testing

@testable import CachewrapCore

/// Guards the key document (docs/architecture.md, The key): secrets enter it only as `sha256:` digests but
/// still separate identities, non-UTF-8 argv keys distinctly, stdin and terminal shape join the
/// key, and the CID is the `bafkrei…` CIDv1 of exactly the canonical document bytes.
///
/// Every key is built from a stated `Invocation`, so the suite reads nothing of the test process
/// and runs in parallel with the rest.
@Suite struct KeyBuilderTests {
    static let salt = Salt(bytes: Array(repeating: 7, count: Salt.size), origin: .local)

    static func decision(keyEnv: [String] = ["GH_TOKEN", "GH_HOST"]) -> Decision {
        var d = Decision(.cacheable(.live), "test", operation: "pr list")
        d.keyEnv = keyEnv
        return d
    }

    static func key(_ args: [Argument] = [Argument("pr"), Argument("list")], decision: Decision = decision(),
                    stdin: String? = nil, environment: Variables = [:], workingDirectory: String = "/",
                    terminal: TerminalShape = .pipe, salt: Salt = salt) -> InvocationKey {
        let invocation = Invocation(args.map(\.text), environment: environment, workingDirectory: workingDirectory,
                                    terminal: terminal)
        return KeyBuilder(tool: "gh", toolPath: "/usr/bin/gh", arguments: args, decision: decision,
                          stdin: stdin.map { Array($0.utf8) }, invocation: invocation, salt: SaltProvider(fixed: salt)).build()
    }

    @Test func secretEnvIsDigestedNotStored() {
        let key = Self.key(environment: ["GH_TOKEN": "some-secret", "GH_HOST": "github.example"])
        #expect(!key.text.contains("some-secret"))
        #expect(key.text.contains("sha256:"))
        #expect(key.text.contains(Secret.digest(name: "GH_TOKEN", value: Array("some-secret".utf8), salt: Self.salt.bytes)))
        // A host is not a secret: it stays readable.
        #expect(key.text.contains("\"GH_HOST\":\"github.example\""))
    }

    /// A value is digested as the bytes the tool gets, not as repaired text: two secrets that
    /// differ only in invalid UTF-8 still key apart.
    @Test func secretValuesAreDigestedAsBytes() {
        func key(_ value: [UInt8]) -> InvocationKey { Self.key(environment: Variables(bytes: ["GH_TOKEN": value])) }
        let raw: [UInt8] = [0x61, 0xff], other: [UInt8] = [0x61, 0xfe]
        #expect(key(raw).text.contains(Secret.digest(name: "GH_TOKEN", value: raw, salt: Self.salt.bytes)))
        #expect(key(raw).cid != key(other).cid)
    }

    @Test func differentTokensGiveDifferentKeys() {
        let a = Self.key(environment: ["GH_TOKEN": "some-secret"])
        let b = Self.key(environment: ["GH_TOKEN": "other-secret"])
        let none = Self.key(environment: [:])
        let again = Self.key(environment: ["GH_TOKEN": "some-secret"])
        #expect(a.cid != b.cid)
        #expect(a.cid != none.cid)
        #expect(a.cid == again.cid)
        #expect(a.text == again.text)
    }

    @Test func hostChangesTheKey() {
        let a = Self.key(environment: ["GH_HOST": "github.com"])
        let b = Self.key(environment: ["GH_HOST": "ghe.example"])
        #expect(a.cid != b.cid)
    }

    @Test func variablesOutsideTheAllowlistDoNotMatter() {
        let a = Self.key(environment: ["CACHEWRAP_TEST_UNRELATED": "1"])
        let b = Self.key(environment: ["CACHEWRAP_TEST_UNRELATED": "2"])
        #expect(a.cid == b.cid)
    }

    /// `COPILOT_PROVIDER_*` stands for every variable with that prefix, and only those.
    @Test func aPrefixNamesEveryVariableWithIt() {
        let d = Self.decision(keyEnv: ["COPILOT_PROVIDER_*"])
        let key = Self.key(decision: d, environment: ["COPILOT_PROVIDER_A": "1", "COPILOT_PROVIDER_B": "2", "COPILOT_X": "3"])
        #expect(key.text.contains(#""env":{"COPILOT_PROVIDER_A":"1","COPILOT_PROVIDER_B":"2"}"#), "\(key.text)")
    }

    @Test func sameSecretUnderTwoNamesDigestsDifferently() {
        let value = Array("same".utf8), salt = Self.salt.bytes
        #expect(Secret.digest(name: "GH_TOKEN", value: value, salt: salt) != Secret.digest(name: "GITHUB_TOKEN", value: value, salt: salt))
        #expect(Secret.digest(name: "GH_TOKEN", value: value, salt: salt).hasPrefix("sha256:"))
        #expect(Secret.digest(name: "GH_TOKEN", value: value, salt: salt).count == 7 + 64)
        #expect(Secret.isSecretName("GH_TOKEN") && Secret.isSecretName("VAST_API_KEY"))
        #expect(!Secret.isSecretName("GH_HOST"))
    }

    @Test func nonUTF8ArgumentKeysDistinctly() {
        let raw = Argument(bytes: [0x66, 0xff])
        let repaired = Argument("f\u{FFFD}")
        #expect(!raw.isValidUTF8)
        #expect(raw.text == repaired.text)
        let a = Self.key([Argument("api"), raw])
        let b = Self.key([Argument("api"), repaired])
        #expect(a.cid != b.cid)
        #expect(a.text.contains("66ff"))
    }

    @Test func argumentsAndOrderMatter() {
        let a = Self.key([Argument("pr"), Argument("list")])
        let b = Self.key([Argument("list"), Argument("pr")])
        let c = Self.key([Argument("pr list")])
        let d = Self.key([Argument("pr"), Argument("list"), Argument("")])
        #expect(Set([a.cid, b.cid, c.cid, d.cid]).count == 4)
    }

    @Test func secretArgumentsAreDigested() {
        let args = [Argument("api"), Argument("-H"), Argument("Authorization: token abc123"), Argument("user")]
        let secret = Self.key(args, decision: Self.decision(keyEnv: []))
        let other = Self.key([Argument("api"), Argument("-H"), Argument("Authorization: token zzz999"),
                              Argument("user")], decision: Self.decision(keyEnv: []))
        #expect(!secret.text.contains("abc123"))
        let digest = Secret.digest(name: "argv", value: args[2].bytes, salt: Self.salt.bytes)
        #expect(secret.text.contains(#"{"redacted":"Authorization: <redacted>","secret":"\#(digest)"}"#))
        #expect(secret.text.contains(#""user"]"#), "arguments without a secret stay as they are")
        #expect(secret.cid != other.cid)
    }

    @Test func stdinDigestChangesTheKey() {
        let none = Self.key(stdin: nil)
        let a = Self.key(stdin: "one")
        let b = Self.key(stdin: "two")
        #expect(Set([none.cid, a.cid, b.cid]).count == 3)
        #expect(!a.text.contains(Hex.encode(SHA256.hash(Array("one".utf8)))), "salted, not the plain digest")
    }

    /// Every digest takes the salt: another salt is another CID, unless nothing is salted, and
    /// then the salt is not even loaded.
    @Test func theSaltChangesOnlySaltedKeys() {
        let other = Salt(bytes: Array(repeating: 8, count: Salt.size), origin: .local)
        #expect(Self.key(stdin: "one").cid != Self.key(stdin: "one", salt: other).cid)
        let args = [Argument("api"), Argument("repos/o/r?access_token=x")]
        #expect(Self.key(args, decision: Self.decision(keyEnv: [])).cid
                != Self.key(args, decision: Self.decision(keyEnv: []), salt: other).cid)
        let plain = Self.key(decision: Self.decision(keyEnv: [])), plainOther = Self.key(decision: Self.decision(keyEnv: []), salt: other)
        #expect(plain.cid == plainOther.cid && plain.saltOrigin == nil)
        let provisional = Self.key(stdin: "one", salt: .ephemeral())
        #expect(provisional.isProvisional && !Self.key(stdin: "one").isProvisional)
    }

    @Test func terminalShapeChangesTheKey() {
        let piped = Self.key(terminal: .pipe)
        let narrow = Self.key(terminal: TerminalShape(isTerminal: true, columns: 80, rows: 24))
        let wide = Self.key(terminal: TerminalShape(isTerminal: true, columns: 120, rows: 24))
        #expect(Set([piped.cid, narrow.cid, wide.cid]).count == 3)
    }

    @Test func cidIsTheCIDOfTheCanonicalDocument() {
        let key = Self.key(environment: ["GH_TOKEN": "some-secret"])
        #expect(key.cid.hasPrefix("bafkrei"))
        #expect(key.cid.count == 59)
        #expect(key.cid == CID.of(key.document.canonicalBytes))
        #expect(key.text == key.document.canonicalText)
        #expect(Array(key.text.utf8) == key.document.canonicalBytes)
        #expect(key.text.hasPrefix("{"))
        #expect(!key.text.contains(" "))
    }

    @Test func documentHoldsVersionToolAndArgv() {
        let key = Self.key(environment: [:])
        #expect(key.text.contains("\"v\":1"))
        #expect(key.text.contains("\"tool\":\"gh\""))
        #expect(key.text.contains("\"argv\":[\"pr\",\"list\"]"))
        #expect(key.text.contains("\"tty\":false"))
        #expect(!key.text.contains("\"env\""))
        #expect(!key.text.contains("\"context\""))
    }

    /// Every class keys on the program that answers, by content: an upgrade is a new key for
    /// `pr list` as much as for `--version`, and no path keeps two machines' keys apart.
    @Test(arguments: [TTLClass.static, .live])
    func everyClassKeysOnTheProgramsContent(ttl: TTLClass) throws {
        let d = Decision(.cacheable(ttl), "test", operation: "version")
        func key(_ path: String) -> InvocationKey {
            KeyBuilder(tool: "gh", toolPath: path, arguments: [Argument("--version")], decision: d,
                       stdin: nil, invocation: Invocation(["--version"]), salt: SaltProvider(fixed: Self.salt)).build()
        }
        let content = try #require(FileIO.readFile("/bin/sh", limit: Int.max))
        let sh = key("/bin/sh")
        #expect(sh.text.contains(#""binary":"sha256:\#(Hex.encode(SHA256.hash(content)))""#), "\(sh.text)")
        #expect(!sh.text.contains("/bin/sh"))
        #expect(key("/bin/true").cid != sh.cid)
        #expect(key("/bin/sh").cid == sh.cid)
    }

    @Test func cwdContextJoinsTheKey() {
        var d = Self.decision(keyEnv: [])
        d.context = .cwd
        let key = Self.key(decision: d, workingDirectory: "/work/project")
        #expect(key.text.contains(#""context":{"cwd":"/work/project"}"#), "\(key.text)")
        #expect(key.cid != Self.key(decision: d, workingDirectory: "/work/other").cid)
        #expect(key.cid != Self.key(decision: Self.decision(keyEnv: [])).cid)
    }
}
