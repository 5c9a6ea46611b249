/// The user's overrides from config.toml (docs/architecture.md, Policies): per-tool TTLs,
/// extra cacheable operations, extra key variables and retries, so a new subcommand needs no
/// release. The user can only add to a built-in policy, never loosen its safety rules: extra
/// operations are appended after the built-in rules, and the first matching rule wins; in the
/// agents' tables, which end in a catch-all, they go after the safety rules instead
/// (`PolicySpec.configRules`).
///
/// The schema (docs/config.md has the full story):
///
/// ```toml
/// [defaults]
/// ttl = "10m"          # TTL of generic commands (cachewrap -- CMD); built-in 10m
/// retries = 2          # retries of every known tool without its own `retries` line (0–10)
///
/// [tools.gh]           # a built-in tool: edits its policy
/// disabled = false     # true: every gh call passes straight through
/// retries = 2          # retries on transient failures (0–10), replaces the built-in count
/// env = ["MY_ORG_VAR"] # extra environment variables whose values join the key
/// cacheable = ["pr ready-check", "extension list"]  # extra read-only operations ("x *": all of x)
///
/// [tools.gh.ttl]       # per-operation TTLs: 30s, 10m, 2h, 7d or 0
/// [tools.gh.stale]     # per-operation stale-while-revalidate ages, like --stale
/// "pr list" = "5m"
/// "*" = "2m"           # every cacheable gh operation without its own line
///
/// [tools.aws]          # a name that is not built in: the whole policy (ConfigRules.swift)
/// cacheable = ["s3api list-buckets"]
/// mutating = ["s3api create-bucket"]   # drop aws's answers; also interactive, files,
/// value_flags = ["--region"]           # fail_if, transient (ToolDefinitionSchema.swift)
/// ```
public struct UserConfig: Equatable, Sendable {
    /// `[defaults] ttl`: generic commands' TTL in seconds, nil for the built-in one.
    public var defaultTTL: Int64?
    /// `[defaults] retries`: used by every known tool whose table sets no `retries`.
    public var defaultRetries: Int?
    /// `[tools.NAME]` and `[tools.NAME.ttl]`, by tool name.
    public var tools: [String: ToolConfig] = [:]
    /// The file it was read from, for the reasons `explain` gives; nil when parsed from text.
    public var source: String?

    /// The tools the file defines, not built in, by name.
    public var definedTools: [String] { tools.keys.filter { Policies.builtIn($0) == nil }.sorted() }

    public init() {}
}

/// One tool's `[tools.NAME]` and `[tools.NAME.ttl]` tables. For a built-in tool they edit its
/// policy; for any other name they are the whole policy (`definedPolicy`), which is why the keys
/// from `mutating` down are accepted for such names only.
public struct ToolConfig: Equatable, Sendable {
    public var disabled = false
    public var retries: Int?
    /// Extra environment variables for the key, added to the policy's allowlist.
    public var env: [String] = []
    /// Extra read-only operations ("pr ready-check", or "extension *" for a whole group).
    public var cacheable: [String] = []
    /// Seconds by operation; "*" stands for every cacheable operation without its own line.
    public var ttl: [String: Int64] = [:]
    /// `[tools.NAME.stale]`: replay a hit older than this and refresh it in the background
    /// (like `--stale`), by operation or "*".
    public var stale: [String: Int64] = [:]
    /// Operations that change what the tool's cached answers show: run untouched, and they drop
    /// the tool's answers.
    public var mutating: [String] = []
    /// Operations that prompt or take over the terminal: exec'd untouched.
    public var interactive: [String] = []
    /// Identity files whose content digest joins the key (`~/.aws/credentials`).
    public var files: [String] = []
    /// Patterns on stdout or stderr that mark a failure despite exit 0: never stored.
    public var failIf: [String] = []
    /// Patterns on stdout or stderr that mark a failure worth a retry.
    public var transient: [String] = []
    /// Flags that take a value, so the value is not read as an operation word.
    public var valueFlags: [String] = []
    /// The line of each key, and of the `[tools.NAME]` header under "", so `explain` can name
    /// the line that decided.
    public var lines: [String: Int] = [:]

    public init() {}

}

extension UserConfig {
    /// The config in `bytes`, or the built-in defaults (an empty config) plus every problem
    /// found: a config with any error is ignored as a whole, so half a config never applies.
    public static func parse(_ bytes: [UInt8]) -> (config: UserConfig, issues: [ConfigIssue]) {
        let (tables, syntax) = TOMLSubset.parse(bytes)
        var schema = ConfigSchema()
        for table in tables { schema.read(table) }
        schema.checkDefinitions()
        let issues = (syntax + schema.issues).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
        return (issues.isEmpty ? schema.config : UserConfig(), issues)
    }

    public static func parse(_ text: String) -> (config: UserConfig, issues: [ConfigIssue]) {
        parse(Array(text.utf8))
    }

    /// A known tool's built-in policy with this config applied.
    public func apply(to builtIn: PolicySpec) -> PolicySpec {
        var spec = builtIn
        if let retries = defaultRetries { spec.retries = retries }
        guard let tool = tools[spec.tool] else { return spec }
        if tool.disabled {
            // A spec, not nil: a `gh` shim must still be recognised as a shim, and then pass through.
            spec.rules = [Rule(.always, .passthrough, "\(spec.tool) is disabled in the config file" + located(spec.tool, "disabled"))]
            return spec
        }
        if let retries = tool.retries { spec.retries = retries }
        spec.keyEnv += tool.env.filter { !spec.keyEnv.contains($0) }
        let extra = tool.cacheable.map { listedRule($0, in: spec.tool, list: "cacheable", .cacheable(.live)) }
        if let placement = spec.configRules {
            let guarded = extra.map { Rule(.all([placement.onlyIf, $0.condition]), $0.commandClass, $0.reason, operation: $0.operation) }
            spec.rules.insert(contentsOf: guarded, at: min(placement.index, spec.rules.count))
        } else {
            spec.rules += extra
        }
        spec.ttlOverrides.merge(tool.ttl) { _, user in user }
        spec.staleAfter.merge(tool.stale) { _, user in user }
        return spec
    }

    /// The generic policy (`cachewrap -- CMD`) with `[defaults] ttl`. Its one rule records the
    /// command's name as the operation, so an override under that name reaches every call.
    public func applyGeneric(to builtIn: PolicySpec) -> PolicySpec {
        var spec = builtIn
        if let ttl = defaultTTL { spec.ttlOverrides[spec.tool] = ttl }
        return spec
    }
}
