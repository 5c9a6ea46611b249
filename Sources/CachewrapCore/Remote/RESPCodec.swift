/// One RESP2 reply. Bulk strings are bytes, never `String`, because cached values are binary
/// (they carry NULs, CRLF and invalid UTF-8) and must come back exactly as they were sent.
public enum RESPValue: Equatable, Sendable {
    case simple(String)
    /// An error line, verbatim without the leading `-` (e.g. "NOPERM ...").
    case error(String)
    case integer(Int64)
    /// nil is the null bulk string (`$-1`), e.g. GET of a missing key.
    case bulk([UInt8]?)
    /// nil is the null array (`*-1`).
    case array([RESPValue]?)
}

/// Builds requests in the only form Redis needs from a client: an array of bulk strings, which
/// is binary-safe for every argument (keys, values, passwords).
public enum RESPEncoder {
    /// Appends one command (`["SET", key, value, "PX", "1000", "NX"]`) to `out`, so a pipeline
    /// of commands becomes one buffer and one write.
    public static func append(_ arguments: [[UInt8]], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "*"))
        out.append(contentsOf: String(arguments.count).utf8)
        out.append(contentsOf: crlf)
        for argument in arguments {
            out.append(UInt8(ascii: "$"))
            out.append(contentsOf: String(argument.count).utf8)
            out.append(contentsOf: crlf)
            out.append(contentsOf: argument)
            out.append(contentsOf: crlf)
        }
    }

    /// One command as its own buffer (tests and single commands).
    public static func encode(_ arguments: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        append(arguments, to: &out)
        return out
    }

    static let crlf: [UInt8] = [13, 10]
}

/// An incremental RESP2 parser over a growing byte buffer: bytes arrive from the socket in any
/// split, and `next()` returns a reply only once all of it is there (nil means "read more").
/// Replies are parsed from the start again after each read; that costs a header check per read
/// for a large bulk string, never a copy, because the bulk's bytes are taken once, when complete.
struct RESPReader {
    /// Bytes received and not yet consumed by a returned reply.
    private(set) var buffer: [UInt8] = []
    /// Where the next unconsumed reply starts in `buffer`.
    private var start = 0
    /// Refuses bulk strings and arrays announced larger than this, so a broken or hostile server
    /// cannot make us buffer without bound (the largest sane value is a 64 MiB entry plus envelope).
    let maxReplyBytes: Int
    /// Nested arrays deeper than this are refused, so parsing never recurses without bound.
    static let maxDepth = 8

    init(maxReplyBytes: Int = 256 << 20) { self.maxReplyBytes = maxReplyBytes }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65536 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    mutating func feed(_ bytes: [UInt8]) { bytes.withUnsafeBytes { feed($0) } }

    /// The next complete reply, or nil when more bytes are needed.
    mutating func next() throws(RemoteError) -> RESPValue? {
        var at = start
        guard let value = try parse(at: &at, depth: 0) else { return nil }
        start = at
        return value
    }

    /// Parses one value starting at `at`, advancing it past the value; nil when incomplete.
    private func parse(at: inout Int, depth: Int) throws(RemoteError) -> RESPValue? {
        guard at < buffer.count else { return nil }
        let type = buffer[at]
        guard let line = try lineEnd(from: at + 1) else { return nil }
        let text = String(decoding: buffer[(at + 1)..<line], as: UTF8.self)
        at = line + 2
        switch type {
        case UInt8(ascii: "+"): return .simple(text)
        case UInt8(ascii: "-"): return .error(text)
        case UInt8(ascii: ":"): return .integer(try number(text))
        case UInt8(ascii: "$"):
            let length = try number(text)
            if length == -1 { return .bulk(nil) }
            guard length >= 0, length <= maxReplyBytes else { throw .protocolError("bad bulk length \(text)") }
            let end = at + Int(length)
            guard buffer.count >= end + 2 else { return nil }
            guard buffer[end] == 13, buffer[end + 1] == 10 else { throw .protocolError("bulk string not ended by CRLF") }
            defer { at = end + 2 }
            return .bulk(Array(buffer[at..<end]))
        case UInt8(ascii: "*"):
            let count = try number(text)
            if count == -1 { return .array(nil) }
            guard count >= 0, count <= maxReplyBytes, depth < Self.maxDepth else {
                throw .protocolError("bad array header \(text)")
            }
            var items: [RESPValue] = []
            for _ in 0..<count {
                guard let item = try parse(at: &at, depth: depth + 1) else { return nil }
                items.append(item)
            }
            return .array(items)
        default:
            throw .protocolError("unexpected reply type byte \(type)")
        }
    }

    /// Index of the CR of the first CRLF at or after `from`; nil when the line is still incomplete.
    /// Lines (headers, status and error texts) are short: 64 KiB without a CRLF is garbage, not a
    /// slow server, and is refused rather than buffered.
    private func lineEnd(from: Int) throws(RemoteError) -> Int? {
        var i = from
        while i + 1 < buffer.count {
            if buffer[i] == 13 && buffer[i + 1] == 10 { return i }
            i += 1
        }
        guard buffer.count - from < 65536 else { throw .protocolError("line without CRLF") }
        return nil
    }

    private func number(_ text: String) throws(RemoteError) -> Int64 {
        guard let n = Int64(text) else { throw .protocolError("bad number '\(text.prefix(40))'") }
        return n
    }
}
