import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one child process did. Bytes, not strings: cachewrap must replay output byte-exactly.
struct RunResult: Sendable {
    var stdout: [UInt8]
    var stderr: [UInt8]
    /// The exit code, or 128+N when the process died of signal N (the shell's convention, which
    /// is also cachewrap's own exit-code contract, docs/architecture.md, Command line).
    var status: Int32
    /// True when `run` killed the process group because the timeout passed.
    var timedOut: Bool = false
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Why a process could not be started (as opposed to a process that ran and failed).
struct RunError: Error, CustomStringConvertible {
    var description: String
}

/// The built `cachewrap` binary under test.
///
/// Order: `$CACHEWRAP_BIN`; then the directory of the running test executable (`swift test` on
/// Linux runs `.build/<triple>/debug/<Pkg>PackageTests.xctest`, and because EndToEndTests depends
/// on the executable target, `cachewrap` is built into that same directory); then
/// `<package>/.build/debug/cachewrap` found from this source file's path. Looked up once. A miss
/// throws (failing each test that needs it) rather than crashing the whole test process.
func cachewrapBinary() throws -> String { try cachewrapLookup.get() }

private let cachewrapLookup: Result<String, RunError> = {
    let fm = FileManager.default
    if let env = ProcessInfo.processInfo.environment["CACHEWRAP_BIN"], !env.isEmpty { return .success(env) }
    var dirs: [URL] = []
    if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        dirs.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
    }
    if let exe = Bundle.main.executableURL { dirs.append(exe.deletingLastPathComponent()) }
    dirs.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
    // .../Tests/EndToEndTests/Support/CachewrapRunner.swift → package root
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    dirs.append(root.appendingPathComponent(".build/debug"))
    for dir in dirs {
        let candidate = dir.appendingPathComponent("cachewrap").path
        if fm.isExecutableFile(atPath: candidate) { return .success(candidate) }
    }
    return .failure(RunError(description: "cachewrap binary not found (set CACHEWRAP_BIN); looked in \(dirs.map(\.path))"))
}()

/// Runs the cachewrap binary under test; see `run` for the exact semantics.
func cachewrap(_ args: [String], env: [String: String], cwd: String? = nil, stdin: [UInt8]? = nil,
               timeout: Double = 60) throws -> RunResult {
    try run(cachewrapBinary(), args, env: env, cwd: cwd, stdin: stdin, timeout: timeout)
}

/// glibc calls Swift's Glibc module does not import (they need _GNU_SOURCE), looked up at run
/// time. Why they matter: tests run in parallel, so a pipe or socket must be close-on-exec from
/// birth (pipe2/accept4), or a child spawned meanwhile by another test inherits it and holds a
/// pipe or connection open; closefrom makes sure children get nothing but fds 0–2.
enum GNU {
    private static func sym<T>(_ name: String, _: T.Type) -> T {
        guard let p = dlsym(dlopen(nil, RTLD_NOW), name) else { fatalError("glibc lacks \(name)") }
        return unsafeBitCast(p, to: T.self)
    }
    typealias Actions = UnsafeMutablePointer<posix_spawn_file_actions_t>
    static let pipe2 = sym("pipe2", (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
    static let accept4 = sym("accept4", (@convention(c) (Int32, UnsafeMutablePointer<sockaddr>?,
                                                         UnsafeMutablePointer<socklen_t>?, Int32) -> Int32).self)
    static let addclosefrom = sym("posix_spawn_file_actions_addclosefrom_np",
                                  (@convention(c) (Actions, Int32) -> Int32).self)
    static let addchdir = sym("posix_spawn_file_actions_addchdir_np",
                              (@convention(c) (Actions, UnsafePointer<CChar>) -> Int32).self)
}

/// A broken stdin pipe (child exits without reading) must return EPIPE instead of killing the
/// test process with SIGPIPE. Process-wide, set once, harmless for a test bundle.
private let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

/// Spawns `executable` (a path; not searched on PATH) with exactly `env` (nothing inherited), in
/// `cwd`, stdin fed from `stdin` through a pipe (or /dev/null when nil), and collects stdout and
/// stderr completely.
///
/// Why posix_spawn and a poll loop instead of Foundation.Process: one thread feeds stdin and drains
/// both outputs together, so neither a 50 MiB stdout nor a child that writes stderr before reading
/// stdin can deadlock; the child gets default signal dispositions and an empty signal mask (the
/// test runner may ignore SIGPIPE, which children would otherwise inherit); fds other than 0–2 are
/// closed; and the child leads its own process group so a timeout kills its children too (SIGKILL
/// to the group). Reading stops at EOF on both outputs, so a grandchild that keeps stdout open
/// (e.g. a leaked background refresh) holds `run` until the deadline — that is a real bug to catch.
func run(_ executable: String, _ args: [String], env: [String: String], cwd: String? = nil,
         stdin: [UInt8]? = nil, timeout: Double = 60) throws -> RunResult {
    _ = ignoreSIGPIPE
    var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1], inPipe: [Int32] = [-1, -1]
    guard GNU.pipe2(&outPipe, O_CLOEXEC) == 0, GNU.pipe2(&errPipe, O_CLOEXEC) == 0,
          stdin == nil || GNU.pipe2(&inPipe, O_CLOEXEC) == 0 else {
        throw RunError(description: "pipe: \(String(cString: strerror(errno)))")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if stdin != nil {
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    } else {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    _ = GNU.addclosefrom(&actions, 3)
    if let cwd { _ = GNU.addchdir(&actions, cwd) }
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var allSignals = sigset_t(), noSignals = sigset_t()
    sigfillset(&allSignals)
    sigdelset(&allSignals, SIGKILL)
    sigdelset(&allSignals, SIGSTOP)
    sigemptyset(&noSignals)
    posix_spawnattr_setsigdefault(&attr, &allSignals)
    posix_spawnattr_setsigmask(&attr, &noSignals)
    posix_spawnattr_setpgroup(&attr, 0)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

    let argv = ([executable] + args).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
    close(outPipe[1]); close(errPipe[1])
    if stdin != nil { close(inPipe[0]) }
    guard rc == 0 else {
        close(outPipe[0]); close(errPipe[0])
        if stdin != nil { close(inPipe[1]) }
        throw RunError(description: "posix_spawn \(executable): \(String(cString: strerror(rc)))")
    }

    var result = RunResult(stdout: [], stderr: [], status: -1)
    var input = stdin ?? []
    var inFd: Int32 = -1
    if stdin != nil {
        inFd = inPipe[1]
        _ = fcntl(inFd, F_SETFL, fcntl(inFd, F_GETFL) | O_NONBLOCK)
        if input.isEmpty { close(inFd); inFd = -1 }
    }
    var outFd = outPipe[0], errFd = errPipe[0]
    let deadline = Date().addingTimeInterval(timeout)
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var written = 0
    while outFd >= 0 || errFd >= 0 {
        var remaining = deadline.timeIntervalSinceNow
        if remaining <= 0 && !result.timedOut {
            result.timedOut = true
            kill(-pid, SIGKILL)
            // Grace for pipes to close; a process that escaped the group keeps them open.
            remaining = 2
        } else if remaining <= -2 {
            break
        }
        var fds = [pollfd(fd: outFd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: errFd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: inFd, events: Int16(POLLOUT), revents: 0)]
        let n = poll(&fds, 3, Int32(min(max(remaining, 0) * 1000, 1000)) + 1)
        if n < 0 && errno != EINTR { break }
        if n <= 0 { continue }
        for (i, fd) in [outFd, errFd].enumerated() where fd >= 0 && fds[i].revents != 0 {
            let r = read(fd, &chunk, chunk.count)
            if r > 0 {
                if i == 0 { result.stdout += chunk[0..<r] } else { result.stderr += chunk[0..<r] }
            } else if r == 0 || (errno != EINTR && errno != EAGAIN) {
                close(fd)
                if i == 0 { outFd = -1 } else { errFd = -1 }
            }
        }
        if inFd >= 0 && fds[2].revents != 0 {
            let w = input[written...].withUnsafeBytes { write(inFd, $0.baseAddress, $0.count) }
            if w > 0 { written += w }
            if written == input.count || (w < 0 && errno != EAGAIN && errno != EINTR) {
                close(inFd); inFd = -1; input = []  // EOF for the child; EPIPE = it stopped reading
            }
        }
    }
    for fd in [outFd, errFd, inFd] where fd >= 0 { close(fd) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // No WIFEXITED & co. in Swift's Glibc: low 7 bits = terminating signal, 0 = normal exit.
    result.status = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return result
}
