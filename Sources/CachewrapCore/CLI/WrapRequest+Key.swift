/// What the wrap path and `key`/`explain` share: which policy applies and how the key is built,
/// so `cachewrap key` prints exactly the key a real call would use.
extension WrapRequest {
    /// The generic policy after `--`, the tool's own policy, or nil for a tool without one.
    func policy() -> PolicySpec? {
        generic ? Policies.generic(command: tool, keyEnv: options.keyEnv) : Policies.named(tool)
    }

    /// The argv the tool is started with, its name first.
    var commandLine: [Argument] { [Argument(tool)] + arguments }

    /// This call as the process sees it now: read once, then asked by the policy and the key.
    func invocation() -> Invocation { .ofProcess(arguments.map(\.text)) }

    /// `binaries`: where the program's digest is memoised; a real call memoises it in the cache
    /// dir, `key` and `explain` only read the memo.
    func key(policy: PolicySpec, decision: Decision, toolPath: String, stdin: [UInt8]?, invocation: Invocation,
             salt: SaltProvider,
             binaries: BinaryIdentity = BinaryIdentity(memo: .fromEnvironment(), writesMemo: true)) -> InvocationKey {
        // Generic commands key on their whole argv (the command is the "tool"); known tools on
        // their name plus arguments. Both key on the program `toolPath` resolved to, by content.
        var builder = KeyBuilder(tool: generic ? "--" : policy.tool, toolPath: toolPath,
                                 arguments: generic ? commandLine : arguments, decision: decision, stdin: stdin,
                                 invocation: invocation, salt: salt)
        builder.binary = binaries
        return builder.build()
    }

    /// The key `key` and `explain` show: the one a real call would use, read without writing
    /// anything (see `Salt.forInspection`). A provisional CID is said so on stderr.
    func inspectionKey(policy: PolicySpec, decision: Decision, toolPath: String, invocation: Invocation) -> InvocationKey {
        let location = CacheLocation.fromEnvironment()
        let key = self.key(policy: policy, decision: decision, toolPath: toolPath, stdin: readStdin(decision).keyedBytes,
                           invocation: invocation, salt: Self.salt(of: location, writing: false),
                           binaries: BinaryIdentity(memo: location, writesMemo: false))
        if key.isProvisional { Console.notice(Salt.Origin.ephemeral.summary) }
        return key
    }

    /// The salt of a key in `location`, loaded only if the key has something to salt: a call
    /// that may store makes it (`Salt.forRun`), `key` and `explain` only read it.
    static func salt(of location: CacheLocation, writing: Bool) -> SaltProvider {
        SaltProvider {
            let remote = RemoteTier.remote(cacheDirectory: location.directory)
            return writing ? Salt.forRun(location, remote: remote) : Salt.forInspection(location, remote: remote)
        }
    }

    /// Reads stdin when the policy keys on it (see `StdinSource`); a terminal is never read.
    func readStdin(_ decision: Decision) -> StdinSource {
        decision.keysStdin ? StdinSource.read(limit: CachedRun.maxStdinBytes()) : .none
    }
}
