/// Fuzz target: what an LLM tool's stdout says its answer cost (`AnswerCost.claude`,
/// `AnswerCost.gemini`, read from every stored prompt answer) and the JSON lookups under them
/// (`JSONLookup`, also docker's config reader). The bytes are the tool's stdout, as given and as
/// the last line of a stream. Whatever is read is a price and a count in range; a trailing
/// newline or blank line changes nothing; a lookup of any member name found never traps.

private func checkCost(_ cost: AnswerCost?, _ what: String) {
    guard let cost else { return }
    check(cost.micros >= 0 && cost.micros <= AnswerCost.maxMicros, "\(what): micros \(cost.micros)")
    // Four token counts at most (claude's usage), each within the cap; a sum saturates.
    check(cost.tokens >= 0, "\(what): tokens \(cost.tokens)")
}

private func transcript(_ stdout: [UInt8]) -> Transcript {
    var t = Transcript()
    t.append(stream: 1, stdout)
    return t
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    for (name, read) in [("claude", AnswerCost.claude), ("gemini", AnswerCost.gemini)] {
        let cost = read(transcript(bytes))
        checkCost(cost, name)
        check(read(transcript(bytes)) == cost, "\(name): not a function of the bytes")
        if bytes.last == UInt8(ascii: "\n") || bytes.isEmpty {
            check(read(transcript(bytes + Array(" \n".utf8))) == cost, "\(name): a blank line after it changed the cost")
        }
        // The bytes as the last line of a stream of JSON lines, when they are one line.
        if !bytes.contains(UInt8(ascii: "\n")) {
            checkCost(read(transcript(Array(#"{"type":"system"}"#.utf8) + [0x0A] + bytes)), name + " (last line)")
        }
    }
    // Every member found, looked up as a number, a string and its members.
    if case .members(let names) = JSONLookup.members(at: [], in: bytes) {
        for name in names.prefix(8) {
            _ = JSONLookup.number(at: [name], in: bytes)
            _ = JSONLookup.string(at: [name], in: bytes)
            _ = JSONLookup.members(at: [name], in: bytes)
        }
    }
    for path in [["type"], ["usage", "input_tokens"], ["stats", "models"]] {
        let number = JSONLookup.number(at: path, in: bytes)
        if case .number(let text) = number { check(!text.isEmpty, "an empty number at \(path)") }
    }
    return 0
}
