import Glibc

/// What `gc` removes besides rows: spill files a crashed run left behind, blob files no output
/// row names (a removal whose unlink failed), and hit-log pieces a crashed fold left.
extension Store {
    /// Removes stray files older than `minimumAgeSeconds` (younger ones may belong to a run or a
    /// fold under way); returns how many went. Each old blob file is looked up by its name (the
    /// hash index), so the cost follows the blob files, not the million small outputs beside them.
    @discardableResult
    public func sweepFiles(minimumAgeSeconds: Int64 = 3600) throws(CachewrapError) -> Int {
        let cutoff = Clock.nowMs() / 1000 - minimumAgeSeconds
        let owned = try wrap { () throws(SQLiteDatabase.Failure) in
            try db.prepare("SELECT 1 FROM outputs WHERE hash = ? AND frames IS NULL")
        }
        var removed = 0
        for blobs in [false, true] {
            let dir = blobs ? location.directory + "/blobs" : location.directory
            for name in Self.listDirectory(dir) {
                var st = stat()
                let path = dir + "/" + name
                guard blobs || name.hasPrefix("spill.") || name.hasPrefix("hits.log.folding-"),
                      stat(path, &st) == 0, Int64(st.st_mtim.tv_sec) < cutoff else { continue }
                if blobs, let hash = Self.hashOfBlob(named: name),
                   try wrap({ () throws(SQLiteDatabase.Failure) in try owned.bind(.blob(hash)).step() }) { continue }
                if unlink(path) == 0 { removed += 1 }
            }
        }
        return removed
    }

    /// The hash a blob file's name spells (64 lowercase hex digits, see `blobPath`); nil for
    /// any other name, which no output can own.
    static func hashOfBlob(named name: String) -> [UInt8]? {
        let digits = Array(name.utf8)
        guard digits.count == 64 else { return nil }
        var hash: [UInt8] = []
        hash.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let high = nibble(digits[i]), let low = nibble(digits[i + 1]) else { return nil }
            hash.append(high << 4 | low)
        }
        return hash
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    private static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
