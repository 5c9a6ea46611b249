/// cachewrap's own options, given before the tool name (docs/architecture.md, Command line).
public struct WrapOptions: Equatable, Sendable {
    /// How long a stored result stays fresh, overriding the policy's TTL class.
    public var ttlSeconds: Int64?
    public var refresh = false
    public var noCache = false
    public var offline = false
    public var retries: Int?
    public var staleSeconds: Int64?
    public var staleIfErrorSeconds: Int64?
    public var quiet = false
    /// `--status`: one line on stderr saying how the call ended (see `CallReporter`).
    public var status = false
    /// `--revalidate` (true: ask the server about a fresh answer too) or `--no-revalidate`
    /// (false: never send a conditional request); nil: revalidate what has expired.
    public var revalidate: Bool?
    /// Extra environment variables the generic policy keys on (`--env NAME`).
    public var keyEnv: [String] = []

    public init() {}
}

/// What to wrap: a known tool by name, or any command after `--`.
public struct WrapRequest: Equatable, Sendable {
    public var options: WrapOptions
    public var tool: String
    public var arguments: [Argument]
    /// True for `cachewrap -- CMD`: the generic policy, whatever CMD is called.
    public var generic: Bool
}

extension WrapOptions {
    /// Parses options from the front of `args`; returns them and the index of the first
    /// argument that is not an option (the tool, or `--`).
    static func parse(_ args: [Argument]) throws(CachewrapError) -> (WrapOptions, Int) {
        var options = WrapOptions()
        var i = 0
        func value(_ name: String, inline: String?) throws(CachewrapError) -> String {
            if let inline { return inline }
            i += 1
            guard i < args.count else { throw .missingValue(name) }
            return args[i].text
        }
        func duration(_ name: String, _ inline: String?) throws(CachewrapError) -> Int64 {
            try UserNumbers.duration.parse(try value(name, inline: inline), name: name)
        }
        while i < args.count {
            let arg = args[i].text
            guard arg.hasPrefix("--"), arg != "--" else { break }
            let parts = arg.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0], inline = parts.count > 1 ? parts[1] : nil
            switch name {
            case "--ttl": options.ttlSeconds = try duration(name, inline)
            case "--stale": options.staleSeconds = try duration(name, inline)
            case "--stale-if-error": options.staleIfErrorSeconds = try duration(name, inline)
            case "--retries": options.retries = Int(try UserNumbers.retries.parse(try value(name, inline: inline), name: name))
            case "--env":
                let variable = try value(name, inline: inline)
                guard !variable.isEmpty else { throw .missingValue(name) }
                options.keyEnv.append(variable)
            case "--refresh": options.refresh = true
            case "--no-cache": options.noCache = true
            case "--offline": options.offline = true
            case "--quiet": options.quiet = true
            case "--status": options.status = true
            case "--revalidate", "--no-revalidate":
                let wanted = name == "--revalidate"
                guard options.revalidate ?? wanted == wanted else { throw .usage("--revalidate and --no-revalidate contradict each other") }
                options.revalidate = wanted
            default: throw .unknownOption(arg)
            }
            if inline != nil, ["--refresh", "--no-cache", "--offline", "--quiet", "--status", "--revalidate", "--no-revalidate"].contains(name) {
                throw .unknownOption(arg)
            }
            i += 1
        }
        if options.offline && (options.refresh || options.noCache) {
            throw .usage("--offline never runs the tool, so it cannot go with --refresh or --no-cache")
        }
        if options.revalidate == true && (options.refresh || options.noCache || options.offline) {
            throw .usage("--revalidate asks the server whether the cached answer changed, so it cannot go with --refresh, --no-cache or --offline")
        }
        return (options, i)
    }
}
