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
/// [tools.gh]           # any name in Policies.known
/// disabled = false     # true: every gh call passes straight through
/// retries = 2          # retries on transient failures (0–10), replaces the built-in count
/// env = ["MY_ORG_VAR"] # extra environment variables whose values join the key
/// cacheable = ["pr ready-check", "extension list"]  # extra read-only operations ("x *": all of x)
///
/// [tools.gh.ttl]       # per-operation TTLs: 30s, 10m, 2h, 7d or 0
/// [tools.gh.stale]     # per-operation stale-while-revalidate ages, like --stale
/// "pr list" = "5m"
/// "*" = "2m"           # every cacheable gh operation without its own line
/// ```
public struct UserConfig: Equatable, Sendable {
    /// `[defaults] ttl`: generic commands' TTL in seconds, nil for the built-in one.
    public var defaultTTL: Int64?
    /// `[defaults] retries`: used by every known tool whose table sets no `retries`.
    public var defaultRetries: Int?
    /// `[tools.NAME]` and `[tools.NAME.ttl]`, by tool name.
    public var tools: [String: ToolConfig] = [:]

    public init() {}
}

/// One tool's `[tools.NAME]` and `[tools.NAME.ttl]` tables.
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

    public init() {}
}

extension UserConfig {
    /// The config in `bytes`, or the built-in defaults (an empty config) plus every problem
    /// found: a config with any error is ignored as a whole, so half a config never applies.
    public static func parse(_ bytes: [UInt8]) -> (config: UserConfig, issues: [ConfigIssue]) {
        let (tables, syntax) = TOMLSubset.parse(bytes)
        var schema = ConfigSchema()
        for table in tables { schema.read(table) }
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
            spec.rules = [Rule(.always, .passthrough, "\(spec.tool) is disabled in the config file")]
            return spec
        }
        if let retries = tool.retries { spec.retries = retries }
        spec.keyEnv += tool.env.filter { !spec.keyEnv.contains($0) }
        let extra = tool.cacheable.map(Self.cacheableRule)
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

    /// The rule for one extra cacheable operation, matched on the command words: "pr
    /// ready-check" matches `pr ready-check 12 --json x`, but a one-word "foo" does not match
    /// `foo bar` (write "foo *" for that). It records the configured name as the operation so a
    /// `[tools.NAME.ttl]` line with the same name applies.
    static func cacheableRule(_ operation: String) -> Rule {
        let group = operation.hasSuffix(" *")
        let words = (group ? String(operation.dropLast(2)) : operation).split(separator: " ").map(String.init)
        return Rule(.custom { shape in
            shape.words.starts(with: words) && (group || words.count >= shape.operationDepth)
        }, .cacheable(.live), "listed as cacheable in the config file", operation: group ? nil : operation)
    }
}
