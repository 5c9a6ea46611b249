/// Fuzz target: the output frame decoders. `Transcript(frames:)`, `isWellFormed` and
/// `forEachFrame` read frames stored in the database and in team cache values;
/// `FrameStreamWriter` replays a blob file's frames as they arrive in reads of any size. The
/// writer writes to fds 1 and 2, so for each input they are pointed at two scratch files (and
/// put back after): what it wrote must be what the frames hold, in any split.
import Glibc

/// A scratch file per stream, unlinked at once, and the descriptors 1 and 2 had before.
private let scratch: (out: Int32, err: Int32, savedOut: Int32, savedErr: Int32) = {
    func temporary() -> Int32 {
        var template = Array("/tmp/cachewrap-fuzz-frames.XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        precondition(fd >= 0, "mkstemp failed")
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd
    }
    return (temporary(), temporary(), dup(1), dup(2))
}()

private func contents(_ fd: Int32) -> [UInt8] {
    var st = stat()
    fstat(fd, &st)
    var out = [UInt8](repeating: 0, count: Int(st.st_size))
    let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
    precondition(n == out.count, "short read of a scratch file")
    _ = ftruncate(fd, 0)
    _ = lseek(fd, 0, SEEK_SET)
    return out
}

/// What the writer should produce: the payload of each frame, cut short at the end of the
/// bytes, until a frame names a stream other than 1 or 2 (then it stops, not ok).
private func expectedWrites(_ bytes: [UInt8]) -> (out: [UInt8], err: [UInt8], ok: Bool) {
    var out: [UInt8] = [], err: [UInt8] = []
    var at = 0
    while bytes.count - at >= 5 {
        let stream = bytes[at]
        guard stream == 1 || stream == 2 else { return (out, err, false) }
        let length = Int(UInt32(bytes[at + 1]) | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3]) << 16 | UInt32(bytes[at + 4]) << 24)
        let payload = bytes[(at + 5)...].prefix(length)
        if stream == 1 { out += payload } else { err += payload }
        at += 5 + payload.count
    }
    return (out, err, true)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)

    var frames: [(UInt8, [UInt8])] = []
    var malformed = false
    Transcript.forEachFrame(in: bytes, { stream, chunk in frames.append((stream, Array(chunk))) },
                            ifMalformed: { malformed = true })
    let wellFormed = Transcript.isWellFormed(bytes)
    check(wellFormed == (!malformed && frames.allSatisfy { $0.0 == 1 || $0.0 == 2 }), "isWellFormed disagrees with forEachFrame")

    let transcript = Transcript(frames: bytes)
    check((transcript != nil) == wellFormed, "Transcript(frames:) disagrees with isWellFormed")
    let stdout = frames.filter { $0.0 == 1 }.flatMap(\.1), stderr = frames.filter { $0.0 == 2 }.flatMap(\.1)
    if let transcript {
        check(transcript.stream(1) == stdout && transcript.stream(2) == stderr, "a stream's bytes changed")
        check(transcript.stdoutCount == stdout.count && transcript.stderrCount == stderr.count, "stream counts")
        check(Transcript(frames: transcript.bytes) == transcript, "a transcript's own frames read differently")
    }

    // The writer, whole and in a split, onto the scratch files.
    let expected = expectedWrites(bytes)
    if wellFormed { check(expected.ok && expected.out == stdout && expected.err == stderr, "the reference reader is wrong") }
    for split in [[bytes[...]], pieces(of: bytes)] {
        var writer = FrameStreamWriter()
        dup2(scratch.out, 1)
        dup2(scratch.err, 2)
        for piece in split { piece.withUnsafeBytes { writer.feed($0) } }
        dup2(scratch.savedOut, 1)
        dup2(scratch.savedErr, 2)
        let out = contents(scratch.out), err = contents(scratch.err)
        check(writer.ok == expected.ok, "writer ok \(writer.ok), expected \(expected.ok)")
        check(out == expected.out && err == expected.err, "the writer wrote other bytes (\(out.count)/\(err.count), expected \(expected.out.count)/\(expected.err.count))")
    }
    return 0
}
