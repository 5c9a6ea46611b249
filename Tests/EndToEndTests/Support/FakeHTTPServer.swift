import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server standing in for GitHub, Hugging Face, Vast.ai… in end-to-end tests.
///
/// Why hand-rolled: no third-party packages, and we need exact control (delays, status codes,
/// counting requests) while the *real* clients (gh, hf, vastai, docker, curl) talk to it. It
/// listens on 127.0.0.1 only, on a port the OS picks (so parallel tests never collide), or on a
/// Unix socket in the sandbox (`ListeningSocket`), serves each connection on its own thread with
/// keep-alive (Go and Python clients reuse connections), and accepts both origin-form (`GET /x`)
/// and absolute-form (`GET http://host/x`, sent through `HTTP_PROXY`) request targets. Every
/// response carries Content-Length. Not for production.
final class FakeHTTPServer: @unchecked Sendable {
    /// One parsed request, recorded in arrival order.
    struct Request: Sendable {
        var method: String
        /// The request target exactly as sent (absolute-form when the client used a proxy).
        var target: String
        /// Path plus query, scheme and host stripped: what handlers should route on.
        var path: String
        /// Host from an absolute-form target, else the `Host` header ("" when absent).
        var host: String
        /// Headers in the order sent, names as sent.
        var headers: [(String, String)]
        var body: [UInt8]
        /// Case-insensitive header lookup (first match), because clients differ in capitalisation.
        func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    /// What the handler answers. `delay` sleeps before answering (interrupted by `stop()`), to test
    /// timeouts and slow upstreams. Content-Length is always computed by the server.
    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        var delay: Double = 0
        static func json(_ text: String, status: Int = 200) -> Response {
            Response(status: status, headers: [("Content-Type", "application/json; charset=utf-8")],
                     body: Array(text.utf8))
        }
        static func text(_ text: String, status: Int = 200) -> Response {
            Response(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")],
                     body: Array(text.utf8))
        }
    }

    let port: Int
    private let core: Core

    /// Binds 127.0.0.1 and starts accepting at once; `handler` runs on connection threads, concurrently.
    convenience init(handler: @escaping @Sendable (Request) -> Response) throws {
        let (fd, port) = try ListeningSocket.loopback()
        try self.init(listening: fd, port: port, handler: handler)
    }

    /// Serves on `listener`, a socket already listening (`ListeningSocket`), which the server owns
    /// from here on: stop() closes it, and so does a failed init.
    init(listening listener: Int32, port: Int, handler: @escaping @Sendable (Request) -> Response) throws {
        self.port = port
        do { core = try Core(listener: listener, handler: handler) } catch { close(listener); throw error }
        core.startAccepting()
    }

    deinit { core.stop() }

    /// Snapshot of every request received so far, in arrival order (recorded before the handler runs).
    var requests: [Request] { core.lock.withLock { core.log } }

    /// Number of requests whose `path` starts with `pathPrefix` (all requests when nil).
    func requestCount(pathPrefix: String? = nil) -> Int {
        requests.filter { pathPrefix == nil || $0.path.hasPrefix(pathPrefix!) }.count
    }

    /// Closes the listener and every open connection, and waits (≤ 2 s) for all server threads to
    /// exit, so no thread stays blocked in accept/recv/delay. Idempotent; also run by deinit.
    func stop() { core.stop() }

    /// The state shared with server threads. Separate from the server so the threads do not keep
    /// the server alive: dropping the last reference to `FakeHTTPServer` runs deinit → stop().
    private final class Core: @unchecked Sendable {
        let lock = NSLock()
        var log: [Request] = []
        let listener: Int32
        let handler: @Sendable (Request) -> Response
        /// Self-pipe: stop() writes one byte and never drains it, so every poll() sees it readable.
        var wake: [Int32] = [-1, -1]
        var stopped = false
        var threads = 0
        var connections: Set<Int32> = []
        let allDone = NSCondition()

        init(listener: Int32, handler: @escaping @Sendable (Request) -> Response) throws {
            self.listener = listener
            self.handler = handler
            guard GNU.pipe2(&wake, O_CLOEXEC) == 0 else { throw ListeningSocket.error("FakeHTTPServer pipe2") }
        }

        func spawn(_ body: @escaping @Sendable () -> Void) {
            allDone.withLock { threads += 1 }
            Thread { body(); self.allDone.withLock { self.threads -= 1; self.allDone.broadcast() } }.start()
        }

        func startAccepting() { spawn { self.acceptLoop() } }

        func stop() {
            let first: Bool = lock.withLock { defer { stopped = true }; return !stopped }
            guard first else { return }
            var b: UInt8 = 1
            _ = write(wake[1], &b, 1)
            lock.withLock { connections.forEach { _ = shutdown($0, Int32(SHUT_RDWR)) } }
            let deadline = Date().addingTimeInterval(2)
            allDone.withLock { while threads > 0 && allDone.wait(until: deadline) {} }
            close(listener)
            if allDone.withLock({ threads == 0 }) { close(wake[0]); close(wake[1]) }  // else leak 2 fds
        }

        /// Waits until `fd` is readable (true) or stop() was called / the timeout passed (false).
        func waitReadable(_ fd: Int32, timeoutMs: Int32 = -1) -> Bool {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
            while true {
                let n = poll(&fds, 2, timeoutMs)
                if n < 0 && errno == EINTR { continue }
                return n > 0 && fds[1].revents == 0 && fds[0].revents != 0
            }
        }

        func acceptLoop() {
            while waitReadable(listener) {
                let c = GNU.accept4(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
                if c < 0 { continue }
                let keep: Bool = lock.withLock { if !stopped { connections.insert(c) }; return !stopped }
                guard keep else { close(c); break }
                spawn { self.serve(c); self.lock.withLock { _ = self.connections.remove(c) }; close(c) }
            }
        }

        /// Serves requests on one connection until the peer closes, asks to close, or stop().
        func serve(_ fd: Int32) {
            var buf: [UInt8] = []
            func fill() -> Bool {  // appends more bytes; false on EOF/error/stop
                guard waitReadable(fd) else { return false }
                var chunk = [UInt8](repeating: 0, count: 65536)
                let n = recv(fd, &chunk, chunk.count, 0)
                if n <= 0 { return false }
                buf += chunk[0..<n]
                return true
            }
            func line() -> String? {  // one CRLF-terminated line, consumed from buf
                while true {
                    if let i = buf.firstIndex(of: 10) {
                        let l = String(decoding: buf[0..<i], as: UTF8.self)
                        buf.removeFirst(i + 1)
                        return l.hasSuffix("\r") ? String(l.dropLast()) : l
                    }
                    guard fill() else { return nil }
                }
            }
            func take(_ n: Int) -> [UInt8]? {
                while buf.count < n { guard fill() else { return nil } }
                defer { buf.removeFirst(n) }
                return Array(buf[0..<n])
            }
            while true {
                guard var start = line() else { return }
                while start.isEmpty { guard let l = line() else { return }; start = l }  // stray CRLFs
                let parts = start.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard parts.count == 3 else { return }
                var headers: [(String, String)] = []
                while let l = line(), !l.isEmpty {
                    guard let c = l.firstIndex(of: ":") else { continue }
                    headers.append((String(l[..<c]), l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)))
                }
                var req = Request(method: parts[0], target: parts[1], path: parts[1], host: "",
                                  headers: headers, body: [])
                req.host = req.header("Host") ?? ""
                if let r = parts[1].range(of: "://") {  // absolute-form: scheme://authority/path?query
                    let rest = parts[1][r.upperBound...]
                    let slash = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
                    req.host = String(rest[..<slash])
                    req.path = String(rest[slash...])
                    if !req.path.hasPrefix("/") { req.path = "/" + req.path }
                }
                if req.header("Expect")?.lowercased() == "100-continue" {
                    sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                }
                if req.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
                    while true {
                        guard let sizeLine = line(),
                              let size = Int(sizeLine.split(separator: ";").first?
                                  .trimmingCharacters(in: .whitespaces) ?? "", radix: 16) else { return }
                        if size == 0 { while let l = line(), !l.isEmpty {}; break }  // skip trailers
                        guard let data = take(size), line() != nil else { return }
                        req.body += data
                    }
                } else if let n = Int(req.header("Content-Length") ?? "0"), n > 0 {
                    guard let data = take(n) else { return }
                    req.body = data
                }
                lock.withLock { log.append(req) }
                let resp = handler(req)
                var w = pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)  // delay, cut short by stop()
                if resp.delay > 0 && poll(&w, 1, Int32(resp.delay * 1000)) > 0 { return }
                let connHeader = req.header("Connection")?.lowercased() ?? ""
                let closeAfter = parts[2] == "HTTP/1.0" ? !connHeader.contains("keep-alive")
                    : connHeader.contains("close")
                    || resp.headers.contains { $0.0.lowercased() == "connection" && $0.1.lowercased() == "close" }
                var head = "HTTP/1.1 \(resp.status) \(reason(resp.status))\r\n"
                for (k, v) in resp.headers where !["content-length", "connection", "transfer-encoding"]
                    .contains(k.lowercased()) { head += "\(k): \(v)\r\n" }
                head += "Content-Length: \(resp.body.count)\r\nConnection: \(closeAfter ? "close" : "keep-alive")\r\n\r\n"
                guard sendAll(fd, Array(head.utf8) + (req.method == "HEAD" ? [] : resp.body)), !closeAfter else { return }
            }
        }

        /// MSG_NOSIGNAL: a client hanging up mid-response must not SIGPIPE the whole test process.
        @discardableResult
        func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
            var off = 0
            while off < bytes.count {
                let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                off += n
            }
            return true
        }

        func reason(_ s: Int) -> String {  // clients print it in errors ("HTTP 502"), so be exact
            [200: "OK", 201: "Created", 204: "No Content", 304: "Not Modified", 400: "Bad Request",
             401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
             500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"][s] ?? "Status"
        }
    }
}
