/// Fuzz target: the first bytes of a `gh api --include` run's stdout (bytes from the network,
/// through gh), to `ResponseHead.scan` and `ResponseHeadFilter`: whole, in a split of their own,
/// and one byte at a time, keeping the head and taking it off. Whatever arrives, the filter
/// passes on the same bytes however it is split; kept, it passes every byte; taken off, what it
/// passes is the input minus exactly the head it read; a validator is printable ASCII within
/// its limit; a status is an HTTP one (100 to 599).

private func filter(_ chunks: [ArraySlice<UInt8>], keepsHead: Bool) -> (out: [UInt8], head: ResponseHead?) {
    var f = ResponseHeadFilter(keepsHead: keepsHead)
    var out: [UInt8] = []
    for chunk in chunks {
        let copy = Array(chunk)
        out += copy.withUnsafeBytes { f.take($0) } ?? copy
    }
    out += f.finish()
    return (out, f.head)
}

private func checkValue(_ value: String?, _ what: String) {
    guard let value else { return }
    let bytes = Array(value.utf8)
    check(!bytes.isEmpty && bytes.count <= ResponseHead.valueLimit && bytes.allSatisfy { (32...126).contains($0) },
          "\(what) \(value.debugDescription)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    let scan = ResponseHead.scan(bytes)
    check(ResponseHead.scan(bytes) == scan, "scan is not a function of the bytes")
    if case .complete(let end, let head) = scan {
        check(end > 0 && end <= bytes.count && bytes[end - 1] == 10, "the head ends after a newline, at \(end)")
        check((100...599).contains(head.status), "status \(head.status)")
        checkValue(head.validator?.etag, "etag")
        checkValue(head.validator?.lastModified, "last-modified")
        check(ResponseHead.scan(Array(bytes[..<end])) == scan, "the head alone reads the same")
    }
    let splits = [[bytes[...]], pieces(of: bytes), bytes.indices.map { bytes[$0...$0] }]
    let kept = splits.map { filter($0, keepsHead: true) }
    let taken = splits.map { filter($0, keepsHead: false) }
    for (k, t) in zip(kept, taken) {
        check(k.out == bytes, "a kept head passes every byte")
        check(k.head == kept[0].head && t.head == taken[0].head && t.out == taken[0].out, "the split changed what passed")
        let removed = bytes.count - t.out.count
        check(bytes.suffix(t.out.count).elementsEqual(t.out), "what passes is the end of the input")
        if case .complete(let end, let head) = ResponseHead.scan(Array(bytes.prefix(max(removed, 0)))) {
            check(end == removed && t.head == head, "exactly the head was taken off")
        } else {
            check(removed == 0, "\(removed) bytes taken off without a head")
        }
    }
    return 0
}
