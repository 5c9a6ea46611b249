/// The rules that read `RedactionTable`'s data: which parts of one argument are secret. Pure
/// functions of the argument and the one before it; every range is an index range of the
/// argument itself, so `RedactionTable.replacing` can cut them out.
extension RedactionTable {
    /// How a flag's value carries its secret.
    enum ValueShape {
        /// `Name: value`: the value, when the name is secret.
        case header
        /// `user:password`: what follows the first colon.
        case credentials
        /// `name=value&...`: the values of secret names.
        case fields
        /// All of it.
        case whole
    }

    /// The secret parts of `arg`: as the value of the flag before it (`-H 'Authorization: x'`),
    /// as a flag with its value attached (`--token=x`, `-HCookie: x`), as a bare assignment
    /// (`GH_TOKEN=x`, `-f token=x`'s field), and wherever it holds a URL (userinfo, query).
    func secretSpans(in arg: String, after previous: String?) -> [Range<String.Index>] {
        var spans: [Range<String.Index>] = []
        if let previous, let shape = shapeOfNextValue(after: previous) {
            spans += self.spans(of: shape, in: arg[...])
        }
        if arg.hasPrefix("-") {
            if let eq = arg.firstIndex(of: "="), let shape = shape(ofFlag: arg[..<eq]) {
                spans += self.spans(of: shape, in: arg[arg.index(after: eq)...])
            }
            spans += attachedSpans(in: arg)
        } else if let span = assignmentSpan(in: arg) {
            spans.append(span)
        }
        spans += urlSpans(in: arg)
        return spans.filter { !$0.isEmpty }
    }

    /// A short flag's value attached to it, alone or at the end of a cluster: `-HCookie: x`,
    /// `-iHX-Token: y` (gh and curl read `-iH` as `-i -H`).
    private func attachedSpans(in arg: String) -> [Range<String.Index>] {
        guard !arg.hasPrefix("--") else { return [] }
        var at = arg.index(after: arg.startIndex)
        while at < arg.endIndex, arg[at].isASCII, arg[at].isLetter {
            let next = arg.index(after: at)
            if next < arg.endIndex, let shape = shape(ofFlag: "-\(arg[at])"[...]) { return spans(of: shape, in: arg[next...]) }
            at = next
        }
        return []
    }

    /// What the argument after `flag` is, when `flag` takes a value of a secret shape: the flag
    /// itself, or a cluster of short flags ending with one (`-sH`, `-su`).
    func shapeOfNextValue(after flag: String) -> ValueShape? {
        guard flag.hasPrefix("-"), !flag.contains("=") else { return nil }
        if let shape = shape(ofFlag: flag[...]) { return shape }
        let letters = flag.dropFirst()
        guard letters.count >= 2, letters.allSatisfy({ $0.isASCII && $0.isLetter }), let last = letters.last else { return nil }
        return shape(ofFlag: "-\(last)"[...])
    }

    /// The shape of `flag`'s value, or nil for a flag whose value is not secret.
    func shape(ofFlag flag: Substring) -> ValueShape? {
        let name = String(flag)
        if headerFlags.contains(name) { return .header }
        if credentialFlags.contains(name) { return .credentials }
        if fieldFlags.contains(name) { return .fields }
        return secretFlags.contains(name) || isSecretFlagName(flag) ? .whole : nil
    }

    /// `--name` or `-name` (two letters or more) ending with one of `secretFlagEndings`, and not a
    /// switch (`--show-token`).
    func isSecretFlagName(_ flag: Substring) -> Bool {
        let name = flag.drop { $0 == "-" }
        guard flag.count - name.count <= 2, name.count >= 2,
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return false }
        let words = name.lowercased().split { $0 == "-" || $0 == "_" }
        guard let first = words.first, !switchPrefixes.contains(String(first)) else { return false }
        let joined = words.joined()
        return secretFlagEndings.contains { joined.hasSuffix($0) }
    }

    func spans(of shape: ValueShape, in value: Substring) -> [Range<String.Index>] {
        switch shape {
        case .whole:
            return [value.startIndex..<value.endIndex]
        case .credentials:
            guard let colon = value.firstIndex(of: ":") else { return [] }
            return [value.index(after: colon)..<value.endIndex]
        case .header:
            guard let colon = value.firstIndex(of: ":") else { return [] }
            let name = value[..<colon]
            guard !name.isEmpty, !name.contains(where: \.isWhitespace),
                  secretHeaders.contains(name.lowercased()) || isSecretName(name) else { return [] }
            let start = value[value.index(after: colon)...].firstIndex { $0 != " " && $0 != "\t" } ?? value.endIndex
            return [start..<value.endIndex]
        case .fields:
            return fieldSpans(in: value)
        }
    }

    /// The values of `name=value` pairs (split at `&`) whose names are secret.
    func fieldSpans(in text: Substring) -> [Range<String.Index>] {
        text.split(separator: "&").compactMap { pair in
            guard let eq = pair.firstIndex(of: "="), !pair[..<eq].isEmpty, isSecretName(pair[..<eq]) else { return nil }
            return pair.index(after: eq)..<pair.endIndex
        }
    }

    /// The value of a bare `NAME=value` argument (`env GH_TOKEN=x`, `make DB_PASSWORD=x`, gh's
    /// `-f token=x`) whose name, a variable's or a field's, is secret; a URL is no such name.
    func assignmentSpan(in arg: String) -> Range<String.Index>? {
        guard let eq = arg.firstIndex(of: "=") else { return nil }
        let name = arg[..<eq]
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_.-".contains($0) }),
              isSecretName(name) else { return nil }
        return arg.index(after: eq)..<arg.endIndex
    }

    /// URL passwords (`scheme://user:password@host`) and secret query or fragment parameters
    /// (`?access_token=x`, `#id_token=x`), anywhere in `arg`: a whole URL, a gh api endpoint
    /// (`repos/o/r?access_token=x`), a flag's attached value or a prompt that quotes one.
    func urlSpans(in arg: String) -> [Range<String.Index>] {
        var spans: [Range<String.Index>] = []
        var rest = arg[...]
        while let scheme = rest.firstRange(of: "://") {
            let authority = arg[scheme.upperBound...].prefix { !"/?#".contains($0) && !$0.isWhitespace }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                spans.append(arg.index(after: colon)..<at)
            }
            rest = arg[scheme.upperBound...]
        }
        for i in arg.indices where arg[i] == "?" || arg[i] == "#" {
            let stop: (Character) -> Bool = arg[i] == "?" ? { $0 == "#" || $0.isWhitespace } : { $0.isWhitespace }
            spans += fieldSpans(in: arg[arg.index(after: i)...].prefix { !stop($0) })
        }
        return spans
    }
}
