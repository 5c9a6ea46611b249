/// The key of one invocation: the canonical document, its text, and the CID of that text.
public struct InvocationKey: Sendable {
    public let document: JSONValue
    public let cid: String
    /// Where the salt of the document's digests came from; nil when nothing in it is salted.
    public let saltOrigin: Salt.Origin?
    public var text: String { document.canonicalText }
    /// The CID depends on a salt made up for this call (`key`/`explain` before the cache has
    /// one): the first call that stores makes the real salt, and with it another CID.
    public var isProvisional: Bool { saltOrigin == .ephemeral }
}

/// Builds the key document: everything the output depends on, and nothing secret in plain text.
/// Secrets (argv parts the policy's `RedactionTable` finds, secret variables, login files, git
/// remotes, stdin) join it as digests salted with `salt`, which is read only if one is needed.
/// What it reads of the world (variables, working directory, git, terminal) is the invocation's.
public struct KeyBuilder {
    public static let version: Int64 = 1

    public let tool: String
    public let toolPath: String
    public let arguments: [Argument]
    public let decision: Decision
    /// The stdin bytes fed to the tool, when stdin carries data.
    public let stdin: [UInt8]?
    public let invocation: Invocation
    public let salt: SaltProvider
    /// How the program at `toolPath` is named: its content digest, memoised where the caller
    /// says (`WrapRequest.key` uses the cache dir); by default hashed on every build.
    public var binary = BinaryIdentity()

    public init(tool: String, toolPath: String, arguments: [Argument], decision: Decision,
                stdin: [UInt8]?, invocation: Invocation, salt: SaltProvider) {
        self.tool = tool; self.toolPath = toolPath; self.arguments = arguments
        self.decision = decision; self.stdin = stdin; self.invocation = invocation; self.salt = salt
    }

    public func build() -> InvocationKey {
        let terminal = invocation.terminal
        let redacted = decision.redaction.redact(arguments.map(\.text))
        var doc: [String: JSONValue] = [
            "v": .int(KeyBuilder.version),
            "tool": .string(tool),
            "argv": .array(arguments.enumerated().map { i, arg in argumentValue(arg, redacted: redacted[i]) }),
            "tty": terminal.isTerminal ? .object(["cols": .int(Int64(terminal.columns))]) : .bool(false),
        ]
        // One channel for stdout and stderr records one stream in the tool's order; two record
        // two streams: different answers. Absent when split, so split keys stay as they were.
        if terminal.merged { doc["streams"] = .string("merged") }
        var env: [String: JSONValue] = [:]
        for name in expandedNames(decision.keyEnv) {
            guard let bytes = invocation.environment.bytes(name) else { continue }
            env[name] = .string(Secret.isSecretName(name) ? digest(name, bytes) : String(decoding: bytes, as: UTF8.self))
        }
        if !env.isEmpty { doc["env"] = .object(env) }
        var identity: [String: JSONValue] = [:]
        for file in decision.identityFiles {
            if let content = invocation.read(file) { identity[file] = .string(digest(file, content)) }
        }
        if !identity.isEmpty { doc["identity"] = .object(identity) }
        if let stdin { doc["stdin"] = .string(digest("stdin", stdin)) }
        // Every class, not only `--version`: an upgrade or another program on PATH changes any answer.
        doc["binary"] = binary.value(of: toolPath, in: invocation.workingDirectory)
        if let context = contextValue() { doc["context"] = context }
        let document = JSONValue.object(doc)
        return InvocationKey(document: document, cid: CID.of(document.canonicalBytes), saltOrigin: salt.used?.origin)
    }

    private func digest(_ name: String, _ value: [UInt8]) -> String {
        Secret.digest(name: name, value: value, salt: salt.salt.bytes)
    }

    /// Text when the argument is valid UTF-8; otherwise its bytes in hex under a distinct shape,
    /// so no two byte strings share a key. An argument with a secret becomes its redacted text
    /// (readable in `key` and `explain`) and the salted digest of all its bytes (so two secrets
    /// still key apart).
    private func argumentValue(_ arg: Argument, redacted: String?) -> JSONValue {
        if let redacted { return .object(["redacted": .string(redacted), "secret": .string(digest("argv", arg.bytes))]) }
        return arg.isValidUTF8 ? .string(arg.text) : .object(["hex": .string(Hex.encode(arg.bytes))])
    }

    /// Names ending in `*` stand for every variable with that prefix (COPILOT_PROVIDER_*).
    private func expandedNames(_ names: [String]) -> [String] {
        names.flatMap { $0.hasSuffix("*") ? invocation.environment.names(withPrefix: String($0.dropLast())) : [$0] }
    }

    /// What around the command the answer depends on (see `KeyContext`).
    private func contextValue() -> JSONValue? {
        let cwd = invocation.workingDirectory
        switch decision.context {
        case .none:
            return nil
        case .cwd:
            return .object(["cwd": .string(cwd)])
        case .workspace:
            var value: [String: JSONValue] = ["cwd": .string(cwd)]
            if let fingerprint = WorkspaceFingerprint.of(directory: cwd, searchPath: invocation.environment["PATH"]) {
                value["workspace"] = .string(fingerprint)
            }
            return .object(value)
        case .repository:
            guard let git = invocation.git else { return .object(["cwd": .string(cwd)]) }
            let remotes = digest("git-remotes", git.remoteLines)
            return .object(["git": .object(["remotes": .string(remotes), "head": .string(git.head)])])
        }
    }
}
