import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// A private `redis-server` for one test: 127.0.0.1 on a free port plus a Unix socket, both in a
/// temp dir, with persistence off (`--save '' --appendonly no`), so tests run in parallel without
/// sharing data and leave nothing behind. Stopped (killed and waited for) by `stop()` or deinit.
///
/// Redis cannot be told to pick its own TCP port, so the port comes from binding port 0, reading
/// it and closing the socket; if another process grabs it in between, the start is retried.
///
/// With `tls`, the port speaks only TLS (`--port 0 --tls-port P`); the Unix socket stays plain,
/// so readiness and `admin` work alike for both kinds.
final class RedisServer {
    let directory: String
    let port: UInt16
    var socketPath: String { directory + "/redis.sock" }
    private let process: Process

    /// A TLS server's files: its certificate and key, the CA a client certificate must chain
    /// to, whether the server demands one (`--tls-auth-clients yes`), and the protocol versions
    /// it speaks (`--tls-protocols`, e.g. "TLSv1.2"; nil: Redis's default).
    struct TLS {
        var certificate: String
        var key: String
        var clientCA: String
        var requireClientCertificate = false
        var protocols: String?

        func arguments(port: UInt16) -> [String] {
            ["--port", "0", "--tls-port", String(port), "--tls-cert-file", certificate, "--tls-key-file", key,
             "--tls-ca-cert-file", clientCA, "--tls-auth-clients", requireClientCertificate ? "yes" : "no"]
                + (protocols.map { ["--tls-protocols", $0] } ?? [])
        }
    }

    /// Starts the server and waits until it answers PING. Skips the test when redis-server is not
    /// installed (fails under CACHEWRAP_TEST_STRICT=1).
    init(_ extraArguments: [String] = [], tls: TLS? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let executable = try TestSandbox.requireTool("redis-server", sourceLocation: sourceLocation)
        var template = Array("/tmp/cachewrap-redis.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RunError(description: "mkdtemp failed") }
        directory = String(cString: made)
        for _ in 0..<5 {
            let port = try Self.freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = (tls?.arguments(port: port) ?? ["--port", String(port)]) + [
                "--bind", "127.0.0.1", "--unixsocket", directory + "/redis.sock",
                "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", directory,
                "--logfile", directory + "/redis.log", "--daemonize", "no",
            ] + extraArguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // A TLS port that could not be bound ends the server before its Unix socket exists.
            let probe = tls == nil ? RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port))
                : RedisURL(endpoint: .unix(path: directory + "/redis.sock"))
            if Self.waitUntilReady(process: process, url: probe) {
                self.port = port
                self.process = process
                return
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        throw RunError(description: "redis-server did not start; see \(directory)/redis.log")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the server (idempotent); afterwards its port refuses connections. SIGKILL, because
    /// the child inherits the test thread's signal mask, in which SIGTERM is blocked: a SIGTERM
    /// would stay pending forever and waitUntilExit would hang. Nothing is persisted, so nothing is lost.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Freezes the server with SIGSTOP: the kernel still completes connections to its port, but
    /// nothing answers, which is what a hung or swapping Redis looks like to clients. `resume()`
    /// thaws it; connections made meanwhile are then accepted and counted in INFO stats.
    func pause() { kill(process.processIdentifier, SIGSTOP) }
    func resume() { kill(process.processIdentifier, SIGCONT) }

    /// INFO stats' `total_connections_received`: how many clients ever connected, admin
    /// connections (one per `admin` call) included; -1 when the line is missing.
    func connectionsReceived() throws -> Int {
        guard case .bulk(let info?) = try admin(["INFO", "stats"]) else { return -1 }
        let line = String(decoding: info, as: UTF8.self).split(whereSeparator: \.isNewline)
            .first { $0.hasPrefix("total_connections_received:") }
        return line.flatMap { Int($0.split(separator: ":")[1]) } ?? -1
    }

    /// INFO commandstats' call count of `command` (lower case, e.g. "set"); 0 when never called.
    func calls(_ command: String) throws -> Int {
        guard case .bulk(let info?) = try admin(["INFO", "commandstats"]) else { return -1 }
        let prefix = "cmdstat_\(command):calls="
        let line = String(decoding: info, as: UTF8.self).split(whereSeparator: \.isNewline).first { $0.hasPrefix(prefix) }
        return line.flatMap { Int($0.dropFirst(prefix.count).prefix { $0.isNumber }) } ?? 0
    }

    var tcpURL: RedisURL { RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port)) }
    var unixURL: RedisURL { RedisURL(endpoint: .unix(path: socketPath)) }

    /// Runs one command as the unrestricted default user (for setup: ACL SETUSER, raw SET...).
    @discardableResult
    func admin(_ arguments: [String], password: String? = nil) throws -> RESPValue {
        try admin(arguments.map { Array($0.utf8) }, password: password)
    }

    @discardableResult
    func admin(_ arguments: [[UInt8]], password: String? = nil) throws -> RESPValue {
        let connection = try RESPConnection.open(unixURL, password: password.map(RedisPassword.init), deadline: Deadline(milliseconds: 5000))
        return try connection.command(arguments, deadline: Deadline(milliseconds: 5000))
    }

    /// Polls with PING at `url` until the server answers (up to 5 s) or exits.
    private static func waitUntilReady(process: Process, url: RedisURL) -> Bool {
        for _ in 0..<500 {
            guard process.isRunning else { return false }
            if let connection = try? RESPConnection.open(url, password: nil, deadline: Deadline(milliseconds: 200)),
               let reply = try? connection.command([Array("PING".utf8)], deadline: Deadline(milliseconds: 200)),
               reply == .simple("PONG") || reply.isErrorStarting("NOAUTH") {
                return true
            }
            usleep(10_000)
        }
        return false
    }

    /// A TCP port nobody listens on right now (bound to port 0, read back, closed): connecting to
    /// it is refused at once.
    static func freePort() throws -> UInt16 {
        let listener = try SilentListener(backlog: 1)
        return listener.port
    }
}

/// A socket that listens on 127.0.0.1 and never accepts or reads: connections complete (the kernel
/// queues them) but no reply ever comes, which is what a hung server looks like to a client.
final class SilentListener {
    let fd: Int32
    let port: UInt16

    init(backlog: Int32 = 16) throws {
        let listener = try ListeningSocket.loopback(backlog: backlog)
        fd = listener.fd
        port = UInt16(listener.port)
    }

    deinit { close(fd) }
}

extension RESPValue {
    /// True for an error reply whose text starts with `prefix` (e.g. "NOPERM").
    func isErrorStarting(_ prefix: String) -> Bool {
        if case .error(let text) = self { return text.hasPrefix(prefix) }
        return false
    }
}

/// A server on 127.0.0.1 that accepts every connection, counts it, holds it open and never says a
/// word: a hung Redis as clients see it, and a witness of exactly how many connections they made.
/// Accepts on its own thread, which holds only the shared `Accepted` box (not `self`), so deinit
/// runs when the test drops the server; `stop()` or deinit closes every socket.
final class HangingServer {
    let port: UInt16
    private let listener: SilentListener
    private let state = Accepted()
    private let thread: Thread

    /// The accepted sockets and the stop flag, shared with the accept thread.
    private final class Accepted: @unchecked Sendable {
        let lock = NSLock()
        var fds: [Int32] = []
        var count = 0
        var stopped = false
    }

    init() throws {
        listener = try SilentListener(backlog: 128)
        port = listener.port
        let fd = listener.fd, state = state
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        thread = Thread {
            while !state.lock.withLock({ state.stopped }) {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&p, 1, 20) > 0 { Self.acceptWaiting(fd, state) }
            }
        }
        thread.start()
    }

    /// Accepts every connection already queued on the (non-blocking) listener, under the lock.
    private static func acceptWaiting(_ fd: Int32, _ state: Accepted) {
        state.lock.withLock {
            while !state.stopped {
                let client = GNU.accept4(fd, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
                guard client >= 0 else { return }
                state.count += 1
                state.fds.append(client)
            }
        }
    }

    /// Connections made so far (a client that gave up and closed still counts: it connected).
    /// Takes the queued ones first, so a client that connected before this call is counted
    /// even if the accept thread has not woken yet.
    var connections: Int {
        Self.acceptWaiting(listener.fd, state)
        return state.lock.withLock { state.count }
    }

    /// Stops accepting and closes every accepted socket; idempotent. Waits for the accept thread
    /// (one poll, ≤ 20 ms) so the listener is not closed under it.
    func stop() {
        let fds: [Int32] = state.lock.withLock {
            defer { state.fds = [] }
            state.stopped = true
            return state.fds
        }
        fds.forEach { close($0) }
        while !thread.isFinished { usleep(5_000) }
    }

    deinit { stop() }
}
