import Glibc

/// What a cacheable call's stdin is, decided before the key is built: data to read and key, or
/// something cachewrap must hand to the tool untouched (and then cannot cache).
///
/// Data is keyed only up to a limit (`CACHEWRAP_MAX_STDIN`, 64 MiB by default): an endless pipe
/// (`yes | cachewrap -- head -1`) must not be read into memory forever. Past the limit the call
/// runs uncached and the tool gets the bytes already read, then the rest as it comes. A device
/// other than a terminal or /dev/null (/dev/zero, /dev/urandom, a serial line) is never read:
/// its bytes are not a function of anything a key could hold.
enum StdinSource: Equatable {
    /// Nothing to key: a terminal (never read, as before), /dev/null, a closed descriptor, or
    /// an empty pipe or file, which all key the same.
    case none
    /// All of stdin, read to its end within the limit: keyed and fed to the tool.
    case data([UInt8])
    /// A pipe or socket with more than the limit: these bytes were read, the rest is still on
    /// fd 0 and is relayed to the tool as it comes.
    case tooLarge(head: [UInt8])
    /// Handed to the tool untouched, not read at all (why, for the notice).
    case untouched(String)

    /// Looks at fd 0 and reads it when it carries data.
    static func read(limit: Int) -> StdinSource {
        var st = stat()
        guard fstat(0, &st) == 0 else { return .none }
        switch st.st_mode & S_IFMT {
        case S_IFCHR:
            if FileIO.isTerminal(0) || isNullDevice(st) { return .none }
            return .untouched("stdin is a device")
        case S_IFREG:
            // A file's size says at once whether it fits: a large one is not read at all, so the
            // tool gets the file itself (it may seek, or mmap it).
            let offset = lseek(0, 0, SEEK_CUR)
            if offset >= 0, Int64(st.st_size) - Int64(offset) > Int64(limit) {
                return .untouched("stdin is a file of more than \(ByteSize.format(Int64(limit))) (CACHEWRAP_MAX_STDIN)")
            }
            return keyed(FileIO.readToEnd(0, limit: limit + 1), limit: limit)
        case S_IFIFO, S_IFSOCK:
            return keyed(FileIO.readToEnd(0, limit: limit + 1), limit: limit)
        default:
            return .none
        }
    }

    private static func keyed(_ bytes: [UInt8], limit: Int) -> StdinSource {
        if bytes.isEmpty { return .none }
        return bytes.count > limit ? .tooLarge(head: bytes) : .data(bytes)
    }

    /// /dev/null by device number, wherever it is mounted or however it is reached.
    private static func isNullDevice(_ st: stat) -> Bool {
        var null = stat()
        return stat("/dev/null", &null) == 0 && null.st_mode & S_IFMT == S_IFCHR && null.st_rdev == st.st_rdev
    }

    /// The bytes that join the key, or nil when the call cannot be cached for its stdin.
    var keyedBytes: [UInt8]? {
        if case .data(let bytes) = self { return bytes }
        return nil
    }

    /// Why the call runs uncached, when it must.
    var uncachedReason: String? {
        switch self {
        case .none, .data: nil
        case .tooLarge: "stdin is more than the key limit (CACHEWRAP_MAX_STDIN)"
        case .untouched(let why): why
        }
    }

    /// What the tool gets as its stdin.
    var toolStdin: ToolStdin {
        switch self {
        case .none: .guarded
        case .data(let bytes): .bytes(bytes)
        case .tooLarge(let head): .bytesThenRest(head)
        case .untouched: .inherited
        }
    }
}

/// How the tool's stdin is set up by `ChildProcess`.
enum ToolStdin: Equatable {
    /// A cacheable call's default: ours, except on a terminal run, where it gets /dev/null (a
    /// cacheable command must not read the user's keyboard: what it read is not in the key).
    case guarded
    /// Ours, whatever it is: `--no-cache`, and stdin that cachewrap could not key.
    case inherited
    /// These bytes, then end of file.
    case bytes([UInt8])
    /// These bytes, then the rest of ours as it comes.
    case bytesThenRest([UInt8])

    var relaysRest: Bool {
        if case .bytesThenRest = self { return true }
        return false
    }

    var feed: [UInt8]? {
        switch self {
        case .bytes(let b), .bytesThenRest(let b): b
        case .guarded, .inherited: nil
        }
    }
}
