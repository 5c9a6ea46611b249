/// What the wrap path and `key`/`explain` share: which policy applies and how the key is built,
/// so `cachewrap key` prints exactly the key a real call would use.
extension WrapRequest {
    /// The generic policy after `--`, the tool's own policy, or nil for a tool without one.
    func policy() -> PolicySpec? {
        generic ? Policies.generic(command: tool, keyEnv: options.keyEnv) : Policies.named(tool)
    }

    /// The argv the tool is started with, its name first.
    var commandLine: [Argument] { [Argument(tool)] + arguments }

    func key(policy: PolicySpec, decision: Decision, toolPath: String, stdin: [UInt8]?,
             terminal: TerminalShape = .ofStdout(), salt: SaltProvider) -> InvocationKey {
        // Generic commands key on their whole argv (the command is the "tool"); known tools on
        // their name plus arguments, wherever the binary lives.
        KeyBuilder(tool: generic ? "--" : policy.tool, toolPath: toolPath,
                   arguments: generic ? commandLine : arguments, decision: decision, stdin: stdin,
                   terminal: terminal, salt: salt).build()
    }

    /// The key `key` and `explain` show: the one a real call would use, read without writing
    /// anything (see `Salt.forInspection`). A provisional CID is said so on stderr.
    func inspectionKey(policy: PolicySpec, decision: Decision, toolPath: String) -> InvocationKey {
        let location = CacheLocation.fromEnvironment()
        let key = self.key(policy: policy, decision: decision, toolPath: toolPath, stdin: readStdin(decision),
                           salt: SaltProvider { Salt.forInspection(location, remote: RemoteTier.remote(cacheDirectory: location.directory)) })
        if key.isProvisional { Console.notice(Salt.Origin.ephemeral.summary) }
        return key
    }

    /// Reads stdin when the policy keys on it and it carries data; a terminal is never read.
    func readStdin(_ decision: Decision) -> [UInt8]? {
        decision.keysStdin && FileIO.carriesData(0) ? FileIO.readToEnd(0) : nil
    }
}
