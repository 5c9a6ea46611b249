/// How a command line is shown in `ls`, `show` and messages: shell-quoted where needed, with
/// secret arguments replaced, because the display string is stored.
enum Display {
    static func commandLine(tool: String, arguments: [Argument], secret: Set<Int>) -> String {
        ([tool] + arguments.enumerated().map { i, arg in secret.contains(i) ? "<redacted>" : quote(arg.text) })
            .joined(separator: " ")
    }

    static func quote(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,")
        if !word.isEmpty && word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
