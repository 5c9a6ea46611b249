import Glibc

/// What one run of a tool produced.
public struct RunOutcome: Sendable {
    /// The exit code, or 128+N when the tool died of signal N (the shell's convention).
    public var status: Int32
    public var transcript: Transcript
    /// The output outgrew the recording limit: it was shown in full but cannot be stored.
    public var overflowed: Bool
    public var durationMs: Int64
}

/// Runs a tool with stdout and stderr on pipes, copying every chunk live to our own stdout and
/// stderr while recording it, so the user sees output as it happens and the cache gets the
/// same bytes in the same order.
struct ChildProcess {
    let path: String
    let arguments: [Argument]
    /// Bytes to feed on the tool's stdin; nil lets the tool inherit ours.
    let stdinData: [UInt8]?
    /// Stop recording (but keep streaming) past this many bytes.
    let recordLimit: Int

    func run() throws(CachewrapError) -> RunOutcome {
        // A closed reader must show up as EPIPE from write, not kill cachewrap mid-recording;
        // the tool itself gets the default SIGPIPE back through the spawn attributes.
        signal(SIGPIPE, SIG_IGN)
        let started = Clock.nowMs()
        let out = try makePipe(), err = try makePipe()
        let input = stdinData == nil ? nil : try makePipe()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input { posix_spawn_file_actions_adddup2(&actions, input.read, 0) }
        posix_spawn_file_actions_adddup2(&actions, out.write, 1)
        posix_spawn_file_actions_adddup2(&actions, err.write, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, sig) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = arguments.makeCArgv()
        defer { freeCArgv(argv) }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        close(out.write)
        close(err.write)
        if let input { close(input.read) }
        guard rc == 0 else {
            close(out.read); close(err.read)
            if let input { close(input.write) }
            throw rc == EACCES || rc == ENOEXEC ? .notExecutable(path) : .spawnFailed(path, errnoText(rc))
        }

        var transcript = Transcript()
        let overflowed = pump(out: out.read, err: err.read, input: input?.write, into: &transcript)
        let status = waitForExit(pid)
        return RunOutcome(status: status, transcript: overflowed ? Transcript() : transcript,
                          overflowed: overflowed, durationMs: Clock.nowMs() - started)
    }

    /// Moves bytes until both output pipes close: stdin data in, output out to the user and into
    /// the transcript. Returns whether the recording limit was passed.
    private func pump(out: Int32, err: Int32, input: Int32?, into transcript: inout Transcript) -> Bool {
        var fds = [pollfd(fd: out, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: err, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: input ?? -1, events: Int16(POLLOUT), revents: 0)]
        if let input { _ = fcntl(input, F_SETFL, fcntl(input, F_GETFL) | O_NONBLOCK) }
        var written = 0
        var overflowed = false
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while fds[0].fd >= 0 || fds[1].fd >= 0 {
            if poll(&fds, 3, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[2].fd >= 0, fds[2].revents != 0, let data = stdinData {
                let n = data.withUnsafeBytes { raw in
                    write(fds[2].fd, raw.baseAddress! + written, raw.count - written)
                }
                if n > 0 { written += n }
                if n < 0 && errno != EAGAIN && errno != EINTR || written == data.count {
                    close(fds[2].fd)
                    fds[2].fd = -1
                }
            }
            for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    close(fds[i].fd)
                    fds[i].fd = -1
                    continue
                }
                let target: Int32 = i == 0 ? 1 : 2
                let delivered = buffer.withUnsafeBytes { raw in
                    let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                    guard FileIO.writeAll(target, chunk) else { return false }
                    guard !overflowed else { return true }
                    if transcript.bytes.count + n > recordLimit {
                        overflowed = true
                        transcript = Transcript()
                    } else {
                        transcript.append(stream: UInt8(i + 1), chunk)
                    }
                    return true
                }
                if !delivered {
                    // Our reader went away (`| head`): close the tool's pipe too, so it meets the
                    // broken pipe it would have met alone, and keep the partial output unstored.
                    close(fds[i].fd)
                    fds[i].fd = -1
                    overflowed = true
                }
            }
        }
        if fds[2].fd >= 0 { close(fds[2].fd) }
        return overflowed
    }

    private func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let termSig = status & 0x7f
        return termSig == 0 ? (status >> 8) & 0xff : 128 + termSig
    }

    private func makePipe() throws(CachewrapError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .spawnFailed(path, errnoText(errno)) }
        // Close-on-exec, so only the dup2'd copies reach the tool (Glibc's module lacks pipe2).
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
}

func errnoText(_ code: Int32) -> String { String(cString: strerror(code)) }

/// Wall-clock milliseconds, for entry timestamps and run durations.
public enum Clock {
    public static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
