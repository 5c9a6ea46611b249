import Glibc

/// Moves a running tool's bytes: stdin in (see `StdinFeed`), stdout and stderr out to the user
/// and into the transcript, in the order they were read.
///
/// Output is held back (recorded, not yet shown) while a retry or a stale answer could still
/// replace it, up to `holdBack` bytes; past that it is flushed and the rest streams live, so a
/// long output still shows as it comes and memory stays bounded.
struct OutputPump {
    /// Past this many bytes in memory, the recording continues in a spill file (when there is a
    /// directory for one): the resident size stays bounded whatever the output's size.
    static let memoryLimit = 4 << 20

    let recordLimit: Int
    let holdBack: Int
    let stdin: ToolStdin
    /// Where a spill file may be made; nil records in memory only, up to `memoryLimit`.
    let spillDirectory: String?
    /// The recording's head (all of it, unless it spilled).
    private(set) var transcript = Transcript()
    /// The whole recording once it outgrew memory.
    private(set) var spill: SpillFile?
    /// The recording limit was passed or our reader went away: shown, but not storable.
    private(set) var overflowed = false
    /// Whether what was read so far has reached the user.
    private(set) var shown: Bool
    /// The first write to the user that failed (their end closed, a full disk): that stream is
    /// then closed on the tool too, as it would be without cachewrap.
    private(set) var writeFailure: WriteFailure?
    /// The recording stopped because it passed `recordLimit` (not because a spill failed or the
    /// reader went away): the one reason worth telling the user, who can raise the limit.
    private(set) var overLimit = false
    /// Bytes read from the tool's stdout and stderr, recorded or not.
    private(set) var outputBytes = 0
    /// Reads the response head off the start of stdout (`gh api --include`) before anything
    /// else sees those bytes; nil for every other run.
    private(set) var headFilter: ResponseHeadFilter?

    init(recordLimit: Int, holdBack: Int, stdin: ToolStdin, spillDirectory: String?, headFilter: ResponseHeadFilter? = nil) {
        self.recordLimit = recordLimit
        self.holdBack = holdBack
        self.stdin = stdin
        self.spillDirectory = spillDirectory
        self.shown = holdBack == 0
        self.headFilter = headFilter
    }

    /// Runs until both outputs end (EOF on a pipe, EIO on a pty master). An fd is closed only
    /// when a read returns nothing, never on POLLHUP alone, so the last bytes in a pty's buffer
    /// are read before its EIO. `err` is -1 on a merged run: `out` is then the tool's only
    /// channel, for its stdout and stderr alike.
    mutating func run(out: Int32, err: Int32, input: Int32?) {
        var fds = [pollfd(fd: out, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: err, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: -1, events: 0, revents: 0), pollfd(fd: -1, events: 0, revents: 0)]
        var feed = input.map { StdinFeed(bytes: stdin.feed ?? [], relay: stdin.relaysRest, toTool: $0) }
        defer { feed?.finish() }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while fds[0].fd >= 0 || fds[1].fd >= 0 {
            if let feed { (fds[2], fds[3]) = feed.pollDescriptors }
            if poll(&fds, 4, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            feed?.step(toolReady: fds[2].revents != 0, userReady: fds[3].revents != 0)
            for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                let delivered = n > 0 && buffer.withUnsafeBytes { raw in
                    pass(stream: UInt8(i + 1), UnsafeRawBufferPointer(rebasing: raw[0..<n]))
                }
                if i == 0, n <= 0, let rest = headFilter?.finish(), !rest.isEmpty {
                    _ = rest.withUnsafeBytes { take(stream: 1, $0) }
                }
                if !delivered {
                    // End of this stream, or our reader went away (`| head`): close the tool's
                    // end too, so it meets the broken pipe it would have met alone.
                    if n > 0 { overflowed = true }
                    close(fds[i].fd)
                    fds[i].fd = -1
                }
            }
        }
    }

    /// A chunk as read, through the head filter when it is stdout and there is one.
    private mutating func pass(stream: UInt8, _ chunk: UnsafeRawBufferPointer) -> Bool {
        guard stream == 1, let passed = headFilter?.take(chunk) else { return take(stream: stream, chunk) }
        return passed.isEmpty || passed.withUnsafeBytes { take(stream: stream, $0) }
    }

    /// Records a chunk and shows it (now, or later when held back); false when the user's end
    /// of the stream is gone.
    private mutating func take(stream: UInt8, _ chunk: UnsafeRawBufferPointer) -> Bool {
        let wasShown = shown
        outputBytes += chunk.count
        if !overflowed { record(stream: stream, chunk) }
        if wasShown { return show(stream: stream, chunk) }
        // Still held back: the chunk is in the in-memory head unless recording stopped or spilled.
        let inHead = !overflowed && spill == nil
        if inHead && transcript.bytes.count <= holdBack { return true }
        guard flush() else { return false }
        return inHead || show(stream: stream, chunk)
    }

    private mutating func show(stream: UInt8, _ chunk: UnsafeRawBufferPointer) -> Bool {
        guard let failure = WriteFailure.write(Int32(stream), chunk) else { return true }
        if writeFailure == nil { writeFailure = failure }
        return false
    }

    /// Adds a chunk to the recording: in memory, then in a spill file, and gives up (overflow)
    /// past the record limit or when no spill file can be had.
    private mutating func record(stream: UInt8, _ chunk: UnsafeRawBufferPointer) {
        let recorded = spill?.size ?? transcript.bytes.count
        guard recorded + chunk.count + 5 <= recordLimit else {
            overLimit = true
            return giveUp()
        }
        if let spill {
            if !spill.append(stream: stream, chunk) { giveUp() }
            return
        }
        guard transcript.bytes.count + chunk.count > OutputPump.memoryLimit else {
            return transcript.append(stream: stream, chunk)
        }
        guard let directory = spillDirectory, let file = SpillFile.create(in: directory),
              file.appendFrames(transcript.bytes, stdout: transcript.stdoutCount, stderr: transcript.stderrCount),
              file.append(stream: stream, chunk) else { return giveUp() }
        spill = file
    }

    /// The output will not be stored: drop what was recorded, keeping what is still held back
    /// so it can be shown.
    private mutating func giveUp() {
        overflowed = true
        spill = nil
    }

    /// Shows everything held back so far and streams live from now on.
    private mutating func flush() -> Bool {
        guard !shown else { return true }
        shown = true
        guard case .failed(let failure) = Replay.write(transcript.bytes) else { return true }
        if writeFailure == nil { writeFailure = failure }
        return false
    }
}
