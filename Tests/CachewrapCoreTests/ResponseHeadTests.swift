import Testing

@testable import CachewrapCore

/// What `gh api --include` prints first, as gh 2.23 writes it: the status line ends in `\n`,
/// each header in `\r\n`, the head in an empty `\r\n` line; on a terminal the names are coloured.
private let plainHead = "HTTP/1.1 200 OK\nContent-Type: application/json\r\nEtag: W/\"abc\"\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n"
private let colouredHead = "HTTP/2.0 304 Not Modified\n\u{1b}[1;34mEtag\u{1b}[m: \"v2\"\r\n\u{1b}[1;34mX-Ratelimit-Remaining\u{1b}[m: 4999\r\n\r\n"
private let body = #"[{"number":1}]"#

/// Feeds `text` to a filter in chunks of `size` bytes and returns what it passed on.
private func filtered(_ text: String, keepsHead: Bool, size: Int) -> (passed: String, head: ResponseHead?) {
    var filter = ResponseHeadFilter(keepsHead: keepsHead)
    var out: [UInt8] = []
    let bytes = Array(text.utf8)
    for start in stride(from: 0, to: bytes.count, by: size) {
        let chunk = Array(bytes[start..<min(bytes.count, start + size)])
        out += chunk.withUnsafeBytes { filter.take($0) } ?? chunk
    }
    out += filter.finish()
    return (String(decoding: out, as: UTF8.self), filter.head)
}

@Suite("Response head: gh api --include's status line and headers")
struct ResponseHeadTests {
    @Test("a 200's ETag and Last-Modified, a coloured 304's ETag")
    func scans() {
        guard case .complete(let end, let head) = ResponseHead.scan(Array((plainHead + body).utf8)) else {
            Issue.record("not read")
            return
        }
        #expect(end == plainHead.utf8.count)
        #expect(head == ResponseHead(status: 200, validator: Validator(etag: "W/\"abc\"", lastModified: "Mon, 01 Jan 2024 00:00:00 GMT")))
        guard case .complete(_, let notModified) = ResponseHead.scan(Array(colouredHead.utf8)) else {
            Issue.record("coloured head not read")
            return
        }
        #expect(notModified.status == 304 && notModified.validator?.etag == "\"v2\"" && notModified.validator?.lastModified == nil)
    }

    @Test("not a head, or not yet", arguments: [
        ("[1,2]", ResponseHead.Scan.notAHead), ("HTT", .incomplete), ("HTTP/1.1 200 OK\nEtag: x\r\n", .incomplete),
        ("HTTPS 200\n\r\n", .notAHead), ("HTTP/1.1 20 OK\n\r\n", .notAHead), ("HTTP/1.1 2000 OK\n\r\n", .notAHead), ("HTTP/2.0 034 Not Modified\n\r\n", .notAHead),
        ("HTTP/1.1 200 OK\nno colon here\r\n\r\n", .notAHead), ("", .incomplete),
    ])
    func refuses(_ text: String, _ expected: ResponseHead.Scan) {
        #expect(ResponseHead.scan(Array(text.utf8)) == expected)
    }

    @Test("a head that never ends is not one; control bytes or huge values are not validators")
    func bounded() {
        let endless = "HTTP/1.1 200 OK\n" + String(repeating: "X-Filler: yes\r\n", count: 5000)
        #expect(ResponseHead.scan(Array(endless.utf8)) == .notAHead)
        let odd = "HTTP/1.1 200 OK\nEtag: \"a\u{7}b\"\r\nLast-Modified: " + String(repeating: "9", count: 2000) + "\r\n\r\n"
        guard case .complete(_, let head) = ResponseHead.scan(Array(odd.utf8)) else {
            Issue.record("not read")
            return
        }
        #expect(head.status == 200 && head.validator == nil)
    }

    @Test("the filter takes the head off (or keeps it) however the bytes arrive", arguments: [1, 2, 7, 64, 4096])
    func filters(_ size: Int) {
        let removed = filtered(plainHead + body, keepsHead: false, size: size)
        #expect(removed.passed == body && removed.head?.status == 200)
        let kept = filtered(plainHead + body, keepsHead: true, size: size)
        #expect(kept.passed == plainHead + body && kept.head?.validator?.etag == "W/\"abc\"")
        let none = filtered(body + "\n" + plainHead, keepsHead: false, size: size)
        #expect(none.passed == body + "\n" + plainHead && none.head == nil, "a head that does not come first is output")
        let cut = filtered("HTTP/1.1 200 OK\nEtag: x", keepsHead: false, size: size)
        #expect(cut.passed == "HTTP/1.1 200 OK\nEtag: x" && cut.head == nil, "a head cut short is passed on whole")
    }
}
