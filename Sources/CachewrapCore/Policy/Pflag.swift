/// Command lines read the way Go's flag library pflag reads them, for the tools built on it
/// (gh, kubectl): `--flag V`, `--flag=V`, `-XV`, `-X V`, `-X=V`, and clusters of shorthands,
/// where a value-taking letter takes the rest of the word or the next one: `-iXPOST` is `-i`
/// then `-X POST`, and so is `-iX POST`. Reading a cluster as one unknown flag would miss what
/// it sets (gh api's method, kubectl's namespace or `-w` watch).
struct Pflag: Sendable {
    /// One word of a command line as pflag reads it: a flag by its long name (`-X` is
    /// `--method`), or a positional word (name ""), with its value and the index in argv of the
    /// argument holding that value.
    struct Flag: Equatable {
        var name: String
        var value: String?
        var index: Int?
    }

    /// The long flags that take a value.
    let valueFlags: Set<String>
    /// One-letter forms and the long names they stand for; a letter not here is read as a
    /// switch (the tool refuses it anyway).
    let shorthands: [Unicode.Scalar: String]

    /// The flags and positional words of `args`, indexed as in the slice's base.
    func flags(_ args: ArraySlice<String>) -> [Flag] {
        var out: [Flag] = []
        var i = args.startIndex
        func next() -> (String?, Int?) { i += 1; return i < args.endIndex ? (args[i], i) : (nil, nil) }
        while i < args.endIndex {
            let a = args[i]
            if a.hasPrefix("--") {
                if let eq = a.firstIndex(of: "=") {
                    out.append(Flag(name: String(a[..<eq]), value: String(a[a.index(after: eq)...]), index: i))
                } else if valueFlags.contains(a) {
                    let (value, at) = next()
                    out.append(Flag(name: a, value: value, index: at))
                } else {
                    out.append(Flag(name: a))
                }
            } else if a.hasPrefix("-") && a.count > 1 {
                var rest = a.unicodeScalars.dropFirst()
                while let letter = rest.popFirst() {
                    guard let name = shorthands[letter] else { continue }
                    guard valueFlags.contains(name) else { out.append(Flag(name: name)); continue }
                    if rest.count > 1 && rest.first == "=" {
                        out.append(Flag(name: name, value: String(Substring(rest.dropFirst())), index: i))
                    } else if !rest.isEmpty {
                        out.append(Flag(name: name, value: String(Substring(rest)), index: i))
                    } else {
                        let (value, at) = next()
                        out.append(Flag(name: name, value: value, index: at))
                    }
                    break
                }
            } else {
                out.append(Flag(name: "", value: a, index: i))
            }
            i += 1
        }
        return out
    }
}
