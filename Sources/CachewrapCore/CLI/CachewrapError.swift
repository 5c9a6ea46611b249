/// Every way cachewrap itself can fail, each with the message the user reads and the exit code
/// scripts rely on (docs/architecture.md, Command line).
public enum CachewrapError: Error, Equatable {
    case unknownOption(String)
    case missingValue(String)
    case badDuration(String)
    case badNumber(option: String, value: String)
    case badSize(String)
    /// A well-formed number past its setting's documented range (see UserNumbers.swift): `name`
    /// as the user wrote the setting, `value` as they wrote it, the bounds as they would.
    case outOfRange(name: String, value: String, low: String, high: String)
    case missingTool
    case usage(String)
    case toolNotFound(String)
    case notExecutable(String)
    case spawnFailed(String, String)
    case offlineMiss(String)
    case noEntry(String)
    case ambiguousPrefix(String, Int)
    case storeUnavailable(String)
    /// The cache dir (or something in it) may have been written by someone else: unused.
    case untrustedCache(String)
    /// A stored answer failed its checks (cid, why): never shown.
    case damagedEntry(String, String)
    /// config.toml has errors (each already printed as PATH:LINE: message); only management
    /// commands fail on it, the wrap path warns and uses the defaults.
    case badConfig(path: String, errors: Int)
    /// `cachewrap init` for a shell it writes no code for.
    case unsupportedShell(String)
    /// The shim directory or one link in it could not be made (path, why).
    case cannotMakeShims(String, String)

    public var message: String {
        switch self {
        case .unknownOption(let o): "unknown option '\(o)' (see 'cachewrap --help'; use 'cachewrap -- CMD' to wrap any command)"
        case .missingValue(let o): "option '\(o)' needs a value"
        case .badDuration(let d): "bad duration '\(d)': use a number with s, m, h or d, e.g. 30s, 10m, 2h, 7d"
        case .badNumber(let o, let v): "option '\(o)' needs a whole number, not '\(v)'"
        case .badSize(let s): "bad size '\(s)': use a number with an optional K, M, G or T suffix, e.g. 500M"
        case .outOfRange(let name, let value, let low, let high): "\(name) must be between \(low) and \(high), not \(value)"
        case .missingTool: "no command given (usage: cachewrap [OPTIONS] TOOL [ARGS...], or cachewrap -- COMMAND)"
        case .usage(let text): text
        case .toolNotFound(let t): "\(t): command not found on PATH"
        case .notExecutable(let p): "\(p): permission denied (not executable)"
        case .spawnFailed(let p, let why): "\(p): cannot run: \(why)"
        case .offlineMiss(let t): "--offline: nothing cached for this \(t) call"
        case .noEntry(let p): "no cache entry matches '\(p)'"
        case .ambiguousPrefix(let p, let n): "'\(p)' matches \(n) entries: give more of the CID"
        case .storeUnavailable(let why): "cache store unavailable: \(why)"
        case .untrustedCache(let why): "not using the cache: \(why)"
        case .damagedEntry(let cid, let why): "entry \(cid) is damaged (\(why)); 'cachewrap rm \(cid)' drops it"
        case .badConfig(let path, let n): "\(path): \(n) \(n == 1 ? "error" : "errors"); until fixed, wrapped tools run with the built-in defaults"
        case .unsupportedShell(let s):
            (s.isEmpty ? "init needs a shell" : "init: unsupported shell '\(s)'") + ": use bash, zsh or fish (e.g. eval \"$(cachewrap init bash)\")"
        case .cannotMakeShims(let p, let why): "cannot make shims: \(p): \(why)"
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .unknownOption, .missingValue, .badDuration, .badNumber, .badSize, .outOfRange, .missingTool, .usage,
             .unsupportedShell: 64
        case .toolNotFound: 127
        case .notExecutable, .spawnFailed: 126
        case .offlineMiss: 69
        case .noEntry, .ambiguousPrefix: 1
        case .storeUnavailable, .damagedEntry: 74
        case .untrustedCache: 77
        case .badConfig: 78
        case .cannotMakeShims: 73
        }
    }
}

extension CachewrapError {
    /// The message for a place that names the setting itself (an environment warning, a config
    /// line): prefixed with `name` unless the message already names it.
    func message(naming name: String) -> String {
        switch self {
        case .outOfRange, .badNumber: message
        default: "\(name): \(message)"
        }
    }
}
