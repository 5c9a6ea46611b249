import Foundation
import Glibc

@testable import CachewrapCore

/// A DNS response as a server builds it, for tests: header, the question, then answer records
/// with uncompressed names.
struct DNSReply {
    var id: UInt16
    var question: DNSQuestion?
    var rcode: UInt8 = 0
    var truncated = false
    var answers: [(name: String, type: UInt16, data: [UInt8])] = []

    static func a(_ name: String, _ address: String) -> (name: String, type: UInt16, data: [UInt8]) {
        let ip = IPAddress(address)!
        return (name, ip.isIPv4 ? DNSType.a : DNSType.aaaa, ip.bytes)
    }

    static func cname(_ name: String, _ target: String) -> (name: String, type: UInt16, data: [UInt8]) {
        (name, DNSType.cname, DNSName(target)!.wire)
    }

    var bytes: [UInt8] {
        let flags: UInt16 = 0x8180 | (truncated ? 0x0200 : 0) | UInt16(rcode)
        var out = [id, flags, question == nil ? 0 : 1, UInt16(answers.count), 0, 0].flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
        if let question { out += question.query(id: 0).dropFirst(12) }
        for record in answers {
            out += DNSName(record.name)!.wire + [UInt8(record.type >> 8), UInt8(record.type & 0xff), 0, 1, 0, 0, 0x0e, 0x10]
            out += [UInt8(record.data.count >> 8), UInt8(record.data.count & 0xff)] + record.data
        }
        return out
    }
}

/// A DNS server on 127.0.0.1, on a UDP port bound to 0, for one test: for each query it sends
/// what `answer` returns, each reply from its own socket, or from a second socket (another
/// port: what a spoofer off the path looks like). Its thread holds only the shared state, so
/// deinit stops it.
final class FakeDNSServer {
    /// A reply to send: its bytes, and whether it comes from the other socket.
    typealias Reply = (bytes: [UInt8], spoofed: Bool)

    let port: UInt16
    private let state: State
    private let thread: Thread

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var questions: [DNSQuestion] = []
        var stopped = false
    }

    init(answer: @escaping @Sendable (UInt16, DNSQuestion) -> [Reply]) throws {
        let fd = try Self.udpSocket(), spoof = try Self.udpSocket()
        var address = sockaddr_in(), length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
        let state = State()
        self.state = state
        thread = Thread {
            defer { close(fd); close(spoof) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !state.lock.withLock({ state.stopped }) {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 20) > 0 else { continue }
                var client = sockaddr_storage(), clientLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let n = withUnsafeMutablePointer(to: &client) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &clientLength) }
                }
                guard n >= 12 else { continue }
                var reader = DNSReader(bytes: Array(buffer[0..<n]))
                reader.at = 12
                guard let name = reader.name(), let type = reader.u16() else { continue }
                let question = DNSQuestion(name: name, type: type)
                state.lock.withLock { state.questions.append(question) }
                for reply in answer(UInt16(buffer[0]) << 8 | UInt16(buffer[1]), question) {
                    _ = withUnsafePointer(to: &client) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(reply.spoofed ? spoof : fd, reply.bytes, reply.bytes.count, 0, $0, clientLength)
                        }
                    }
                }
            }
        }
        thread.start()
    }

    /// The questions asked so far, in the order they came.
    var questions: [DNSQuestion] { state.lock.withLock { state.questions } }

    /// A resolver whose one nameserver is this server.
    func resolver(search: [String] = [], ndots: Int = 1) -> DNSResolver {
        DNSResolver(conf: ResolvConf(nameservers: [.loopbackV4], search: search, ndots: ndots), port: port)
    }

    deinit {
        state.lock.withLock { state.stopped = true }
        while !thread.isFinished { usleep(2_000) }
    }

    private static func udpSocket() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw RemoteError.unreachable("fake DNS server: \(String(cString: strerror(errno)))") }
        return fd
    }
}
