/// What a cached answer depends on, and what a mutation changes: the unit of invalidation.
/// An *area* is one service and account as a tool sees it (`gh:github.com`, the hf endpoint,
/// one vastai account, `claude`); an *item* is one thing inside it (the repository `o/r`, the
/// model `org/name`). A mutation drops its scope and no other, so an agent that opens five PRs
/// in one repository still gets hits for the other two it reads.
///
/// How scopes meet:
/// - a mutation of an item drops that item's answers and the area's own answers (a `gh search`
///   or `gh api user` may show anything in the area), not other items';
/// - a mutation of the area (its target cannot be known: a GraphQL mutation, `gh auth login`)
///   drops every answer in the area.
///
/// Both rules are carried by three *marks* per area (see `ScopeMarks` and `RemoteCache`): the
/// time (locally) or count (in the team cache) of the last mutation that touched them. An
/// answer is served only if it was made after every mark it reads (`marksRead`); a mutation
/// moves the marks in `marksChanged`. Policies compute scopes as pure functions of the
/// invocation, so a read and the mutation that changes it name the same scope.
public struct Scope: Hashable, Sendable {
    public var area: String
    /// nil: the whole area.
    public var item: String?

    public init(area: String, item: String? = nil) {
        self.area = area
        self.item = item
    }

    /// A tool with no finer notion of what it changes: its mutations drop all of its answers.
    public static func tool(_ name: String) -> Scope { Scope(area: name) }

    /// The marks a mutation of this scope moves.
    var marksChanged: [String] {
        guard let item else { return [Self.touched(area), Self.whole(area)] }
        return [Self.item(area, item), Self.touched(area)]
    }

    /// The marks an answer of this scope must postdate to be served.
    var marksRead: [String] {
        guard let item else { return [Self.touched(area)] }
        return [Self.item(area, item), Self.whole(area)]
    }

    /// Moved by a mutation of this one item.
    private static func item(_ area: String, _ item: String) -> String { "item\u{0}\(area)\u{0}\(item)" }
    /// Moved by every mutation in the area: what its area-wide answers read.
    private static func touched(_ area: String) -> String { "touched\u{0}\(area)" }
    /// Moved by a mutation of the whole area: what every item's answers read.
    private static func whole(_ area: String) -> String { "whole\u{0}\(area)" }

    /// How `ls --json` and `explain` show it.
    public var description: String { item.map { "\(area) \($0)" } ?? area }

    /// A mark's file name (locally) and key suffix (in the team cache): a digest, because areas
    /// and items may hold any character (URLs, repository names).
    static func markName(_ mark: String) -> String { Hex.encode(SHA256.hash(Array(mark.utf8)).prefix(16)) }
}
