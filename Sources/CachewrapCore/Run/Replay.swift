import Glibc

/// Writes a recorded transcript back to stdout and stderr, chunk by chunk in the recorded order,
/// byte for byte, and only bytes that passed their checks.
enum Replay {
    /// How a replay ended.
    enum Outcome: Equatable {
        case delivered
        /// The stored answer failed a check before any byte was written: a miss.
        case damaged(AnswerCheck.Damage)
        /// Writing to the user failed (their end closed, a full disk): see `WriteFailure`.
        case failed(WriteFailure)

        var failure: WriteFailure? {
            guard case .failed(let failure) = self else { return nil }
            return failure
        }
    }

    static func write(_ frames: [UInt8]) -> Outcome {
        var failure: WriteFailure?
        Transcript.forEachFrame(in: frames, { stream, chunk in
            if failure == nil { failure = WriteFailure.write(Int32(stream), chunk) }
        }, ifMalformed: {})
        return failure.map(Outcome.failed) ?? .delivered
    }

    /// Replays a cached result, small (one row) or large (its blob file checked whole, then
    /// streamed).
    static func write(_ cached: CachedResult) -> Outcome {
        guard let blob = cached.blob else { return write(cached.frames) }
        return FrameStreamWriter.replay(blob)
    }
}

/// A write to the user's stdout or stderr that failed: the stream and errno.
struct WriteFailure: Equatable, Error {
    let fd: Int32
    let code: Int32

    /// Writes all of `bytes` to `fd`; the failure, if it failed.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> WriteFailure? {
        FileIO.writeAll(fd, bytes) ? nil : WriteFailure(fd: fd, code: errno)
    }

    /// `writing stdout: No space left on device`.
    var message: String { "writing \(fd == 1 ? "stdout" : fd == 2 ? "stderr" : "fd \(fd)"): \(errnoText(code))" }

    /// Ends cachewrap as the failure would end `cat`: a closed reader by SIGPIPE, anything else
    /// (ENOSPC, EIO) with a message and `exitCode`.
    func end() -> Int32 {
        if code == EPIPE { SignalForwarding.dieBy(SIGPIPE) }
        Console.error(message)
        return WriteFailure.exitCode
    }

    /// What the shell sees once `end()` ran: 128+SIGPIPE for a closed reader, else `exitCode`.
    var status: Int32 { code == EPIPE ? 128 + SIGPIPE : Self.exitCode }

    /// EX_IOERR: cachewrap could not deliver the answer.
    static let exitCode: Int32 = 74
}
