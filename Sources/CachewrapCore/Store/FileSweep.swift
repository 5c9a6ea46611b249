import Glibc

/// What `gc` removes besides rows: spill files a crashed run left behind, blob files no output
/// row names (a removal whose unlink failed), and hit-log pieces a crashed fold left.
extension Store {
    /// Removes stray files older than `minimumAgeSeconds` (younger ones may belong to a run or a
    /// fold under way); returns how many went.
    @discardableResult
    public func sweepFiles(minimumAgeSeconds: Int64 = 3600) throws(CachewrapError) -> Int {
        let known = try wrap { () throws(SQLiteDatabase.Failure) in
            let stmt = try db.prepare("SELECT hash FROM outputs WHERE frames IS NULL")
            var names: Set<String> = []
            while try stmt.step() { names.insert(Hex.encode(stmt.blob(0))) }
            return names
        }
        let cutoff = Clock.nowMs() / 1000 - minimumAgeSeconds
        var removed = 0
        for (dir, keep) in [(location.directory, { (name: String) in
                                !(name.hasPrefix("spill.") || name.hasPrefix("hits.log.folding-")) }),
                            (location.directory + "/blobs", { (name: String) in known.contains(name) })] {
            for name in Self.listDirectory(dir) where !keep(name) {
                var st = stat()
                let path = dir + "/" + name
                guard stat(path, &st) == 0, Int64(st.st_mtim.tv_sec) < cutoff, unlink(path) == 0 else { continue }
                removed += 1
            }
        }
        return removed
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
