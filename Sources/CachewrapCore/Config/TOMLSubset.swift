/// The values the config file can hold. TOML has more (floats, dates, inline tables); the subset
/// keeps only what the schema needs, so the parser stays small enough to trust on the hit path.
public enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    /// A single-line array of strings: the only array the schema uses (env names, operations).
    case strings([String])

    /// The name an error message uses for a value of the wrong type.
    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .bool: "a boolean"
        case .strings: "an array"
        }
    }
}

/// One `key = value` line, with its line number so schema errors can point at it.
public struct TOMLEntry: Equatable, Sendable {
    public let key: String
    public let value: TOMLValue
    public let line: Int
}

/// A `[a.b]` table and its entries in file order. The root table (before any header) has an
/// empty path and line 0.
public struct TOMLTable: Equatable, Sendable {
    public let path: [String]
    public let line: Int
    public var entries: [TOMLEntry] = []

    /// The header as the user would write it: `tools.gh.ttl`, `tools."my tool"`.
    public var name: String {
        path.map { TOMLLine.isBareKey($0) ? $0 : "\"\($0)\"" }.joined(separator: ".")
    }
}

/// One problem in the config file: where (nil for the file as a whole) and what.
public struct ConfigIssue: Error, Equatable, Sendable {
    public let line: Int?
    public let message: String

    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }

    /// `PATH:LINE: message`, the form editors and `grep -n` users can jump to.
    public func located(in path: String) -> String {
        line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)"
    }
}

/// The documented TOML subset (docs/config.md): comments, `[dotted.headers]`, and `key = value`
/// with basic strings, integers, booleans and one-line string arrays. Everything else is an
/// error with its line, never a guess. Syntax only: what the keys mean is `ConfigSchema`'s job.
public enum TOMLSubset {
    /// Every table in file order and every syntax error. A bad line is skipped and parsing goes
    /// on, so the user sees all errors at once; entries under a bad header are dropped silently
    /// (their header was already reported).
    public static func parse(_ bytes: [UInt8]) -> (tables: [TOMLTable], issues: [ConfigIssue]) {
        var tables = [TOMLTable(path: [], line: 0)]
        var current: Int? = 0
        var issues: [ConfigIssue] = []
        var content = bytes[...]
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
        for (index, raw) in content.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let lineBytes = raw.last == 0x0D ? raw.dropLast() : raw
            guard let text = String(validating: lineBytes, as: UTF8.self) else {
                issues.append(ConfigIssue(line: number, "not valid UTF-8"))
                continue
            }
            var line = TOMLLine(text)
            do throws(TOMLLine.Syntax) {
                guard !line.atEnd else { continue }
                if line.peek == "[" {
                    current = nil
                    let path = try line.header()
                    if let first = tables.first(where: { $0.path == path && $0.line > 0 }) {
                        let name = TOMLTable(path: path, line: number).name
                        throw TOMLLine.Syntax("table [\(name)] is defined twice (first on line \(first.line))")
                    }
                    tables.append(TOMLTable(path: path, line: number))
                    current = tables.count - 1
                } else {
                    let (key, value) = try line.keyValue()
                    guard let table = current else { continue }
                    if let first = tables[table].entries.first(where: { $0.key == key }) {
                        throw TOMLLine.Syntax("duplicate key '\(key)' (first on line \(first.line))")
                    }
                    tables[table].entries.append(TOMLEntry(key: key, value: value, line: number))
                }
            } catch {
                issues.append(ConfigIssue(line: number, error.message))
            }
        }
        return (tables, issues)
    }
}
