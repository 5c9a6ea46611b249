/// What kubectl's scope needs of its kubeconfig files: the current context, the cluster each
/// context names and each cluster's server. Read from the block YAML kubectl writes (and most
/// people copy): top-level keys, `- name: ...` list items at any indentation, plain or quoted
/// scalars. Anything else (JSON, flow style, anchors) finds nothing, and the scope then falls
/// back to naming the files (`KubectlScope`), which is coarser, never wrong.
struct Kubeconfig: Equatable {
    var currentContext: String?
    /// Context name → cluster name.
    var clusters: [String: String] = [:]
    /// Cluster name → server URL.
    var servers: [String: String] = [:]

    /// The files kubectl loads: `--kubeconfig` alone, else the `KUBECONFIG` list (empty entries
    /// skipped, each file once), else `~/.kube/config`.
    static func files(_ arguments: KubectlArguments, _ invocation: Invocation) -> [String] {
        if let explicit = arguments.value("--kubeconfig") { return [explicit] }
        guard let list = invocation.environment.nonEmpty("KUBECONFIG") else {
            return [invocation.homeDirectory + "/.kube/config"]
        }
        var seen: Set<String> = []
        return list.split(separator: ":").map(String.init).filter { seen.insert($0).inserted }
    }

    /// The files merged as kubectl merges them: the first to set the current context, or to
    /// name a context or cluster, wins.
    init(files: [[UInt8]]) {
        for file in files { merge(Self.entries(String(decoding: file, as: UTF8.self))) }
    }

    private mutating func merge(_ entries: [(path: [String], value: String)]) {
        // List items in the order they appear: (section, name, cluster or server).
        var items: [(id: String, section: String, name: String?, target: String?)] = []
        for (path, value) in entries {
            if path == ["current-context"] { currentContext = currentContext ?? value; continue }
            guard path.count >= 3, ["contexts", "clusters"].contains(path[0]), path[1].hasPrefix("-") else { continue }
            if items.last?.id != path[1] { items.append((path[1], path[0], nil, nil)) }
            switch Array(path.dropFirst(2)) {
            case ["name"]: items[items.count - 1].name = value
            case ["context", "cluster"] where path[0] == "contexts", ["cluster", "server"] where path[0] == "clusters":
                items[items.count - 1].target = value
            default: continue
            }
        }
        for item in items {
            guard let name = item.name, let target = item.target else { continue }
            if item.section == "contexts" { clusters[name] = clusters[name] ?? target }
            else { servers[name] = servers[name] ?? target }
        }
    }

    /// Every scalar of a block YAML text with the path of keys to it; a list item is a path
    /// component `-N`, unique in the text. Block scalars (`|`, `>`) are skipped whole.
    static func entries(_ text: String) -> [(path: [String], value: String)] {
        var stack: [(column: Int, key: String)] = []
        var out: [(path: [String], value: String)] = []
        var items = 0
        var blockDeeperThan: Int?
        for raw in text.split(whereSeparator: \.isNewline) {
            var column = raw.prefix { $0 == " " }.count
            var line = raw.dropFirst(column)
            if let block = blockDeeperThan, column > block || line.isEmpty { continue }
            blockDeeperThan = nil
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("---") { continue }
            if line == "-" || line.hasPrefix("- ") {
                while let last = stack.last, last.column > column || (last.column == column && last.key.hasPrefix("-")) {
                    stack.removeLast()
                }
                items += 1
                stack.append((column, "-\(items)"))
                line = line.dropFirst()
                let pad = line.prefix { $0 == " " }.count
                column += 1 + pad
                line = line.dropFirst(pad)
                if line.isEmpty { continue }
            }
            guard let (key, value) = keyAndValue(line) else { continue }
            while let last = stack.last, last.column >= column { stack.removeLast() }
            if value.isEmpty {
                stack.append((column, key))
            } else if value.hasPrefix("|") || value.hasPrefix(">") {
                blockDeeperThan = column
            } else {
                out.append((stack.map(\.key) + [key], value))
            }
        }
        return out
    }

    /// `key: value` (either quoted), the value unquoted or cut at a ` #` comment.
    private static func keyAndValue(_ line: Substring) -> (String, String)? {
        let key: Substring, rest: Substring
        if let quote = line.first, quote == "\"" || quote == "'" {
            guard let end = line.dropFirst().firstIndex(of: quote) else { return nil }
            key = line[line.index(after: line.startIndex)..<end]
            rest = line[line.index(after: end)...]
        } else {
            guard let colon = line.firstRange(of: ": ")?.lowerBound ?? (line.hasSuffix(":") ? line.index(before: line.endIndex) : nil)
            else { return nil }
            key = line[..<colon]
            rest = line[colon...]
        }
        guard rest.hasPrefix(":") else { return nil }
        var value = rest.dropFirst().drop { $0 == " " }
        if let quote = value.first, quote == "\"" || quote == "'" {
            guard let end = value.dropFirst().firstIndex(of: quote) else { return nil }
            value = value[value.index(after: value.startIndex)..<end]
        } else {
            if let comment = value.firstRange(of: " #") { value = value[..<comment.lowerBound] }
            while value.last == " " { value.removeLast() }
        }
        return (String(key), String(value))
    }
}
