import Synchronization

/// What one call sees of the process it runs in: its arguments, environment, working directory,
/// stdin and terminal, and a clock. It is read once, when the call starts (`ofProcess`), and
/// policies and the key are functions of it alone: one invocation always gets one decision and
/// one key, and a test states the world it means instead of changing the process's (setenv),
/// which would make every test that reads it run one at a time.
public struct Invocation: Sendable {
    /// The tool's arguments, its name left out, as text: what policies read.
    public let arguments: [String]
    public let environment: Variables
    /// Absolute. The relative paths a policy names (`CLAUDE.md`, `--settings FILE`) are read
    /// from here (`path(_:)`).
    public let workingDirectory: String
    /// `HOME` when set, else the user's entry in the password database: where the tools keep
    /// their logins (`~/.config/gh/hosts.yml`).
    public let homeDirectory: String
    public let stdin: StdinKind
    /// Our stdout: a terminal (and how big) or not, and whether stderr is the same output.
    public let terminal: TerminalShape
    /// Wall-clock milliseconds, read when asked: a call that runs a tool takes its own time.
    public let clock: @Sendable () -> Int64
    private let gitContext = GitContextOnce()

    /// An invocation as stated: a test's, or a report's (`cachewrap config` asks the generic
    /// policy for its TTL). Nothing is read from the process: without a `HOME` variable the home
    /// is `/nonexistent`, and the working directory is `/`.
    public init(_ arguments: [String], environment: Variables = [:], workingDirectory: String = "/",
                homeDirectory: String? = nil, stdin: StdinKind = .nothing,
                terminal: TerminalShape = .pipe,
                clock: @escaping @Sendable () -> Int64 = Clock.nowMs) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.homeDirectory = homeDirectory ?? environment.nonEmpty("HOME") ?? "/nonexistent"
        self.stdin = stdin
        self.terminal = terminal
        self.clock = clock
    }

    /// The git repository around the working directory, read from its files the first time it
    /// is asked for and kept: gh's scope and the key's repository context read it once per call.
    var git: GitContext? { gitContext.value { GitContext.find(from: workingDirectory) } }

    /// `file` as the process would open it: relative to the working directory.
    func path(_ file: String) -> String {
        file.hasPrefix("/") ? file : (workingDirectory == "/" ? "" : workingDirectory) + "/" + file
    }

    /// The content of `file` (relative to the working directory), nil when it cannot be read.
    func read(_ file: String, limit: Int = 1 << 20) -> [UInt8]? { FileIO.readFile(path(file), limit: limit) }
}

/// What stdin is, as policies ask: an agent given `-p` and no prompt word reads its prompt from
/// stdin only when something is piped in.
public enum StdinKind: Sendable {
    /// A pipe, file or socket: it may carry input.
    case data
    case terminal
    /// /dev/null, another device, or closed: nothing a tool reads as input.
    case nothing
}

/// The git context of one invocation, read on first use and shared by every copy of it. Not a
/// generic `Once<Value>` on purpose: a generic class's metadata is built at run time, at its
/// first use in each process, and that cost every hit 10-20 µs.
private final class GitContextOnce: Sendable {
    /// nil until read (the context itself is nil outside a repository).
    private let state = Mutex<GitContext??>(nil)

    func value(_ read: () -> GitContext?) -> GitContext? {
        state.withLock { stored in
            if case .some(let context) = stored { return context }
            let context = read()
            stored = .some(context)
            return context
        }
    }
}
