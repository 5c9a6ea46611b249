import Foundation
import Glibc
import Testing

@testable import CachewrapCore

/// Guards the rules of invalidation: which answers a mutation refuses (`Scope.marksChanged`
/// against `marksRead`), and the local marks that carry them (`ScopeMarks`): a mark refuses
/// every answer whose run started before it, never moves backwards, and a mark that cannot be
/// read refuses answers instead of serving them.
@Suite struct ScopeMarksTests {
    static let a = Scope(area: "gh:github.com")
    static let aX = Scope(area: "gh:github.com", item: "o/x")
    static let aY = Scope(area: "gh:github.com", item: "o/y")
    static let b = Scope(area: "gh:ghe.corp")
    static let bX = Scope(area: "gh:ghe.corp", item: "o/x")

    /// Whether a mutation of `change` refuses answers of `read`.
    static func refuses(_ change: Scope, _ read: Scope) -> Bool {
        !Set(change.marksChanged).isDisjoint(with: read.marksRead)
    }

    @Test func anItemMutationRefusesThatItemAndTheAreaOnly() {
        #expect(Self.refuses(Self.aX, Self.aX), "the item's own answers")
        #expect(Self.refuses(Self.aX, Self.a), "area-wide answers (`gh search`) may show the item")
        #expect(!Self.refuses(Self.aX, Self.aY), "another repository's answers stay")
        #expect(!Self.refuses(Self.aX, Self.bX), "the same name on another host is another repository")
        #expect(!Self.refuses(Self.aX, Self.b))
    }

    @Test func anAreaMutationRefusesEveryAnswerInTheArea() {
        #expect(Self.refuses(Self.a, Self.a))
        #expect(Self.refuses(Self.a, Self.aX) && Self.refuses(Self.a, Self.aY))
        #expect(!Self.refuses(Self.a, Self.b) && !Self.refuses(Self.a, Self.bX), "other areas stay")
    }

    /// Mark names are digests (areas and items may hold any character), distinct per mark.
    @Test func markNamesAreDistinctFileNames() {
        let marks = Set([Self.a, Self.aX, Self.aY, Self.b, Self.bX].flatMap { $0.marksChanged + $0.marksRead })
        let names = Set(marks.map(Scope.markName))
        #expect(names.count == marks.count)
        #expect(names.allSatisfy { $0.count == 32 && !$0.contains("/") })
    }

    /// A fresh cache directory (not created yet: `move` makes it).
    static func marks(_ temp: StoreTests.TempCache) -> ScopeMarks { ScopeMarks(cache: temp.location.directory) }

    @Test func anAnswerIsAllowedOnlyAfterTheLastMark() {
        let temp = StoreTests.TempCache(), marks = Self.marks(temp)
        #expect(marks.allows(Self.aX, startedMs: 1), "no mutation yet: everything is allowed")
        #expect(marks.move(Self.aX, to: 1_000))
        #expect(!marks.allows(Self.aX, startedMs: 999) && !marks.allows(Self.aX, startedMs: 1_000),
                "a run that started before (or as) the mutation ran is refused")
        #expect(marks.allows(Self.aX, startedMs: 1_001))
        #expect(!marks.allows(Self.a, startedMs: 999), "the area's own answers read the item's change")
        #expect(marks.allows(Self.aY, startedMs: 999), "another item's answers do not")
        #expect(marks.move(Self.a, to: 2_000))
        #expect(!marks.allows(Self.aY, startedMs: 1_999) && marks.allows(Self.aY, startedMs: 2_001))
    }

    /// Two mutations ending out of order keep the later time.
    @Test func aMarkNeverMovesBackwards() {
        let temp = StoreTests.TempCache(), marks = Self.marks(temp)
        #expect(marks.move(Self.aX, to: 5_000))
        #expect(marks.move(Self.aX, to: 3_000))
        #expect(!marks.allows(Self.aX, startedMs: 4_000))
        #expect(marks.latest(for: Self.aX) == 5_000)
    }

    /// A mark file that does not parse (damaged, or written by something else) says "changed
    /// just now": nothing of its scope is served, and the next mutation writes it anew.
    @Test func anUnreadableMarkRefusesUntilTheNextMoveRepairsIt() throws {
        let temp = StoreTests.TempCache(), marks = Self.marks(temp)
        #expect(marks.move(Self.aY, to: 10))  // makes the directory
        let path = temp.location.directory + "/" + ScopeMarks.directoryName + "/" + Scope.markName(Self.aX.marksRead[0])
        try Data("not a time".utf8).write(to: URL(fileURLWithPath: path))
        #expect(!marks.allows(Self.aX, startedMs: Int64.max - 1), "an unparseable mark refuses every answer")
        #expect(marks.allows(Self.aY, startedMs: 11), "other items' marks are untouched")
        #expect(marks.move(Self.aX, to: 7_000))
        #expect(marks.latest(for: Self.aX) == 7_000 && marks.allows(Self.aX, startedMs: 7_001))
    }

    /// A mark others may write could be moved back to serve old answers: it is not trusted.
    @Test func aMarkOthersCanWriteRefusesAnswers() {
        let temp = StoreTests.TempCache(), marks = Self.marks(temp)
        #expect(marks.move(Self.aX, to: 100))
        let path = temp.location.directory + "/" + ScopeMarks.directoryName + "/" + Scope.markName(Self.aX.marksRead[0])
        #expect(chmod(path, 0o666) == 0)
        #expect(!marks.allows(Self.aX, startedMs: 1_000_000))
    }
}
