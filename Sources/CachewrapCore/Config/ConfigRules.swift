/// The rules a config file adds: extra cacheable operations of a built-in tool, and the whole
/// policy of a tool the file defines (`[tools.NAME]` for a name that is not built in), so a
/// team's own CLI needs no release. Every rule names the file and line it came from, which
/// `explain` shows as the reason.
extension UserConfig {
    /// The policy `[tools.NAME]` defines for a name that is not built in; nil when it defines
    /// none. Its listed interactive and mutating operations come first (a call listed twice gets
    /// the safer class), then the cacheable ones (added by `apply`, as for a built-in tool), and
    /// anything else passes through. A defined tool's answers depend on the directory it runs in
    /// (`terraform output`) and on what is piped in, as `cachewrap -- CMD`'s do.
    public func definedPolicy(_ name: String) -> PolicySpec? {
        guard Policies.builtIn(name) == nil, let tool = tools[name] else { return nil }
        let interactive = tool.interactive.map { listedRule($0, in: name, list: "interactive", .interactive) }
        let mutating = tool.mutating.map { listedRule($0, in: name, list: "mutating", .mutating) }
        var spec = PolicySpec(tool: name, rules: interactive + mutating)
        spec.valueFlags = Set(tool.valueFlags)
        let files = tool.files
        spec.identityFiles = { invocation in
            files.map { $0.hasPrefix("~/") ? invocation.homeDirectory + $0.dropFirst() : $0 }
        }
        spec.context = { _, _ in .cwd }
        spec.keysStdin = { _ in true }
        spec.failureMarkers = tool.failIf.map { OutputCheck(.either, $0) }
        spec.transient = tool.transient.map { OutputCheck(.either, $0) }
        return apply(to: spec)
    }

    /// The rule for one listed operation, matched on the command words. A cacheable "pr
    /// ready-check" matches `pr ready-check 12 --json x`, but a one-word "foo" does not match
    /// `foo bar` (write "foo *" for that), and it records the listed name as the operation so a
    /// `[tools.NAME.ttl]` line with that name applies. A mutating or interactive entry covers
    /// every command it starts ("delete" covers `delete x`): covering too much there only costs
    /// a hit.
    func listedRule(_ operation: String, in tool: String, list: String, _ commandClass: CommandClass) -> Rule {
        let group = operation.hasSuffix(" *")
        let words = (group ? String(operation.dropLast(2)) : operation).split(separator: " ").map(String.init)
        let prefix = group || !commandClass.isCacheable
        let reason = "[tools.\(tool)] \(list) lists \"\(operation)\"" + located(tool, list)
        return Rule(.custom { shape in
            shape.words.starts(with: words) && (prefix || words.count >= shape.operationDepth)
        }, commandClass, reason, operation: commandClass.isCacheable && !group ? operation : nil)
    }

    /// " (PATH:LINE)" for a key of `[tools.NAME]`, as far as it is known.
    func located(_ tool: String, _ key: String) -> String {
        guard let line = tools[tool]?.lines[key] else { return source.map { " (\($0))" } ?? "" }
        return " (\(source ?? "config file"):\(line))"
    }
}
