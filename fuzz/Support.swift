/// Helpers shared by every fuzz target (compiled into each one; see fuzz/run.sh).

/// The fuzzer's input as an array.
func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Cuts `bytes` into pieces whose sizes (1...64) come from a hash of the bytes themselves, so
/// each input is also read in a split of its own, without spending input bytes on choosing it
/// (the seed corpus stays plain files of the real format).
func pieces(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
    for b in bytes { state = (state ^ UInt64(b)) &* 0x100_0000_01b3 }
    var out: [ArraySlice<UInt8>] = []
    var at = 0
    while at < bytes.count {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17  // xorshift64
        let n = min(bytes.count - at, 1 + Int(state % 64))
        out.append(bytes[at..<(at + n)])
        at += n
    }
    return out
}

/// A failed invariant: report it and crash, so libFuzzer saves the input.
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
           file: StaticString = #file, line: UInt = #line) {
    if !condition() { fatalError("invariant: \(message())", file: file, line: line) }
}
