import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Listening sockets for the fakes: TCP on 127.0.0.1 on a port the OS picks (so parallel tests
/// never collide), or a Unix socket at a path in the test's sandbox (a fake Docker Engine, which
/// the docker client reaches through `DOCKER_HOST=unix://PATH`). Close-on-exec from birth (see
/// `GNU`), so a child another test spawns meanwhile never holds one open.
enum ListeningSocket {
    static func loopback(backlog: Int32 = 128) throws -> (fd: Int32, port: Int) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let fd = try listening(AF_INET, &address, backlog: backlog)
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A Unix socket at `path` (which must not exist yet).
    static func unix(at path: String, backlog: Int32 = 128) throws -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw RunError(description: "Unix socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        return try listening(AF_UNIX, &address, backlog: backlog)
    }

    /// socket, bind, listen, and the bound address read back into `address` (the port the OS
    /// picked); the socket is closed when a step fails.
    private static func listening<Address>(_ family: Int32, _ address: inout Address, backlog: Int32) throws -> Int32 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw error("listening socket: socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var length = socklen_t(MemoryLayout<Address>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, backlog) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { let e = error("listening socket: bind/listen"); close(fd); throw e }
        return fd
    }

    /// `what` failed, and why (errno's text).
    static func error(_ what: String) -> RunError {
        RunError(description: "\(what): \(String(cString: strerror(errno)))")
    }
}

extension FakeHTTPServer {
    /// A server on a Unix socket at `path`; `port` is 0.
    convenience init(unixSocket path: String, handler: @escaping @Sendable (Request) -> Response) throws {
        try self.init(listening: ListeningSocket.unix(at: path), port: 0, handler: handler)
    }
}
