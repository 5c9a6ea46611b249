import Glibc

extension Invocation {
    /// This process's invocation of the tool with `arguments`: its environment, working
    /// directory, stdin and terminal, read now. The one place where what policies and the key
    /// read comes from the process; the wrap path, `key` and `explain` build it once per call.
    static func ofProcess(_ arguments: [String]) -> Invocation {
        Invocation(arguments, environment: .ofProcess(), workingDirectory: currentDirectory(),
                   homeDirectory: CacheLocation.homeDirectory(), stdin: .ofDescriptor(0),
                   terminal: .ofStdout(), clock: Clock.nowMs)
    }

    /// The working directory (physical, as getcwd says); `PWD` when it cannot be named (it was
    /// removed), else `.`.
    static func currentDirectory() -> String {
        guard let p = getcwd(nil, 0) else { return Environment.get("PWD") ?? "." }
        defer { free(p) }
        return String(cString: p)
    }
}

extension StdinKind {
    static func ofDescriptor(_ fd: Int32) -> StdinKind {
        if FileIO.carriesData(fd) { return .data }
        return FileIO.isTerminal(fd) ? .terminal : .nothing
    }
}

extension Variables {
    /// A copy of this process's environment, into one array of its size.
    static func ofProcess() -> Variables {
        var entryCount = 0
        while environ[entryCount] != nil { entryCount += 1 }
        var starts: [Int] = [], size = 0
        starts.reserveCapacity(entryCount)
        for i in 0..<entryCount {
            starts.append(size)
            size += strlen(environ[i]!) + 1
        }
        let entries = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            for (i, start) in starts.enumerated() {
                let length = (i + 1 < starts.count ? starts[i + 1] : size) - start
                memcpy(buffer.baseAddress! + start, environ[i]!, length)
            }
            count = size
        }
        return Variables(entries: entries, starts: starts)
    }
}
