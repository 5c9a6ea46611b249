import Glibc

/// A DNS stub resolver over UDP, driven by poll(2) within the caller's `Deadline`: the `dns`
/// source of `hosts: files dns` without glibc's NSS (see `HostResolver`).
///
/// For each name `ResolvConf.candidates` gives, A and AAAA are asked together of every
/// nameserver at once (as musl does: the first good answer wins, a dead server costs nothing),
/// again every `timeout` seconds up to `attempts` times. Each question has its own random ID;
/// a response counts only with that ID and that question, from that server: each server has its
/// own connected socket, on a random ephemeral port the kernel picks, so the kernel drops
/// datagrams from any other address, and a closed port shows as ECONNREFUSED at once.
/// NXDOMAIN ends the name; SERVFAIL, REFUSED and the like count against that server only.
/// A truncated (TC) answer is a failure of that question, not retried over TCP: the A or AAAA
/// records of a Redis host fit in 512 bytes unless it has dozens of addresses.
struct DNSResolver {
    var conf: ResolvConf
    /// Where the nameservers listen: 53, or a test's fake server.
    var port: UInt16 = 53

    /// The addresses of `host`: IPv4 first, then IPv6, each in the server's order. The connect
    /// loop tries them in turn within one deadline, and IPv4 works almost wherever an A record
    /// exists, while a broken IPv6 route can swallow the deadline; an IPv6-only host still
    /// resolves, AAAA being asked every time. Throws `.timeout` when the deadline passes first.
    func resolve(_ host: String, deadline: Deadline) throws(RemoteError) -> [IPAddress] {
        var why = "no such host"
        for candidate in conf.candidates(for: host) {
            guard let name = DNSName(candidate) else { why = "not a valid host name"; continue }
            let answers = try ask([DNSQuestion(name: name, type: DNSType.a), DNSQuestion(name: name, type: DNSType.aaaa)], deadline: deadline)
            let found = answers.flatMap { answer -> [IPAddress] in
                if case .addresses(let a) = answer { return a }
                return []
            }
            if !found.isEmpty { return found }
            for case .failed(let reason) in answers { why = reason }
        }
        throw .unreachable("\(host): cannot resolve: \(why)")
    }

    /// What the servers said to one question.
    enum Answer: Equatable {
        /// The addresses of the name (none: it has no record of that type).
        case addresses([IPAddress])
        case noSuchName
        case failed(String)
    }

    /// One round trip for `questions` (of one name) with every server, within `deadline`.
    func ask(_ questions: [DNSQuestion], deadline: Deadline) throws(RemoteError) -> [Answer] {
        var generator = SystemRandomNumberGenerator()
        let ids = questions.map { _ in UInt16.random(in: 0...UInt16.max, using: &generator) }
        var servers = conf.nameservers.map { Server(address: $0, port: port) }
        defer { servers.forEach { $0.close() } }
        var answers = [Answer?](repeating: nil, count: questions.count)
        var round = Deadline(milliseconds: 0), rounds = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        while answers.contains(nil) {
            guard deadline.pollMilliseconds > 0 else { throw .timeout }
            if round.pollMilliseconds == 0 {
                guard rounds < conf.attempts else { break }
                rounds += 1
                round = Deadline(milliseconds: Int64(conf.timeoutSeconds) * 1000)
                for i in servers.indices {
                    for (q, question) in questions.enumerated() where answers[q] == nil { servers[i].send(question.query(id: ids[q])) }
                }
            }
            settle(&answers, servers: servers, questions: questions.count)
            guard answers.contains(nil) else { break }
            var fds = servers.map { pollfd(fd: $0.dead == nil ? $0.fd : -1, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), min(deadline.pollMilliseconds, round.pollMilliseconds))
            if ready < 0 && errno != EINTR { throw .protocolError("poll: \(errnoText(errno))") }
            for i in servers.indices where fds[i].revents != 0 {
                while let response = servers[i].receive(into: &buffer) {
                    for (q, question) in questions.enumerated() where answers[q] == nil && response.id == ids[q] && response.question == question {
                        take(response, for: question, at: q, from: &servers[i], into: &answers)
                    }
                }
            }
        }
        return answers.map { $0 ?? .failed("no answer from \(conf.nameservers.map(\.description).joined(separator: ", "))") }
    }

    /// Records what one response says of question `q`: NXDOMAIN names the whole name, so it
    /// answers every question still open.
    private func take(_ response: DNSResponse, for question: DNSQuestion, at q: Int, from server: inout Server, into answers: inout [Answer?]) {
        switch response.rcode {
        case DNSResponse.noError where response.truncated: server.failed[q] = "answer truncated"
        case DNSResponse.noError: answers[q] = .addresses(response.addresses(for: question))
        case DNSResponse.noSuchName:
            for i in answers.indices where answers[i] == nil { answers[i] = .noSuchName }
        default: server.failed[q] = "server failure (DNS code \(response.rcode))"
        }
    }

    /// A question every server has failed is failed, with the last server's reason.
    private func settle(_ answers: inout [Answer?], servers: [Server], questions: Int) {
        for q in 0..<questions where answers[q] == nil {
            let reasons = servers.compactMap { $0.dead ?? $0.failed[q] }
            if reasons.count == servers.count { answers[q] = .failed(reasons.last ?? "no nameserver") }
        }
    }

    /// One nameserver: its connected UDP socket, or why there is none, and which questions it failed.
    private struct Server {
        var fd: Int32
        let label: String
        var dead: String?
        var failed: [Int: String] = [:]

        init(address: IPAddress, port: UInt16) {
            label = address.description
            let target = SocketAddress(address, port: port)
            fd = socket(target.family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { dead = "\(label): \(errnoText(errno))"; return }
            let status = target.bytes.withUnsafeBytes { Glibc.connect(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count)) }
            if status != 0 { dead = "\(label): \(errnoText(errno))" }
        }

        func close() { if fd >= 0 { _ = Glibc.close(fd) } }

        mutating func send(_ query: [UInt8]) {
            guard dead == nil else { return }
            let n = query.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno != EAGAIN && errno != EINTR { dead = "\(label): \(errnoText(errno))" }
        }

        /// The next well-formed response waiting on the socket; nil when none is left. A refused
        /// port (ICMP unreachable) makes the server dead.
        mutating func receive(into buffer: inout [UInt8]) -> DNSResponse? {
            while dead == nil {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno != EAGAIN { dead = "\(label): \(errnoText(errno))" }
                    return nil
                }
                if let response = DNSResponse.decode(Array(buffer[0..<n])) { return response }
            }
            return nil
        }
    }
}
