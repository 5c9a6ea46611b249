/// Environment variables as a call saw them. Values are bytes: one need not be UTF-8, and the
/// key digests exactly the bytes the tool gets.
///
/// Kept as the process keeps them, `NAME=VALUE` entries one after the other, because the copy
/// is made on every call, hits included: one pass over the environment costs a few
/// microseconds, where a dictionary of a hundred variables cost tens. A lookup scans the
/// entries, as getenv does, and the first of two entries with one name wins, as it does there.
public struct Variables: Sendable, ExpressibleByDictionaryLiteral {
    /// The entries, each ended by a NUL.
    private let entries: [UInt8]
    /// Where each entry starts in `entries`.
    private let starts: [Int]

    /// `entries`: NUL-ended `NAME=VALUE` entries, in the order of the environment, starting at `starts`.
    init(entries: [UInt8], starts: [Int]) {
        self.entries = entries
        self.starts = starts
    }

    init(bytes values: [String: [UInt8]]) {
        var entries: [UInt8] = [], starts: [Int] = []
        for (name, value) in values {
            starts.append(entries.count)
            entries += Array(name.utf8) + [UInt8(ascii: "=")] + value + [0]
        }
        self.init(entries: entries, starts: starts)
    }

    public init(_ values: [String: String]) { self.init(bytes: values.mapValues { Array($0.utf8) }) }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(Dictionary(elements) { first, _ in first })
    }

    public func bytes(_ name: String) -> [UInt8]? {
        let name = Array(name.utf8)
        return entries.withUnsafeBufferPointer { all in
            for start in starts where all.count - start > name.count && all[start + name.count] == UInt8(ascii: "=") {
                guard UnsafeBufferPointer(rebasing: all[start..<(start + name.count)]).elementsEqual(name) else { continue }
                let value = start + name.count + 1
                return Array(UnsafeBufferPointer(rebasing: all[value...]).prefix { $0 != 0 })
            }
            return nil
        }
    }

    /// The value as text (invalid UTF-8 repaired), nil when unset.
    public subscript(name: String) -> String? { bytes(name).map { String(decoding: $0, as: UTF8.self) } }

    /// The value when set and not empty: how the tools read their variables (`GH_REPO=` names
    /// no repository), and cachewrap with them.
    public func nonEmpty(_ name: String) -> String? { self[name].flatMap { $0.isEmpty ? nil : $0 } }

    /// Every variable whose name starts with `prefix` (COPILOT_PROVIDER_), sorted by name.
    public func names(withPrefix prefix: String) -> [String] {
        var names: Set<String> = []
        for start in starts {
            let entry = entries[start...].prefix { $0 != 0 }
            guard let eq = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(decoding: entry[..<eq], as: UTF8.self)
            if name.hasPrefix(prefix) { names.insert(name) }
        }
        return names.sorted()
    }
}
