/// A JSON value that serialises to exactly one byte sequence: RFC 8785 (JCS) canonical form.
/// The cache key is the CID of such a document, so two equal documents must always produce equal
/// bytes, and other JCS implementations must be able to reproduce them.
///
/// `int` exists beside `number` so counts and widths print as plain decimals without a detour
/// through `Double`. Object keys are Swift `String`s, which compare by canonical equivalence:
/// keys that differ only in Unicode normalisation (NFC vs NFD) are the same key here.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The canonical UTF-8 bytes: what gets hashed into the key.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        append(to: &out)
        return out
    }

    /// The canonical form as text, for storing and showing the key document.
    public var canonicalText: String {
        String(decoding: canonicalBytes, as: UTF8.self)
    }

    /// Writes this value in canonical form to the end of `out`.
    private func append(to out: inout [UInt8]) {
        switch self {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let value):
            out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value):
            out.append(contentsOf: String(value).utf8)
        case .number(let value):
            out.append(contentsOf: Self.format(value).utf8)
        case .string(let value):
            Self.appendString(value, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.append(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            // JCS sorts by UTF-16 code units, not by scalars or UTF-8 bytes: these differ once
            // characters outside the Basic Multilingual Plane meet ones above U+E000.
            let sorted = members.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
            out.append(UInt8(ascii: "{"))
            for (index, member) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.append(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Writes a quoted string with only the escapes JCS prescribes: the two-character forms for
    /// `"` `\` and five control characters, `\u00xx` (lowercase) for the other controls, and
    /// every other scalar, `/` and U+2028 included, as literal UTF-8.
    private static func appendString(_ string: String, to out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0c: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0a: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0d: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array(#"\u00"#.utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Formats a double as ECMAScript's Number.prototype.toString does, which JCS requires.
    /// Swift's `description` already yields the shortest round-trip digits; only the layout
    /// differs (Swift writes `1e-07`, `1e+16`, `1.0`), so the digits and exponent are taken from
    /// it and laid out again by the ECMAScript rules. NaN and infinities have no JSON form and
    /// become `null`; -0 becomes `0`.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == 0 { return "0" }
        var text = Substring(value.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...].drop(while: { $0 == "+" }))!
            text = text[..<e]
        }
        // value = 0.<digits> x 10^n, with no leading or trailing zeros in digits.
        var digits = Array(text.utf8.filter { $0 != UInt8(ascii: ".") })
        var n = (text.firstIndex(of: ".").map { text.distance(from: text.startIndex, to: $0) } ?? text.count)
            + exponent
        while digits.first == UInt8(ascii: "0") { digits.removeFirst(); n -= 1 }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let k = digits.count
        var out: [UInt8] = value < 0 ? [UInt8(ascii: "-")] : []
        if k <= n && n <= 21 {
            out += digits + Array(repeating: UInt8(ascii: "0"), count: n - k)
        } else if 0 < n && n <= 21 {
            out += digits[..<n] + [UInt8(ascii: ".")] + digits[n...]
        } else if -6 < n && n <= 0 {
            out += Array("0.".utf8) + Array(repeating: UInt8(ascii: "0"), count: -n) + digits
        } else {
            out.append(digits[0])
            if k > 1 { out += [UInt8(ascii: ".")] + digits[1...] }
            out += Array((n - 1 < 0 ? "e-" : "e+").utf8) + Array(String((n - 1).magnitude).utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Literal conformances so documents (and tests) can be written as Swift literals.
extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Later duplicates win, matching how a JSON parser that keeps the last member behaves.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
