/// Fuzz target: the hot-file decoder (HotFile.decode), which reads `hot/<cid>` files on the hit
/// path. Deliberately thin: the hot-file format is changing, so this calls only the decoder's
/// entry point and asserts nothing about the format.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = HotFile.decode(fuzzInput(data, size),
                       cid: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", cache: "/nonexistent")
    return 0
}
