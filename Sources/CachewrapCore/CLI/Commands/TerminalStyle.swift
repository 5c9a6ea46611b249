/// How `stats` and `doctor` dress their report for a person: colour only when stdout is a
/// terminal and `NO_COLOR` is not set (no-color.org) and TERM is not `dumb`, so piped output
/// and logs never carry escape codes; block characters only in a UTF-8 locale, so a C-locale
/// terminal or a CI log shows `#` instead of mojibake.
struct TerminalStyle {
    /// SGR colour codes, named for what they mean in the reports, not for the colour.
    enum Tone: String {
        case good = "32"
        case warning = "33"
        case bad = "1;31"
        case heading = "1"
        case faint = "2"
    }

    let colour: Bool
    let unicode: Bool

    /// The style for stdout, decided once per command from the environment.
    static func forStdout() -> TerminalStyle {
        let noColour = !(Environment.get("NO_COLOR") ?? "").isEmpty || Environment.get("TERM") == "dumb"
        return TerminalStyle(colour: FileIO.isTerminal(1) && !noColour, unicode: localeIsUTF8())
    }

    /// The locale's character set as C's setlocale would pick it: the first of LC_ALL, LC_CTYPE
    /// and LANG that is set and not empty; none means the C locale, which is ASCII.
    static func localeIsUTF8() -> Bool {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            guard let value = Environment.get(name), !value.isEmpty else { continue }
            let lower = value.lowercased()
            return lower.contains("utf-8") || lower.contains("utf8")
        }
        return false
    }

    /// `text` in `tone` when colour is on, otherwise exactly `text`.
    func paint(_ text: String, _ tone: Tone) -> String {
        colour && !text.isEmpty ? "\u{1B}[\(tone.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// A hit-rate bar of `width` cells, e.g. `████░░░░` (ASCII `####....`), the filled part
    /// coloured by how good the rate is.
    func bar(_ rate: Double, width: Int = 8) -> String {
        let filled = max(0, min(width, Int((rate * Double(width)).rounded())))
        let tone: Tone = rate >= 0.5 ? .good : rate > 0 ? .warning : .faint
        return cells(filled, of: width, unicode ? ("█", "░") : ("#", "."), tone)
    }

    /// A day's bar of `width` cells: `value` against the busiest day's, e.g. `▇▇▇▇▁▁▁▁▁▁`
    /// (ASCII `####......`). A day that saved anything shows at least one cell.
    func dayBar(_ value: Int64, busiest: Int64, width: Int = 10) -> String {
        let scaled = busiest > 0 ? Int((Double(value) / Double(busiest) * Double(width)).rounded()) : 0
        let filled = value > 0 ? max(1, min(width, scaled)) : 0
        return cells(filled, of: width, unicode ? ("▇", "▁") : ("#", "."), .good)
    }

    /// `filled` cells of the first glyph in `tone`, the rest of `width` of the second, faint.
    private func cells(_ filled: Int, of width: Int, _ glyphs: (full: String, empty: String), _ tone: Tone) -> String {
        paint(String(repeating: glyphs.full, count: filled), tone)
            + paint(String(repeating: glyphs.empty, count: width - filled), .faint)
    }
}

/// Column layout for the plain-text tables of `stats`: pads by characters (the bars are one
/// column per character), before any colour is added, so escape codes never skew a column.
enum TextColumns {
    /// `text` padded with spaces to `width`; right-aligned for numbers.
    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let gap = String(repeating: " ", count: max(0, width - text.count))
        return right ? gap + text : text + gap
    }

    /// A compact duration for people, from milliseconds: 450ms, 3.2s, 4m 10s, 2h 5m, 3d 4h.
    static func duration(ms: Int64) -> String {
        let ms = max(0, ms)
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 {
            let tenths = (ms + 50) / 100
            return "\(tenths / 10).\(tenths % 10)s"
        }
        let s = ms / 1000
        if s < 3600 { return "\(s / 60)m \(s % 60)s" }
        if s < 86_400 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        return "\(s / 86_400)d \(s % 86_400 / 3600)h"
    }

    /// A rate as a percentage with one decimal, e.g. 66.7%.
    static func percent(_ rate: Double) -> String {
        let tenths = Int((rate * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// A share as a percentage with one decimal, `<0.1%` for a share too small to show so.
    static func share(_ ratio: Double) -> String {
        ratio > 0 && ratio < 0.0005 ? "<0.1%" : percent(ratio)
    }

    /// Micro-dollars as dollars and cents for people: $0.15, $1,234.50, `<$0.01` below a cent.
    static func dollars(micros: Int64) -> String {
        if micros > 0 && micros < 5_000 { return "<$0.01" }
        let cents = (max(0, micros) + 5_000) / 10_000
        let rest = cents % 100
        return "$" + grouped(cents / 100) + "." + (rest < 10 ? "0\(rest)" : "\(rest)")
    }

    /// A whole number with thousands separated: 5,000.
    static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        let head = digits.count % 3 == 0 ? 3 : digits.count % 3
        var out = String(digits.prefix(head))
        var rest = digits.dropFirst(head)
        while !rest.isEmpty {
            out += "," + rest.prefix(3)
            rest = rest.dropFirst(3)
        }
        return (n < 0 ? "-" : "") + out
    }
}
