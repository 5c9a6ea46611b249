/// Fuzz target: the DNS response decoder (DNSResponse.decode), which reads datagrams from the
/// network while the team cache's host is looked up. Whatever it accepts has names within
/// RFC 1035's limits and addresses of 4 or 16 bytes, follows its CNAMEs to a bounded answer,
/// and encoded again without compression decodes to the same response. The bytes are also a
/// host name: its query must carry that name and type back out.

/// `response` as a server would send it, names uncompressed; records of data cachewrap does
/// not read go out as class ANY with no data, which read back as `.other` again.
private func encode(_ response: DNSResponse) -> [UInt8] {
    func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    let flags: UInt16 = 0x8000 | (response.truncated ? 0x0200 : 0) | UInt16(response.rcode)
    var out = u16(response.id) + u16(flags) + u16(response.question == nil ? 0 : 1) + u16(UInt16(response.answers.count)) + [0, 0, 0, 0]
    if let question = response.question { out += question.query(id: 0).dropFirst(12) }
    for record in response.answers {
        let (rclass, data): (UInt16, [UInt8]) = switch record.data {
        case .address(let a): (1, a.bytes)
        case .alias(let name): (1, name.wire)
        case .other: (255, [])
        }
        out += record.name.wire + u16(record.type) + u16(rclass) + [0, 0, 0, 1] + u16(UInt16(data.count)) + data
    }
    return out
}

private func checkName(_ name: DNSName) {
    check(name.wire.count <= DNSName.maxWire, "a name longer than 255 bytes")
    check(name.labels.allSatisfy { (1...DNSName.maxLabel).contains($0.count) }, "a label out of 1...63")
    check(name.labels.allSatisfy { !$0.contains { (65...90).contains($0) } }, "a name not lower-cased")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    let response = DNSResponse.decode(bytes)
    check(response == DNSResponse.decode(bytes), "the same bytes decode differently")
    if let response {
        if let question = response.question { checkName(question.name) }
        for record in response.answers {
            checkName(record.name)
            if case .alias(let target) = record.data { checkName(target) }
            if case .address(let a) = record.data { check(a.bytes.count == (record.type == DNSType.a ? 4 : 16), "an address of the wrong size") }
        }
        check(!response.truncated || response.answers.isEmpty, "a truncated answer section was read")
        let all = Set(response.answers.compactMap { record -> IPAddress? in
            if case .address(let a) = record.data { return a }
            return nil
        })
        for name in [response.question?.name].compactMap({ $0 }) + response.answers.prefix(4).map(\.name) {
            for type in [DNSType.a, DNSType.aaaa] {
                check(Set(response.addresses(for: DNSQuestion(name: name, type: type))).isSubset(of: all), "an address not in the answer")
            }
        }
        check(DNSResponse.decode(encode(response)) == response, "encoded again, the response reads differently")
    }

    // The bytes as a host name: a query that states it.
    if let name = DNSName(String(decoding: bytes, as: UTF8.self)) {
        checkName(name)
        let query = DNSQuestion(name: name, type: DNSType.aaaa).query(id: 0xbeef)
        var reader = DNSReader(bytes: query)
        reader.at = 12
        check(reader.name() == name && reader.u16() == DNSType.aaaa && reader.at + 2 == query.count, "a query that does not carry its question")
    }
    return 0
}
