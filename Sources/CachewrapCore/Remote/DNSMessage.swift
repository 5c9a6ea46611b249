/// A DNS name as its labels, ASCII letters lower-cased: names compare without case (RFC 4343).
struct DNSName: Hashable, Sendable, CustomStringConvertible {
    let labels: [[UInt8]]

    /// RFC 1035's limits: a label of 1...63 bytes, a name of at most 255 bytes on the wire.
    static let maxLabel = 63, maxWire = 255

    init(labels: [[UInt8]]) { self.labels = labels.map(HostsFile.folded) }

    /// A host name as typed (`redis.example.com`, no trailing dot); nil when a label is empty
    /// or too long, or the name is too long for a query.
    init?(_ text: String) {
        let labels = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map(Array.init)
        guard !text.isEmpty, labels.allSatisfy({ (1...Self.maxLabel).contains($0.count) }),
              labels.reduce(1, { $0 + 1 + $1.count }) <= Self.maxWire else { return nil }
        self.init(labels: labels)
    }

    /// Uncompressed wire form: each label after its length, then the root's zero.
    var wire: [UInt8] { labels.flatMap { [UInt8($0.count)] + $0 } + [0] }

    var description: String { labels.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".") }
}

/// The record types the resolver asks for or follows. Every question is of class IN.
enum DNSType {
    static let a: UInt16 = 1, cname: UInt16 = 5, aaaa: UInt16 = 28
}

/// One question: a name and a type (A or AAAA), class IN.
struct DNSQuestion: Hashable, Sendable {
    var name: DNSName
    var type: UInt16

    /// The query for this question with `id`, recursion desired (RFC 1035 4.1).
    func query(id: UInt16) -> [UInt8] {
        [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
            + name.wire + [UInt8(type >> 8), UInt8(type & 0xff), 0, 1]
    }
}

/// A record of the answer section, its data read for the types the resolver uses.
struct DNSRecord: Equatable, Sendable {
    enum Data: Equatable, Sendable {
        case address(IPAddress)
        case alias(DNSName)
        case other
    }
    var name: DNSName
    var type: UInt16
    var data: Data
}

/// A response as a server sent it: bytes from the network, so anything may be in them. Only
/// the header, the question and the answer section are read; authority and additional records
/// are never trusted (no glue), so nothing outside the answer to our question is believed.
struct DNSResponse: Equatable, Sendable {
    var id: UInt16
    /// 0 no error, 2 server failure, 3 no such name (NXDOMAIN), ...
    var rcode: UInt8
    /// TC: the answer did not fit in the datagram. Its answer section is not read.
    var truncated: Bool
    /// The question echoed back; nil when the server sent none (some do with an error).
    var question: DNSQuestion?
    var answers: [DNSRecord]

    static let noError: UInt8 = 0, noSuchName: UInt8 = 3

    /// The response in `bytes`; nil when they are not a well-formed standard-query response
    /// with at most one question (a record running past the end, a bad name, a malformed address).
    static func decode(_ bytes: [UInt8]) -> DNSResponse? {
        var reader = DNSReader(bytes: bytes)
        guard let id = reader.u16(), let flags = reader.u16(), let questions = reader.u16(), let answerCount = reader.u16(),
              reader.u16() != nil, reader.u16() != nil,
              flags & 0x8000 != 0, (flags >> 11) & 0xf == 0, questions <= 1 else { return nil }
        var response = DNSResponse(id: id, rcode: UInt8(flags & 0xf), truncated: flags & 0x0200 != 0, question: nil, answers: [])
        if questions == 1 {
            guard let name = reader.name(), let type = reader.u16(), let qclass = reader.u16() else { return nil }
            if qclass == 1 { response.question = DNSQuestion(name: name, type: type) }
        }
        guard !response.truncated else { return response }
        for _ in 0..<answerCount {
            guard let record = reader.record() else { return nil }
            response.answers.append(record)
        }
        return response
    }

    /// The addresses the answer gives `question`: its records of the question's type, following
    /// CNAMEs from the question's name through the answer section (a loop or a chain longer
    /// than 16 gives none), in the order the server sent them.
    func addresses(for question: DNSQuestion) -> [IPAddress] {
        var name = question.name, seen: Set<DNSName> = [name]
        for _ in 0..<16 {
            let found = answers.compactMap { record -> IPAddress? in
                guard record.name == name, record.type == question.type, case .address(let a) = record.data else { return nil }
                return a
            }
            if !found.isEmpty { return found }
            let alias = answers.lazy.compactMap { record -> DNSName? in
                guard record.name == name, case .alias(let target) = record.data else { return nil }
                return target
            }.first
            guard let alias, seen.insert(alias).inserted else { return [] }
            name = alias
        }
        return []
    }
}

/// Reads a DNS message front to back; every read is bounds-checked and gives nil past `end`
/// (the message's, or a record's data's).
struct DNSReader {
    let bytes: [UInt8]
    var at = 0
    var end: Int

    init(bytes: [UInt8]) {
        self.bytes = bytes
        end = bytes.count
    }

    mutating func u16() -> UInt16? {
        guard at + 2 <= end else { return nil }
        defer { at += 2 }
        return UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
    }

    /// A name at the current position, compression pointers followed (RFC 1035 4.1.4). The
    /// first pointer must go strictly before where the name starts, each further one strictly
    /// before the previous one's target, as any encoder writes them (a pointer can only name
    /// something already written): so pointers cannot loop, and with the 255-byte cap on the
    /// name any input is read in bounded time.
    mutating func name() -> DNSName? {
        var labels: [[UInt8]] = [], position = at, floor = at, length = 1
        var resume: Int?
        while position < end {
            let size = Int(bytes[position])
            switch size & 0xc0 {
            case 0:
                if size == 0 {
                    at = resume ?? position + 1
                    return DNSName(labels: labels)
                }
                length += 1 + size
                guard length <= DNSName.maxWire, position + 1 + size <= end else { return nil }
                labels.append(Array(bytes[(position + 1)...(position + size)]))
                position += 1 + size
            case 0xc0:
                guard position + 1 < end else { return nil }
                let target = (size & 0x3f) << 8 | Int(bytes[position + 1])
                guard target < floor else { return nil }
                if resume == nil { resume = position + 2 }
                floor = target
                position = target
            default:
                return nil  // 0x40 and 0x80: extended label types, obsolete
            }
        }
        return nil
    }

    /// One resource record; A and AAAA data must have exactly their address's length, and a
    /// CNAME's name must end where its data does.
    mutating func record() -> DNSRecord? {
        guard let name = name(), let type = u16(), let rclass = u16(), u16() != nil, u16() != nil,
              let length = u16().map(Int.init), at + length <= end else { return nil }
        let start = at
        at += length
        guard rclass == 1 else { return DNSRecord(name: name, type: type, data: .other) }
        switch type {
        case DNSType.a, DNSType.aaaa:
            guard length == (type == DNSType.a ? 4 : 16), let address = IPAddress(bytes: Array(bytes[start..<at])) else { return nil }
            return DNSRecord(name: name, type: type, data: .address(address))
        case DNSType.cname:
            var inner = self
            (inner.at, inner.end) = (start, at)
            guard let target = inner.name(), inner.at == at else { return nil }
            return DNSRecord(name: name, type: type, data: .alias(target))
        default:
            return DNSRecord(name: name, type: type, data: .other)
        }
    }
}
