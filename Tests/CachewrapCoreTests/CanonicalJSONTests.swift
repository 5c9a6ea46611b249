import Testing

@testable import CachewrapCore

/// RFC 8785 (JCS) canonical form: ordering, escaping, numbers and structure.
@Suite struct CanonicalJSONTests {
    /// The example of RFC 8785 section 3.2.2, built from the parsed values of its input.
    @Test func rfc8785MainExample() {
        let value: JSONValue = [
            "numbers": [.number(333333333.33333329), .number(1E30), .number(4.50), .number(2e-3),
                        .number(0.000000000000000000000000001)],
            "string": .string("\u{20ac}$\u{000F}\u{000a}A'\u{0042}\u{0022}\u{005c}\\\"/"),
            "literals": [nil, true, false],
        ]
        #expect(value.canonicalText
            == #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"#
            + #""string":"€$\u000f\nA'B\"\\\\\"/"}"#)
    }

    /// RFC 8785 section 3.2.3: keys sort by UTF-16 code units, so the emoji (a surrogate pair,
    /// D83D DE00) sorts before U+FB33 although its scalar value is larger.
    @Test func rfc8785SortExample() {
        let value: JSONValue = [
            "\u{20ac}": "Euro Sign",
            "\r": "Carriage Return",
            "\u{fb33}": "Hebrew Letter Dalet With Dagesh",
            "1": "One",
            "\u{1f600}": "Emoji: Grinning Face",
            "\u{0080}": "Control",
            "\u{00f6}": "Latin Small Letter O With Diaeresis",
        ]
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{0080}\":\"Control\","
            + "\"\u{00f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\","
            + "\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(value.canonicalText == expected)
        #expect(value.canonicalBytes == Array(expected.utf8))
    }

    @Test func keysSortByCodeUnitsNotLength() {
        let value: JSONValue = ["b": 1, "a": 2, "aa": 3, "B": 4, "": 5]
        #expect(value.canonicalText == #"{"":5,"B":4,"a":2,"aa":3,"b":1}"#)
    }

    @Test func controlCharactersAndSpecialsEscape() {
        var raw = ""
        for scalar in 0..<0x20 { raw.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        let expected = #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
            + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f""#
        #expect(JSONValue.string(raw).canonicalText == expected)
        #expect(JSONValue.string("a\"b\\c/d\u{7f}").canonicalText == "\"a\\\"b\\\\c/d\u{7f}\"")
        #expect(JSONValue.string("\u{2028}\u{2029}é😀").canonicalText == "\"\u{2028}\u{2029}é😀\"")
    }

    /// RFC 8785 appendix B, every example that is a finite Double, given by its bit pattern.
    @Test(arguments: [
        (0x0000000000000000, "0"), (0x8000000000000000, "0"),
        (0x0000000000000001, "5e-324"), (0x8000000000000001, "-5e-324"),
        (0x7fefffffffffffff, "1.7976931348623157e+308"), (0xffefffffffffffff, "-1.7976931348623157e+308"),
        (0x4340000000000000, "9007199254740992"), (0xc340000000000000, "-9007199254740992"),
        (0x4430000000000000, "295147905179352830000"),
        (0x44b52d02c7e14af5, "9.999999999999997e+22"), (0x44b52d02c7e14af6, "1e+23"),
        (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
        (0x444b1ae4d6e2ef4e, "999999999999999700000"), (0x444b1ae4d6e2ef4f, "999999999999999900000"),
        (0x444b1ae4d6e2ef50, "1e+21"),
        (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"), (0x3eb0c6f7a0b5ed8d, "0.000001"),
        (0x41b3de4355555553, "333333333.3333332"), (0x41b3de4355555554, "333333333.33333325"),
        (0x41b3de4355555555, "333333333.3333333"), (0x41b3de4355555556, "333333333.3333334"),
        (0x41b3de4355555557, "333333333.33333343"),
        (0xbecbf647612f3696, "-0.0000033333333333333333"), (0x43143ff3c1cb0959, "1424953923781206.2"),
    ] as [(UInt64, String)])
    func rfc8785Numbers(bits: UInt64, expected: String) {
        #expect(JSONValue.number(Double(bitPattern: bits)).canonicalText == expected)
    }

    @Test func numberLayoutBoundaries() {
        let cases: [(Double, String)] = [
            (1, "1"), (-1.5, "-1.5"), (100, "100"), (1e20, "100000000000000000000"), (1e21, "1e+21"),
            (1.5e21, "1.5e+21"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"),
            (123e-20, "1.23e-18"), (0.1, "0.1"), (1e16, "10000000000000000"), (-0.0, "0"),
        ]
        for (value, expected) in cases {
            #expect(JSONValue.number(value).canonicalText == expected, "\(value)")
        }
        #expect(JSONValue.number(.nan).canonicalText == "null")
        #expect(JSONValue.number(.infinity).canonicalText == "null")
        #expect(JSONValue.number(-.infinity).canonicalText == "null")
    }

    @Test func integersArePlainDecimal() {
        #expect(JSONValue.int(0).canonicalText == "0")
        #expect(JSONValue.int(-42).canonicalText == "-42")
        #expect(JSONValue.int(.max).canonicalText == "9223372036854775807")
        #expect(JSONValue.int(.min).canonicalText == "-9223372036854775808")
    }

    @Test func nestedAndEmptyContainers() {
        let value: JSONValue = [
            "z": [[], [:], [[1, 2], ["b": nil, "a": [true]]]],
            "a": ["y": ["x": "deep", "w": [:]]],
            "empty": "",
        ]
        #expect(value.canonicalText
            == #"{"a":{"y":{"w":{},"x":"deep"}},"empty":"","z":[[],{},[[1,2],{"a":[true],"b":null}]]}"#)
        #expect(JSONValue.array([]).canonicalText == "[]")
        #expect(JSONValue.object([:]).canonicalText == "{}")
        #expect(JSONValue.null.canonicalText == "null")
    }
}
