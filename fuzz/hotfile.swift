/// Fuzz target: the hot-file decoder (HotFile.decode), which reads `hot/<cid>` files on the hit
/// path. Each input is decoded twice: as it is (almost always refused by its digest, which must
/// never crash), and with a correct digest appended for the CID, so the parser behind the check
/// sees arbitrary headers, kinds and payloads. What it accepts must be replayable.

private let cid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    _ = HotFile.decode(bytes, cid: cid, cache: "/nonexistent")
    var signed = bytes
    signed.appendLittleEndian(XXH64.hash(bytes, seed: AnswerCheck.seed(cid: cid)))
    if case .found(let result) = HotFile.decode(signed, cid: cid, cache: "/nonexistent") {
        if let blob = result.blob {
            check(blob.name.count == 64 && blob.name.allSatisfy(\.isHexDigit), "a blob name that is not 64 hex digits")
        } else {
            check(Transcript(frames: result.frames) != nil, "accepted frames a replay cannot read")
        }
    }
    return 0
}
