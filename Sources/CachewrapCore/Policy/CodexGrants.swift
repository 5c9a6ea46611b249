/// What lets codex write, beyond `codex exec`'s read-only sandbox (docs/architecture.md,
/// Policies): on the command line and in its config files. A cached answer must never stand in
/// for a run that would have edited the workspace, so every test here errs towards "writes".
///
/// Facts from codex's source (codex-rs, 0.4x to 0.14x): `exec` forces the approval policy to
/// `never` (no one is there to approve), unless an approvals reviewer (`--not-so-yolo`) is set;
/// the sandbox comes from `-s/--sandbox`, `--full-auto` (workspace-write),
/// `--dangerously-bypass-approvals-and-sandbox`/`--yolo`, `-c` overrides, the profile's or the
/// config's `sandbox_mode`, and, when none is set, from a trust decision for the project
/// (`[projects."DIR"] trust_level`, trusted or untrusted alike), which makes it workspace-write.
enum CodexGrants {
    static let writeSwitches = ["--full-auto", "--dangerously-bypass-approvals-and-sandbox", "--yolo", "--not-so-yolo"]
    static let sandbox = ClapOption("-s", "--sandbox")
    /// The interactive command's; `exec` ignores it, which is no reason to trust it.
    static let approval = ClapOption("-a", "--ask-for-approval")
    static let config = ClapOption("-c", "--config")
    /// A `-c key=value` override that names any of these may change what codex may do: the sandbox
    /// mode and its tables, the approval policy or reviewer, permission profiles, a project's trust.
    static let overrideWords = ["sandbox", "approval", "permission", "trust"]
    /// Config text that grants writes wherever it stands: the two write modes (`sandbox_mode`, a
    /// profile's, an inline table's), the settings that imply one, and old versions'
    /// `sandbox_permissions` that write (`disk-write-cwd`, `disk-full-write-access`).
    static let configWriteWords = ["workspace-write", "danger-full-access", "approvals_reviewer", "default_permissions",
                                   "[permissions", "disk-write", "disk-full-write"]

    /// A write switch, a sandbox other than read-only, an approval policy other than never, or a
    /// `-c` override of any of them, anywhere on the command line (options before `exec` count:
    /// codex passes them on).
    static func grants(_ shape: ArgvShape) -> Bool {
        shape.hasAny(writeSwitches)
            || sandbox.values(in: shape.args).contains { $0 != "read-only" }
            || approval.values(in: shape.args).contains { $0 != "never" }
            || config.values(in: shape.args).contains { value in overrideWords.contains { value.lowercased().contains($0) } }
    }

    /// A config file that may let `codex exec` write: a write word anywhere outside a comment, an
    /// `approval_policy` other than `"never"`, or a `trust_level` for a project `trusts` names (one
    /// outside a `[projects."DIR"]` table, in an inline or dotted form, counts for every project).
    /// A line scan, not a TOML parser (cachewrap links none): a write word in a string or an inline
    /// comment makes a call mutating, which only costs a cache hit.
    static func grants(config: [UInt8], trusts: (String) -> Bool) -> Bool {
        var project: String?
        for raw in config.split(separator: UInt8(ascii: "\n")) {
            let line = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: " \t\r")
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("[") { project = projectDirectory(header: line) }
            if configWriteWords.contains(where: line.contains) { return true }
            if line.contains("trust_level") && (project.map(trusts) ?? true) { return true }
            if line.ranges(of: "approval_policy").contains(where: { !isNever(line[$0.upperBound...]) }) { return true }
        }
        return false
    }

    /// The directory of a `[projects."DIR"]` (or `'DIR'`) table header; nil for any other table
    /// or a header this scan cannot read (an escape in the name), whose `trust_level` then counts.
    static func projectDirectory(header: String) -> String? {
        guard header.hasPrefix("[projects."), let quote = header.dropFirst(10).first, quote == "\"" || quote == "'" else {
            return nil
        }
        let name = header.dropFirst(11).prefix { $0 != quote }
        guard !name.contains("\\"), header.dropFirst(11 + name.count).hasPrefix("\(quote)]") else { return nil }
        return String(name)
    }

    /// What follows `approval_policy` (a closing quote, `=`, spaces) is the value `"never"`.
    private static func isNever(_ rest: Substring) -> Bool {
        rest.drop { " \t=\"'".contains($0) }.hasPrefix("never")
    }
}
