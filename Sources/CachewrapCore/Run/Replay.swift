/// Writes a recorded transcript back to stdout and stderr, chunk by chunk in the recorded order,
/// byte for byte.
enum Replay {
    /// False when the user's end went away (`| head`) before everything was written.
    @discardableResult
    static func write(_ frames: [UInt8]) -> Bool {
        var delivered = true
        Transcript.forEachFrame(in: frames, { stream, chunk in
            if delivered { delivered = FileIO.writeAll(Int32(stream), chunk) }
        }, ifMalformed: {})
        return delivered
    }

    /// Replays a cached result, small (one row) or large (streamed from its blob file).
    @discardableResult
    static func write(_ cached: CachedResult) -> Bool {
        cached.inBlobFile ? FrameStreamWriter.replay(file: cached.blobPath) : write(cached.frames)
    }
}
