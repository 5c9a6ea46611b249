/// How a command line is shown in `ls`, `show` and messages: shell-quoted where needed, with
/// every secret the redaction table finds replaced, because the display string is stored.
enum Display {
    static func commandLine(tool: String, arguments: [Argument], redaction: RedactionTable) -> String {
        let words = [tool] + arguments.map(\.text)
        let redacted = redaction.redact(words)
        return words.indices.map { i in
            redacted[i].map { $0 == RedactionTable.placeholder ? $0 : quote($0) } ?? quote(words[i])
        }.joined(separator: " ")
    }

    static func quote(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,")
        if !word.isEmpty && word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
