/// The HTTP status line and headers that `gh api --include` prints before the body: the status
/// tells a 304 from a 200, the headers carry the ETag and Last-Modified to store. gh 2.23
/// writes `HTTP/1.1 200 OK\n`, then each header as `Name: value\r\n` (the name between
/// `ESC[1;34m` and `ESC[m` when it colours its output) in sorted order, then `\r\n`. These
/// are bytes from the network (through gh), so every length is bounded and nothing is trusted.
struct ResponseHead: Equatable, Sendable {
    var status: Int
    var validator: Validator?

    /// A head longer than this is not one (no server sends 64 KiB of headers to gh).
    static let limit = 64 << 10
    /// Validator values longer than this, or with bytes outside printable ASCII, are not kept:
    /// they go back into an argument and a request header.
    static let valueLimit = 1024

    /// Where a head stands in the first bytes of stdout.
    enum Scan: Equatable {
        /// Not (yet) a whole head: more bytes may finish it.
        case incomplete
        /// These bytes do not start with a status line, or run past `limit`: no head.
        case notAHead
        /// The head is `bytes[..<end]` (through its empty line).
        case complete(end: Int, head: ResponseHead)
    }

    static func scan(_ bytes: [UInt8]) -> Scan {
        let prefix = Array("HTTP/".utf8)
        guard bytes.prefix(prefix.count).elementsEqual(prefix.prefix(min(bytes.count, prefix.count))) else { return .notAHead }
        var status: Int?
        var etag: String?, lastModified: String?
        var start = 0
        while let newline = bytes[start...].firstIndex(of: 10), newline < limit {
            let line = plain(bytes[start..<newline])
            defer { start = newline + 1 }
            guard let code = status else {
                guard let parsed = statusCode(line) else { return .notAHead }
                status = parsed
                continue
            }
            if line.isEmpty {
                return .complete(end: newline + 1, head: ResponseHead(status: code, validator: Validator(etag: etag, lastModified: lastModified)))
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return .notAHead }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = line[(colon + 1)...].drop { $0 == 32 }
            guard value.count <= valueLimit, value.allSatisfy({ (32...126).contains($0) }), !value.isEmpty else { continue }
            if name == "etag" { etag = String(decoding: value, as: UTF8.self) }
            if name == "last-modified" { lastModified = String(decoding: value, as: UTF8.self) }
        }
        return bytes.count >= limit ? .notAHead : .incomplete
    }

    /// `HTTP/1.1 304 Not Modified` → 304; nil for anything else, a code outside 100–599 too.
    static func statusCode(_ line: [UInt8]) -> Int? {
        guard line.starts(with: Array("HTTP/".utf8)), let space = line.firstIndex(of: 32) else { return nil }
        let digits = line[(space + 1)...].prefix(3)
        guard digits.count == 3, digits.allSatisfy({ (48...57).contains($0) }),
              line.count == space + 4 || line[space + 4] == 32 else { return nil }
        let code = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        return (100...599).contains(code) ? code : nil
    }

    /// A line without its trailing `\r`s and without terminal escape sequences (`ESC [ ... final`).
    static func plain(_ line: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var i = line.startIndex
        while i < line.endIndex {
            if line[i] == 27, i + 1 < line.endIndex, line[i + 1] == UInt8(ascii: "[") {
                i += 2
                while i < line.endIndex, !(64...126).contains(line[i]) { i += 1 }
                i += 1
                continue
            }
            out.append(line[i])
            i += 1
        }
        while out.last == 13 { out.removeLast() }
        return out
    }
}

/// Takes the response head off the start of a run's stdout as it streams (cachewrap added
/// `--include`), or only reads it (the user asked for it: it stays in the answer). Before the
/// head is whole nothing is passed on; once it is, every later chunk passes untouched. Bytes
/// that do not start with a status line pass as they are: gh printed no head (it failed before
/// any response), and nothing may be lost.
struct ResponseHeadFilter {
    let keepsHead: Bool
    private var pending: [UInt8] = []
    private var done = false
    /// The head, once read.
    private(set) var head: ResponseHead?

    init(keepsHead: Bool) { self.keepsHead = keepsHead }

    /// The bytes of `chunk` to pass on: nil for all of it, unchanged (the head is behind us).
    mutating func take(_ chunk: UnsafeRawBufferPointer) -> [UInt8]? {
        guard !done else { return nil }
        pending.append(contentsOf: chunk)
        switch ResponseHead.scan(pending) {
        case .incomplete:
            return []
        case .notAHead:
            return finish()
        case .complete(let end, let read):
            head = read
            if !keepsHead { pending.removeFirst(end) }
            return finish()
        }
    }

    /// What is still held when the output ends (a head cut short passes as it is).
    mutating func finish() -> [UInt8] {
        done = true
        defer { pending = [] }
        return pending
    }
}
