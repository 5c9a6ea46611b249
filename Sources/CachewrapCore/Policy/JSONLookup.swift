/// One value read out of a small JSON document by its path of object keys, for the few documents
/// cachewrap must understand (docker's `config.json` and a context's `meta.json`, what an LLM
/// answer says it cost: `AnswerCost`), without linking a JSON parser. Keys match the way Go's
/// encoding/json matches them (ignoring ASCII case, the last of repeated keys winning), so the
/// answer is the value docker itself reads. A document that is not well-formed JSON, or a value
/// there of another kind than asked for, is `unreadable`: the caller cannot tell what the tool
/// will do, and must say so rather than guess.
enum JSONLookup {
    enum Answer: Equatable {
        case string(String)
        /// A number as written (`0.05`, `1e3`): the caller reads it as the kind it needs.
        case number(String)
        /// An object's member names, in order: for objects keyed by a name (gemini's models).
        case members([String])
        /// The path is not there, or ends in `null`: what Go reads as the empty string.
        case absent
        case unreadable
    }

    /// What the value at the end of the path must be.
    enum Kind {
        case string, number, members
    }

    static func string(at path: [String], in document: [UInt8]) -> Answer { value(.string, at: path, in: document) }

    static func number(at path: [String], in document: [UInt8]) -> Answer { value(.number, at: path, in: document) }

    static func members(at path: [String], in document: [UInt8]) -> Answer { value(.members, at: path, in: document) }

    private static func value(_ kind: Kind, at path: [String], in document: [UInt8]) -> Answer {
        var reader = JSONReader(bytes: document)
        guard let answer = reader.find(path.map { $0.utf8.map(JSONReader.lowercase) }[...], kind, depth: 0), reader.atEnd
        else { return .unreadable }
        return answer
    }
}

/// A cursor over a JSON document. Each method returns nil (or false) where the document stops
/// being JSON. Numbers and literals are checked only for their bytes: a document docker refuses
/// fails its command, so reading one leniently cannot name a wrong value.
private struct JSONReader {
    let bytes: [UInt8]
    var i = 0
    /// Deeper nesting is refused, so a hostile file cannot exhaust the stack.
    static let maxDepth = 64

    var atEnd: Bool {
        mutating get { skipSpace(); return i == bytes.count }
    }

    mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    /// Consumes `byte` (after white space) when it comes next.
    mutating func take(_ byte: Character) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte.asciiValue else { return false }
        i += 1
        return true
    }

    /// The value here, searched for `path`: a value of `kind` at its end, else an object whose
    /// members named by the path's first key are searched in turn.
    mutating func find(_ path: ArraySlice<[UInt8]>, _ kind: JSONLookup.Kind, depth: Int) -> JSONLookup.Answer? {
        skipSpace()
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "n") { return skipValue(depth: depth) ? .absent : nil }
        if path.isEmpty && kind != .members { return leaf(kind, depth: depth) }
        guard bytes[i] == UInt8(ascii: "{"), depth < Self.maxDepth else { return unreadable(depth) }
        i += 1
        var answer = JSONLookup.Answer.absent
        var names: [String] = []
        if !take("}") {
            repeat {
                skipSpace()
                guard let key = string(), take(":") else { return nil }
                if path.isEmpty {
                    names.append(key)
                    guard skipValue(depth: depth + 1) else { return nil }
                } else if Array(key.utf8).map(Self.lowercase) == path.first {
                    guard let found = find(path.dropFirst(), kind, depth: depth + 1) else { return nil }
                    answer = found
                } else if !skipValue(depth: depth + 1) {
                    return nil
                }
            } while take(",")
            guard take("}") else { return nil }
        }
        return path.isEmpty ? .members(names) : answer
    }

    /// A string or a number at the cursor, as `kind` asks.
    private mutating func leaf(_ kind: JSONLookup.Kind, depth: Int) -> JSONLookup.Answer? {
        switch (kind, bytes[i]) {
        case (.string, UInt8(ascii: "\"")): return string().map { .string($0) }
        case (.number, UInt8(ascii: "-")), (.number, UInt8(ascii: "0")...UInt8(ascii: "9")):
            let start = i
            guard skipValue(depth: depth) else { return nil }
            return .number(String(decoding: bytes[start..<i], as: UTF8.self))
        default: return unreadable(depth)
        }
    }

    /// A value of another kind than the path needs: unreadable, if it is JSON at all.
    private mutating func unreadable(_ depth: Int) -> JSONLookup.Answer? {
        skipValue(depth: depth) ? .unreadable : nil
    }

    /// Steps over one value of any kind.
    mutating func skipValue(depth: Int) -> Bool {
        skipSpace()
        guard i < bytes.count, depth < Self.maxDepth else { return false }
        switch bytes[i] {
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let object = bytes[i] == UInt8(ascii: "{")
            i += 1
            if take(object ? "}" : "]") { return true }
            repeat {
                if object { skipSpace(); guard string() != nil, take(":") else { return false } }
                guard skipValue(depth: depth + 1) else { return false }
            } while take(",")
            return take(object ? "}" : "]")
        default:
            let start = i
            while i < bytes.count, Self.scalarBytes.contains(bytes[i]) { i += 1 }
            return i > start
        }
    }

    /// Bytes of a number or of true, false and null.
    static let scalarBytes = Set("0123456789+-.eEtruefalsn".utf8)

    /// A string at the cursor, its escapes decoded.
    mutating func string() -> String? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let byte = bytes[i]
            i += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case 0..<0x20: return nil
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { return nil }
                let escape = bytes[i]
                i += 1
                let simple: [UInt8: UInt8] = [0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A,
                                              0x72: 0x0D, 0x74: 0x09]
                if let decoded = simple[escape] { out.append(decoded); continue }
                guard escape == UInt8(ascii: "u"), let scalar = unicodeEscape() else { return nil }
                out += Array(String(Character(scalar)).utf8)
            default: out.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (the `\u` read), joining a surrogate pair; U+FFFD for a lone
    /// surrogate, as Go decodes it.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        guard (0xD800..<0xDC00).contains(high) else { return Unicode.Scalar(high) ?? "\u{FFFD}" }
        let mark = i
        if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
            i += 2
            if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            }
        }
        i = mark
        return "\u{FFFD}"
    }

    private mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[i..<(i + 4)] {
            guard let digit = Character(UnicodeScalar(byte)).hexDigitValue else { return nil }
            value = value << 4 | UInt32(digit)
        }
        i += 4
        return value
    }

    static func lowercase(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }
}
