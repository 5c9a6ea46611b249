import Glibc

/// What one run of a tool produced.
public struct RunOutcome: Sendable {
    /// The exit code, or 128+N when the tool died of signal N (the shell's convention).
    public var status: Int32
    public var transcript: Transcript
    /// The output was shown in full but cannot be stored: it outgrew the recording limit, our
    /// reader went away mid-run, or a terminal run had no pseudo-terminal to record through.
    public var overflowed: Bool
    public var durationMs: Int64
    /// Whether the output already reached the user (live, or flushed past the hold-back limit).
    /// A run the user has seen is final: it cannot be retried or replaced by a stale answer.
    public var shown = true
    /// The signal cachewrap itself received while the tool ran (Ctrl-C, kill): never stored.
    public var interruptedBy: Int32? = nil
    /// The whole recording when it outgrew memory; `transcript` then holds only its head.
    var spill: SpillFile? = nil
    /// A write of the live output to the user failed: the answer did not reach them whole.
    var writeFailure: WriteFailure? = nil
    /// The output's size when it passed the recording limit (one reason for `overflowed`, the
    /// only one the user is told about); nil otherwise.
    var overLimitBytes: Int? = nil
    /// Bytes the tool wrote on stdout and stderr, recorded or not (for the call's report).
    var outputBytes = 0
    /// The HTTP response head read off stdout (`gh api --include`, see `ResponseHeadFilter`).
    var responseHead: ResponseHead? = nil

    /// Bytes the tool wrote on stdout and stderr, whether recorded in memory or spilled.
    var stdoutCount: Int { spill?.stdoutCount ?? transcript.stdoutCount }
    var stderrCount: Int { spill?.stderrCount ?? transcript.stderrCount }

    public init(status: Int32, transcript: Transcript, overflowed: Bool, durationMs: Int64) {
        self.status = status
        self.transcript = transcript
        self.overflowed = overflowed
        self.durationMs = durationMs
    }
}

/// Runs a tool with its output recorded, copying every chunk live to our own stdout and stderr,
/// so the user sees output as it happens and the cache gets the same bytes in the same order.
///
/// stdout is a pipe when ours is not a terminal, and a pseudo-terminal of our terminal's size when
/// it is, so the tool prints what it would print on the user's terminal. stderr is a pipe of its
/// own, unless our stdout and stderr are one output (`2>&1`, or one terminal on both: the shape
/// is `merged`); then the tool's fd 2 is the very pipe or pseudo-terminal of its fd 1. Why: two
/// channels drained by one poll loop cannot tell the order of writes that come faster than they
/// are read (`out1`, `err`, `out2` would show as `out1 out2 err`), while one channel holds every
/// byte in the order the tool wrote it. That one stream is recorded as stdout and written to our
/// fd 1, live and on replay, which is the same output as our fd 2. On a terminal it also makes
/// stderr a terminal for the tool exactly when it would be one alone (tools colour stderr on
/// isatty(2)). Split outputs stay split: the user keeps them apart, and so does the recording.
///
/// Reading the pty's master ends with EIO instead of EOF once the tool (and anything it left
/// running) has closed its end; Linux hands out every buffered byte before that EIO, and `pump`
/// keeps reading on POLLHUP until the read itself fails, so nothing written just before exit is
/// lost.
///
/// The tool stays in cachewrap's session and process group, and the pty is NOT its controlling
/// terminal (no setsid/TIOCSCTTY). Why:
/// - Ctrl-C, Ctrl-\ and Ctrl-Z on the user's terminal go to its foreground process group, which
///   holds cachewrap and the tool: the tool gets SIGINT/SIGQUIT/SIGTSTP straight from the kernel,
///   as it would alone, and job control (`fg`) resumes both. A new session would need cachewrap
///   to forward every such signal by hand, and could not forward a stop faithfully.
/// - A tool that queries the terminal (gh's glamour sends OSC 11 + `ESC[6n` to learn the
///   background colour) first checks that its stdout is its foreground controlling terminal; on
///   ours it is not, so it skips the query and uses its default. Were the pty its controlling
///   terminal, the query would be recorded and replayed to the user's terminal, whose answer
///   would land on the user's shell prompt while the tool waited seconds for a reply that cannot
///   come. (The cached output therefore never depends on an answer that is not in the key.)
/// - /dev/tty still means the user's terminal, as it does without cachewrap.
/// The window size is copied once at start and not updated on SIGWINCH: the recorded output
/// must have the width the key says.
struct ChildProcess {
    let path: String
    let arguments: [Argument]
    /// What the tool reads (see `ToolStdin`).
    let stdin: ToolStdin
    /// The shape of our stdout, as the key recorded it: a terminal means a terminal run, merged
    /// means one channel for the tool's stdout and stderr.
    let terminal: TerminalShape
    /// Stop recording (but keep streaming) past this many bytes.
    let recordLimit: Int
    /// Keep up to this many bytes from the user until the run ends (0: stream live), so a failed
    /// attempt can be retried, or replaced by a stale answer, without the user seeing it.
    var holdBack = 0
    /// Where a large recording may spill to disk (the cache directory); nil keeps it in memory.
    var spillDirectory: String? = nil
    /// Work to do once the tool is started and before its output is read: it overlaps the
    /// tool's own start-up (exec, dynamic loading) on another core. Output waits in the pipe
    /// meanwhile, so nothing is lost or reordered.
    var whileStarting: (() -> Void)? = nil
    /// Reads (and unless the user asked for it, removes) the response head gh prints first
    /// under `--include`, for a call that may be revalidated.
    var headFilter: ResponseHeadFilter? = nil

    func run() throws(CachewrapError) -> RunOutcome {
        // A closed reader must show up as EPIPE from write, not kill cachewrap mid-recording;
        // the tool itself gets the default SIGPIPE back through the spawn attributes.
        signal(SIGPIPE, SIG_IGN)
        let started = Clock.nowMs()
        let out = try stdoutChannel()
        // Without a pseudo-terminal to record through, stderr keeps a pipe, as on a split run.
        let merged = terminal.merged && out.recorded
        let err: (read: Int32, write: Int32)?
        let input: (read: Int32, write: Int32)?
        do {
            err = merged ? nil : try makePipe()
            input = stdin.feed == nil ? nil : try makePipe()
        } catch {
            out.closeBoth()
            throw error
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        } else if terminal.isTerminal && stdin == .guarded {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if out.write >= 0 { posix_spawn_file_actions_adddup2(&actions, out.write, 1) }
        posix_spawn_file_actions_adddup2(&actions, err?.write ?? out.write, 2)

        SignalForwarding.hold()
        let (pid, rc) = Spawn.start(path, arguments, actions: &actions)
        // posix_spawn returns after the exec, so the tool holds its own copy of the pty's slave
        // by now: closing ours cannot make the master report EIO before the tool ran.
        if out.write >= 0 { close(out.write) }
        if let err { close(err.write) }
        if let input { close(input.read) }
        guard rc == 0 else {
            _ = SignalForwarding.end()
            if out.read >= 0 { close(out.read) }
            if let err { close(err.read) }
            if let input { close(input.write) }
            throw Spawn.failure(path, rc)
        }

        SignalForwarding.begin(child: pid)
        whileStarting?()
        // Without a pty the tool writes to our terminal directly: nothing may be held back then.
        var pump = OutputPump(recordLimit: recordLimit, holdBack: out.recorded ? holdBack : 0, stdin: stdin,
                              spillDirectory: spillDirectory, headFilter: headFilter)
        pump.run(out: out.read, err: err?.read ?? -1, input: input?.write)
        let status = Spawn.wait(pid).status
        let interruptedBy = SignalForwarding.end()
        let overflowed = pump.overflowed || !out.recorded
        var outcome = RunOutcome(status: status, transcript: overflowed ? Transcript() : pump.transcript,
                                 overflowed: overflowed, durationMs: Clock.nowMs() - started)
        outcome.transcript.merged = merged
        outcome.shown = pump.shown
        outcome.interruptedBy = interruptedBy
        outcome.spill = overflowed ? nil : pump.spill
        outcome.writeFailure = pump.writeFailure
        outcome.overLimitBytes = pump.overLimit ? pump.outputBytes : nil
        outcome.outputBytes = pump.outputBytes
        outcome.responseHead = pump.headFilter?.head
        return outcome
    }

    /// Where the tool's stdout goes. `read` is what `pump` drains (-1: nothing to drain) and
    /// `write` what the tool gets as fd 1 (-1: it inherits ours).
    private struct StdoutChannel {
        var read: Int32
        var write: Int32
        /// False when the tool writes straight to our terminal: shown right, but not recorded.
        var recorded: Bool

        func closeBoth() {
            if read >= 0 { close(read) }
            if write >= 0 { close(write) }
        }
    }

    /// A pipe, or a pseudo-terminal on a terminal run. When no pseudo-terminal can be made the
    /// tool gets our terminal itself (fail open): the user sees the right output, the cache
    /// stores nothing, because a pipe-format recording would poison the terminal-keyed entry.
    private func stdoutChannel() throws(CachewrapError) -> StdoutChannel {
        guard terminal.isTerminal else {
            let pipe = try makePipe()
            return StdoutChannel(read: pipe.read, write: pipe.write, recorded: true)
        }
        do {
            let pty = try PseudoTerminal.open(size: terminal.windowSize, modesFrom: 1)
            return StdoutChannel(read: pty.master, write: pty.slave, recorded: true)
        } catch {
            Console.warn("no pseudo-terminal (\(error.message)); running \(path) without the cache")
            return StdoutChannel(read: -1, write: -1, recorded: false)
        }
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

    /// Sleeps the whole time even when a handled signal interrupts it.
    static func sleep(milliseconds: Int64) {
        var left = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
        var rest = timespec()
        while nanosleep(&left, &rest) != 0 && errno == EINTR { left = rest }
    }
}
