import Glibc

/// Small, allocation-free helpers over raw file descriptors, used by the run and replay paths
/// where Foundation's buffering would re-order or copy bytes.
enum FileIO {
    /// Writes every byte, retrying short writes and EINTR; false when the reader went away.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard var p = bytes.baseAddress else { return true }
        var left = bytes.count
        while left > 0 {
            let n = write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { waitWritable(fd); continue }
                return false
            }
            p += n
            left -= n
        }
        return true
    }

    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { writeAll(fd, $0) }
    }

    @discardableResult
    static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
    }

    /// Our stdout may be a non-blocking pipe shared with the parent shell: wait instead of spinning.
    private static func waitWritable(_ fd: Int32) {
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        _ = poll(&p, 1, -1)
    }

    /// Reads a whole file (up to `limit` bytes); nil when it cannot be opened. A file with a
    /// size (hot files, config, git) is read straight into one array of that size: grown by
    /// doubling through a scratch buffer, a 1 MiB hot file was copied five times into fresh
    /// pages (900 page faults, 2 ms of a 3 ms hit). Files are replaced by rename, never grown
    /// in place, so the size at open is the whole file. Sizeless files (/proc) are read to EOF.
    static func readFile(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return read(fd, limit: limit)
    }

    /// A system file of lines (/etc/passwd, /etc/hosts) read up to `limit` bytes; when it holds
    /// more, it is cut after its last newline within the limit, so no line is read cut short
    /// (a home directory missing its end). nil when it cannot be opened.
    static func readLines(_ path: String, limit: Int) -> ArraySlice<UInt8>? {
        readFile(path, limit: limit + 1).map { wholeLines($0, limit: limit) }
    }

    /// `bytes` as `readLines` keeps them.
    static func wholeLines(_ bytes: [UInt8], limit: Int) -> ArraySlice<UInt8> {
        guard bytes.count > limit else { return bytes[...] }
        let kept = bytes[..<limit]
        return kept[..<(kept.lastIndex(of: 10).map { $0 + 1 } ?? 0)]
    }

    /// `readFile` on a descriptor already open (the hot file, checked for trust first).
    static func read(_ fd: Int32, limit: Int) -> [UInt8]? {
        var info = stat()
        let size = fstat(fd, &info) == 0 ? min(Int(info.st_size), limit) : 0
        guard size > 0 else { return readToEnd(fd, limit: limit) }
        return [UInt8](unsafeUninitializedCapacity: size) { raw, count in
            count = 0
            while count < size {
                let n = Glibc.read(fd, raw.baseAddress! + count, size - count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                count += n
            }
        }
    }

    /// Reads until EOF (or `limit` bytes) from a descriptor, e.g. stdin that carries data.
    static func readToEnd(_ fd: Int32, limit: Int = Int.max) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while out.count < limit {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }

    /// True when `fd` is a pipe, socket or regular file: a stream that may carry data to hash.
    /// A terminal, /dev/null, or a closed descriptor carries none.
    static func carriesData(_ fd: Int32) -> Bool {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return false }
        let type = st.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFREG || type == S_IFSOCK
    }
}

extension FileIO {
    /// Size and modification time of a file, as bytes for a digest; empty when it is missing.
    static func stamp(_ path: String) -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else { return [] }
        return Array("\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)".utf8)
    }
}
