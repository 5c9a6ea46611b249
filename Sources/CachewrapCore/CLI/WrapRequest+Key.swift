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
             terminal: TerminalShape = .ofStdout()) -> InvocationKey {
        // Generic commands key on their whole argv (the command is the "tool"); known tools on
        // their name plus arguments, wherever the binary lives.
        KeyBuilder(tool: generic ? "--" : policy.tool, toolPath: toolPath,
                   arguments: generic ? commandLine : arguments, decision: decision,
                   stdinDigest: stdin.map { "sha256:" + Hex.encode(SHA256.hash($0)) },
                   terminal: terminal).build()
    }

    /// Reads stdin when the policy keys on it (see `StdinSource`); a terminal is never read.
    func readStdin(_ decision: Decision) -> StdinSource {
        decision.keysStdin ? StdinSource.read(limit: CachedRun.maxStdinBytes()) : .none
    }
}
