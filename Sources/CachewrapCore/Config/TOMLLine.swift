/// A cursor over one line of the config file. Every construct of the subset fits on one line,
/// so a line is the unit of parsing and of error reporting.
struct TOMLLine {
    /// What is wrong with the line, in words a user can act on.
    struct Syntax: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    /// After optional blanks: the end of the line or a comment.
    var atEnd: Bool {
        mutating get {
            skipBlanks()
            return peek == nil || peek == "#"
        }
    }

    /// Bare keys in TOML: ASCII letters, digits, `_` and `-`.
    static func isBareKey(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy(isBareScalar)
    }

    private static func isBareScalar(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || s == "_" || s == "-"
    }

    private mutating func skipBlanks() {
        while peek == " " || peek == "\t" { index += 1 }
    }

    /// The rest of the line from the cursor, to quote in an error message.
    private var rest: String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[index...])
        return String(out)
    }

    private mutating func expectEnd(after what: String) throws(Syntax) {
        guard atEnd else { throw Syntax("unexpected '\(rest)' after the \(what)") }
    }

    /// `[a.b."c d"]`, blanks allowed around the dots; the cursor is on `[`.
    mutating func header() throws(Syntax) -> [String] {
        index += 1
        if peek == "[" { throw Syntax("arrays of tables ([[...]]) are not supported") }
        var path: [String] = []
        repeat {
            skipBlanks()
            if path.isEmpty && peek == "]" { throw Syntax("empty table name []") }
            path.append(try key())
            skipBlanks()
            if peek == "." { index += 1; continue }
            guard peek == "]" else { throw Syntax(peek == nil ? "missing ']' at the end of the header" : "expected '.' or ']' in the header, found '\(rest)'") }
            index += 1
            try expectEnd(after: "header")
            return path
        } while true
    }

    /// `key = value`, then nothing but a comment.
    mutating func keyValue() throws(Syntax) -> (String, TOMLValue) {
        let key = try key()
        skipBlanks()
        if peek == "." { throw Syntax("dotted keys are not supported: put '\(key)' under a [section] header") }
        guard peek == "=" else { throw Syntax("expected '=' after the key '\(key)'") }
        index += 1
        skipBlanks()
        let value = try value()
        try expectEnd(after: "value")
        return (key, value)
    }

    /// A bare key or a "quoted" one.
    private mutating func key() throws(Syntax) -> String {
        if peek == "\"" { return try basicString() }
        if peek == "'" { throw Syntax("literal strings ('...') are not supported: use double quotes") }
        let start = index
        while let s = peek, Self.isBareScalar(s) { index += 1 }
        if let s = peek, !" \t=.]".unicodeScalars.contains(s) {
            throw Syntax("a bare key may hold only letters, digits, '_' and '-': quote it (\"...\")")
        }
        guard index > start else { throw Syntax("missing key") }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start..<index])
        return String(out)
    }

    private mutating func value() throws(Syntax) -> TOMLValue {
        switch peek {
        case nil, "#": throw Syntax("missing value after '='")
        case "\"": return .string(try basicString())
        case "[": return .strings(try array())
        case "'": throw Syntax("literal strings ('...') are not supported: use double quotes")
        case "{": throw Syntax("inline tables ({...}) are not supported: use a [section] header")
        default: return try word()
        }
    }

    /// An unquoted value: true, false or an integer.
    private mutating func word() throws(Syntax) -> TOMLValue {
        let start = index
        while let s = peek, s != " ", s != "\t", s != "#", s != ",", s != "]" { index += 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<index])
        let text = String(view)
        guard !text.isEmpty else { throw Syntax("expected a value: a \"string\", a number, true, false or [\"a\", \"b\"]") }
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: return .integer(try Self.integer(text))
        }
    }

    /// `42`, `-1`, `+7`, `1_000`; no leading zeros, floats or other bases.
    private static func integer(_ text: String) throws(Syntax) -> Int64 {
        let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
        let isDigit = { (c: Character) in c.isASCII && c.isNumber }
        guard let first = digits.first, isDigit(first), digits.allSatisfy({ isDigit($0) || $0 == "_" }) else {
            let floatLike = digits.first.map(isDigit) == true && digits.contains { $0 == "." || $0 == "e" || $0 == "E" }
            throw Syntax(floatLike ? "'\(text)': floats are not supported: use a whole number"
                                   : "unquoted value '\(text)': strings need double quotes (\"\(text)\")")
        }
        if digits.hasSuffix("_") || digits.contains("__") {
            throw Syntax("'\(text)': '_' must sit between digits")
        }
        if digits.count > 1 && first == "0" { throw Syntax("'\(text)': leading zeros are not allowed") }
        guard let value = Int64(text.filter { $0 != "_" }) else { throw Syntax("'\(text)' is too large") }
        return value
    }

    /// `["a", "b",]` on one line; the cursor is on `[`.
    private mutating func array() throws(Syntax) -> [String] {
        index += 1
        var items: [String] = []
        while true {
            skipBlanks()
            switch peek {
            case "]": index += 1; return items
            case nil, "#": throw Syntax("missing ']': an array must open and close on one line")
            case "\"": items.append(try basicString())
            default: throw Syntax("arrays may hold only double-quoted strings, found '\(rest)'")
            }
            skipBlanks()
            if peek == "," { index += 1 } else if peek != "]" {
                throw Syntax(peek == nil || peek == "#" ? "missing ']': an array must open and close on one line" : "expected ',' or ']' in the array, found '\(rest)'")
            }
        }
    }

    /// `"..."` with the escapes \" \\ \n \t; the cursor is on the opening quote.
    private mutating func basicString() throws(Syntax) -> String {
        index += 1
        if peek == "\"" && index + 1 < scalars.count && scalars[index + 1] == "\"" {
            throw Syntax("multi-line strings (\"\"\") are not supported")
        }
        var out = String.UnicodeScalarView()
        while let s = peek {
            index += 1
            switch s {
            case "\"": return String(out)
            case "\\":
                switch peek {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "n": out.append("\n")
                case "t": out.append("\t")
                case nil: throw Syntax("unterminated string: missing closing '\"'")
                case let other?: throw Syntax("unsupported escape '\\\(other)': use \\\", \\\\, \\n or \\t")
                }
                index += 1
            default:
                if s.value < 0x20 && s != "\t" || s.value == 0x7F {
                    throw Syntax("control character U+\(String(s.value, radix: 16, uppercase: true)) in a string: use an escape")
                }
                out.append(s)
            }
        }
        throw Syntax("unterminated string: missing closing '\"'")
    }
}
