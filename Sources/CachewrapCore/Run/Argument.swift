/// One command-line argument as the kernel gave it. Arguments are bytes, not necessarily UTF-8;
/// keeping the bytes lets an invalid argument key distinctly and reach the tool unchanged,
/// while `text` (invalid sequences repaired) serves matching and display.
public struct Argument: Equatable, Sendable {
    public let bytes: [UInt8]
    public let text: String
    public let isValidUTF8: Bool

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        self.text = String(decoding: bytes, as: UTF8.self)
        self.isValidUTF8 = Array(text.utf8) == bytes
    }

    public init(_ text: String) {
        self.bytes = Array(text.utf8)
        self.text = text
        self.isValidUTF8 = true
    }

    /// The process's own arguments, read from argv directly: `CommandLine.arguments` repairs
    /// invalid UTF-8 and would merge distinct byte strings.
    public static func processArguments() -> [Argument] {
        (0..<Int(CommandLine.argc)).map { i in
            guard let p = CommandLine.unsafeArgv[i] else { return Argument(bytes: []) }
            let count = strlenOf(p)
            return Argument(bytes: Array(UnsafeBufferPointer(start: UnsafeRawPointer(p)
                .assumingMemoryBound(to: UInt8.self), count: count)))
        }
    }

    private static func strlenOf(_ p: UnsafePointer<CChar>) -> Int {
        var n = 0
        while p[n] != 0 { n += 1 }
        return n
    }
}

extension Array where Element == Argument {
    /// A NULL-terminated C argv for spawn/exec; the caller frees it with `freeCArgv`.
    func makeCArgv() -> [UnsafeMutablePointer<CChar>?] {
        map { arg in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: arg.bytes.count + 1)
            arg.bytes.withUnsafeBytes { raw in
                for (i, b) in raw.enumerated() { p[i] = CChar(bitPattern: b) }
            }
            p[arg.bytes.count] = 0
            return p
        } + [nil]
    }
}

func freeCArgv(_ argv: [UnsafeMutablePointer<CChar>?]) {
    for p in argv { p?.deallocate() }
}
