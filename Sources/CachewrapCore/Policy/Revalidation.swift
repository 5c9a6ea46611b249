/// Whether an expired answer can be renewed by asking the server "has it changed since?"
/// (a conditional request) instead of fetching it again (docs/architecture.md, Revalidation).
/// Decided by the policy from the invocation alone, like the rest of a `Decision`.
public enum Revalidation: Sendable, Equatable {
    /// The tool has no conditional requests: an expired answer is fetched again in full.
    case unsupported
    /// The tool has them, but not for this call; why, in `explain`'s words.
    case impossible(String)
    /// This call can be: how to ask.
    case conditional(ConditionalRequest)

    /// Why this call cannot be revalidated; nil when it can.
    public var whyNot: String? {
        switch self {
        case .unsupported: "only gh api GETs of REST paths can be"
        case .impossible(let why): why
        case .conditional: nil
        }
    }

    /// The request, when this call can be revalidated.
    public var request: ConditionalRequest? {
        guard case .conditional(let request) = self else { return nil }
        return request
    }
}

/// How to run a `gh api` call so that its answer can be revalidated: with `--include`, so
/// the response's status line and headers come first on stdout (where the ETag is read and
/// a 304 is seen), and, once a validator is stored, with `If-None-Match` / `If-Modified-Since`.
public struct ConditionalRequest: Sendable, Equatable {
    /// Where the added flags go in the tool's arguments: right after the word `api`, so they
    /// come before any `--`.
    public var insertAt: Int
    /// The user asked for the headers (`-i`): they are part of the answer, shown and stored.
    /// Otherwise cachewrap added `--include` and takes the headers off before anything else
    /// sees the output.
    public var keepsHead: Bool

    public init(insertAt: Int, keepsHead: Bool) {
        self.insertAt = insertAt
        self.keepsHead = keepsHead
    }

    /// The tool's arguments (without its name) for a run that reads the response head, and
    /// asks conditionally when `validator` is given.
    public func arguments(_ arguments: [Argument], validator: Validator?) -> [Argument] {
        var added: [Argument] = keepsHead ? [] : [Argument("--include")]
        if let etag = validator?.etag { added += [Argument("-H"), Argument("If-None-Match: " + etag)] }
        if let date = validator?.lastModified { added += [Argument("-H"), Argument("If-Modified-Since: " + date)] }
        var out = arguments
        out.insert(contentsOf: added, at: min(insertAt, out.count))
        return out
    }
}

/// What a server said identifies the answer it sent: its ETag and Last-Modified header values,
/// sent back as `If-None-Match` and `If-Modified-Since`.
public struct Validator: Sendable, Equatable {
    public var etag: String?
    public var lastModified: String?

    /// nil when neither is there: such an answer cannot be revalidated.
    public init?(etag: String?, lastModified: String?) {
        guard etag != nil || lastModified != nil else { return nil }
        self.etag = etag
        self.lastModified = lastModified
    }
}
