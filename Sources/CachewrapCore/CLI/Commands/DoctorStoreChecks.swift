import Glibc

/// Doctor's storage checks: can the cache directory be used (or created), are it and the
/// database private (0700 and 0600, docs/architecture.md, Store; since cached output can hold private
/// repository data), and is the database healthy. It only looks: a missing directory is reported
/// as creatable, never created, and a damaged database is reported, never moved aside.
struct DoctorStoreChecks {
    let location: CacheLocation

    func checks() -> [DoctorCheck] {
        let dir = location.directory
        var st = stat()
        guard stat(dir, &st) == 0 else { return [missingDirectory(dir, errno)] }
        guard st.st_mode & S_IFMT == S_IFDIR else {
            return [.fail("cache dir", "\(dir) is not a directory (a file is in the way)",
                          fix: "move it away (mv \(Display.quote(dir)) \(Display.quote(dir + ".old"))) or set CACHEWRAP_DIR to a directory you own")]
        }
        guard access(dir, R_OK | W_OK | X_OK) == 0 else {
            return [.fail("cache dir", "\(dir) is not writable by you (\(errnoText(errno)))",
                          fix: "chmod 700 \(Display.quote(dir)) as its owner, or set CACHEWRAP_DIR to a directory you own")]
        }
        return [.ok("cache dir", "\(dir) (writable)"), permissions(dir, st), database()]
    }

    /// The directory does not exist: fine if the nearest existing ancestor is a writable directory.
    private func missingDirectory(_ dir: String, _ code: Int32) -> DoctorCheck {
        let setDir = "set CACHEWRAP_DIR to a directory you own"
        guard code == ENOENT || code == ENOTDIR else {
            return .fail("cache dir", "cannot inspect \(dir): \(errnoText(code))", fix: setDir)
        }
        var ancestor = dir
        var st = stat()
        repeat {
            guard let slash = ancestor.lastIndex(of: "/") else { ancestor = "."; break }
            ancestor = slash == ancestor.startIndex ? "/" : String(ancestor[..<slash])
        } while stat(ancestor, &st) != 0 && ancestor != "/"
        _ = stat(ancestor, &st)
        guard st.st_mode & S_IFMT == S_IFDIR else {
            return .fail("cache dir", "\(dir) cannot be created: \(ancestor) is a file, not a directory",
                         fix: "remove or rename \(ancestor), or \(setDir)")
        }
        guard access(ancestor, W_OK | X_OK) == 0 else {
            return .fail("cache dir", "\(dir) cannot be created: \(ancestor) is not writable (\(errnoText(errno)))",
                         fix: "mkdir -p \(Display.quote(dir)) && chmod 700 \(Display.quote(dir)) as a user who can, or \(setDir)")
        }
        return .ok("cache dir", "\(dir) does not exist yet; it will be created (mode 0700) on first use")
    }

    /// Modes and owner of the directory and the database files: writable by others is a FAIL
    /// (anyone could plant a cached answer), readable by others a WARN (private data leaks).
    private func permissions(_ dir: String, _ dirStat: stat) -> DoctorCheck {
        var problems: [(fail: Bool, text: String)] = []
        var fixes: [String] = []
        let dirMode = dirStat.st_mode & 0o777
        if dirMode & 0o077 != 0 {
            problems.append(exposure(dir, dirMode))
            fixes.append("chmod 700 \(Display.quote(dir))")
        }
        let files = ["", "-wal", "-shm"].map { location.databasePath + $0 }
        var loose: [String] = []
        for file in files {
            var st = stat()
            guard stat(file, &st) == 0 else { continue }
            let mode = st.st_mode & 0o777
            if st.st_uid != geteuid() { problems.append((false, "\(file) is owned by uid \(st.st_uid), not you")) }
            guard mode & 0o077 != 0 else { continue }
            problems.append(exposure(file, mode))
            loose.append(Display.quote(file))
        }
        if !loose.isEmpty { fixes.append("chmod 600 " + loose.joined(separator: " ")) }
        guard !problems.isEmpty else { return .ok("permissions", "cache dir 0700, database 0600 (private)") }
        let detail = problems.map(\.text).joined(separator: "; ")
        let fix = fixes.isEmpty ? "chown the files to your user, or set CACHEWRAP_DIR to a directory you own" : fixes.joined(separator: " && ")
        return problems.contains { $0.fail }
            ? .fail("permissions", detail + "; others could plant cached answers", fix: fix)
            : .warn("permissions", detail + "; cached output can hold private data", fix: fix)
    }

    /// One too-open file: writable by group or others is a failure, readable only a warning.
    private func exposure(_ path: String, _ mode: mode_t) -> (fail: Bool, text: String) {
        let writable = mode & 0o022 != 0
        return (writable, "\(path) is mode \(octal(mode)) (\(writable ? "writable" : "readable") by others)")
    }

    /// Opens the database, runs `PRAGMA quick_check` and counts entries and output bytes.
    private func database() -> DoctorCheck {
        let path = location.databasePath
        var st = stat()
        guard stat(path, &st) == 0 else { return .ok("database", "none yet; created on the first cached call") }
        let fix = "run 'cachewrap clear': it moves a damaged database aside and starts a new one"
        do throws(SQLiteDatabase.Failure) {
            let db = try SQLiteDatabase(path: path)
            let check = try db.prepare("PRAGMA quick_check")
            let verdict = try check.step() ? check.text(0) : "no answer"
            guard verdict == "ok" else { return .fail("database", "\(path) is damaged: \(verdict)", fix: fix) }
            guard try db.scalar("PRAGMA user_version") > 0 else { return .ok("database", "\(path) is empty (no entries yet)") }
            let entries = try db.scalar("SELECT COUNT(*) FROM entries")
            let bytes = try db.scalar("SELECT COALESCE(SUM(size), 0) FROM outputs")
            return .ok("database", "\(path): quick_check ok, \(entries) \(entries == 1 ? "entry" : "entries"), "
                + "\(ByteSize.format(bytes)) of output, file \(ByteSize.format(Int64(st.st_size)))")
        } catch {
            return .fail("database", "\(path) cannot be read: \(error.message)", fix: fix)
        }
    }

    /// A mode as chmod takes it, e.g. 0755.
    private func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
