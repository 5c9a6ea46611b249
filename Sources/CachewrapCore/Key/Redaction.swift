/// Where secrets hide in a command line, as data: one table serves every policy and
/// `cachewrap -- CMD`, so the key, `ls`, `show`, `explain` and `key` agree on what is secret. A
/// secret found here joins the key only as a salted digest of its whole argument (`KeyBuilder`)
/// and is shown, and stored for display, as `<redacted>` (`Display`). A policy adds its own flag
/// names by editing its copy (`PolicySpec.redaction`), never with a second mechanism.
///
/// Matching is generous on purpose: hiding a word that was not secret costs only readability (the
/// digest of the whole argument still keys it apart), while a missed secret is stored in plain
/// text. The rules that read the data are in `RedactionRules.swift`.
public struct RedactionTable: Sendable, Equatable {
    /// Flags whose value is an HTTP header `Name: value` (curl, gh api, wget); the name stays.
    public var headerFlags: Set<String> = ["-H", "--header", "--proxy-header"]
    /// Headers whose value is secret whatever their name says (lower case); any header named
    /// with one of `secretWords` (`X-Api-Key`, `X-Auth-Token`) is secret too.
    public var secretHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]
    /// Flags whose value is `user:password` (curl's `-u`/`-U`, httpie's `--auth`): what follows the
    /// first colon is secret, and a value without a colon is a plain word (`sort -u file`).
    public var credentialFlags: Set<String> = ["-u", "--user", "-U", "--proxy-user", "--auth"]
    /// Flags whose value is `name=value` fields, `&`-separated (gh api's `-f`/`-F`, curl's `-d`/`-F`):
    /// the value of a field named with one of `secretWords` is secret.
    public var fieldFlags: Set<String> = ["-f", "-F", "--field", "--raw-field", "-d", "--data", "--data-raw",
                                          "--data-urlencode", "--form"]
    /// Flags whose whole value is secret whatever their name: policies add theirs here.
    public var secretFlags: Set<String> = []
    /// A flag (`--name` or Go's `-name`) whose name, lower case and without `-` or `_`, ends with
    /// one of these takes a secret value: `--password`, `--token`, `--api-key`, `--secret`, and so
    /// `--github-token`, `--client-secret`, `--apikey`; `--token-file` names a file and is not one.
    public var secretFlagEndings = ["password", "passwd", "passphrase", "token", "secret", "apikey", "accesskey",
                                    "secretkey"]
    /// First words that make such a flag a switch without a value: `--show-token`, `--with-token`
    /// (gh reads the token from stdin), `--no-password`.
    public var switchPrefixes: Set<String> = ["no", "show", "hide", "print", "with", "without", "use", "ask", "prompt",
                                              "skip"]
    /// A header, field, URL query parameter or environment variable whose lower-case name
    /// contains one of these carries a secret (`access_token`, `X-Amz-Signature`, `api_key`)...
    public var secretWords = ["token", "key", "secret", "password", "passwd", "sig", "auth", "credential", "authoriz"]
    /// ...once these are taken out of the name: `?author=octocat` is a plain GitHub filter. A
    /// secret word that holds one of them (`authoriz`) is looked for in the whole name, so
    /// `X-Authorization` stays secret.
    public var notSecretWords = ["author"]

    public init() {}

    /// The table every policy starts from.
    public static let standard = RedactionTable()
    /// What stands in for each secret in displays and in the key document's `redacted` text.
    public static let placeholder = "<redacted>"

    /// The arguments that carry a secret, by index, each as it may be shown: every secret in it
    /// replaced by `<redacted>`, the rest (flag, header name, user, URL) kept. Arguments without a
    /// secret are absent. Each argument is read with the one before it, which may be the flag it
    /// is the value of.
    public func redact(_ args: [String]) -> [Int: String] {
        var out: [Int: String] = [:]
        for (i, arg) in args.enumerated() {
            let spans = secretSpans(in: arg, after: i > 0 ? args[i - 1] : nil)
            if !spans.isEmpty { out[i] = Self.replacing(spans, in: arg) }
        }
        return out
    }

    /// Whether a name (of a header, field, query parameter or environment variable) says that
    /// its value is secret: it contains one of `secretWords`, case aside, outside `notSecretWords`.
    public func isSecretName(_ name: some StringProtocol) -> Bool {
        let lower = name.lowercased()
        var rest = lower
        for word in notSecretWords { rest = rest.replacing(word, with: "") }
        return secretWords.contains { word in
            rest.contains(word) || (notSecretWords.contains { word.contains($0) } && lower.contains(word))
        }
    }

    /// `text` with each span replaced by the placeholder; overlapping spans (a URL's query read
    /// both as a URL and as fields) merge into one.
    static func replacing(_ spans: [Range<String.Index>], in text: String) -> String {
        var out = ""
        var cursor = text.startIndex
        for span in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if span.lowerBound >= cursor {
                out += text[cursor..<span.lowerBound]
                out += placeholder
                cursor = span.upperBound
            } else if span.upperBound > cursor {
                cursor = span.upperBound
            }
        }
        out += text[cursor...]
        return out
    }
}
