import Foundation
import Testing

/// docs/architecture.md is the design of record, and code comments point into it by section
/// name: every such pointer must name a section that exists, and every file the document names
/// must exist, so a reader who follows a reference never lands nowhere.
@Suite struct ArchitectureDocTests {
    static let root = TeamCacheAccessTests.root

    static func text(_ path: String) throws -> String { try String(contentsOfFile: root + "/" + path, encoding: .utf8) }

    /// The repository's tracked text files under these folders.
    static func files(under folders: [String]) -> [String] {
        folders.flatMap { folder -> [String] in
            let base = root + "/" + folder
            guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
            return walker.compactMap { $0 as? String }
                .filter { path in [".swift", ".md", ".sh", ".py", ".1"].contains { path.hasSuffix($0) } }
                .map { folder + "/" + $0 }
        }
    }

    @Test func everySectionReferenceNamesASection() throws {
        let doc = try Self.text("docs/architecture.md")
        let sections = Set(doc.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) })
        var references = 0
        for file in Self.files(under: ["Sources", "Tests", "bench", "man", "fuzz", "docs"]) + ["README.md"] {
            let text = try Self.text(file)
            // "docs/architecture.md, Store" or "docs/architecture.md: Retries, Store".
            for line in text.split(separator: "\n") where line.contains("docs/architecture.md, ") || line.contains("docs/architecture.md: ") {
                let after = line.components(separatedBy: "docs/architecture.md").dropFirst().map { $0.dropFirst(2) }
                for tail in after {
                    let names = tail.prefix { !")\"`.;".contains($0) }.components(separatedBy: ", ")
                    for name in names where !name.isEmpty {
                        references += 1
                        #expect(sections.contains(name), "\(file): '\(name)' is not a section of docs/architecture.md")
                    }
                }
            }
        }
        #expect(references > 40, "the code points into the document")
    }

    @Test func everyFileTheDocumentNamesExists() throws {
        let doc = try Self.text("docs/architecture.md")
        let named = doc.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            .filter { $0.hasSuffix(".swift") && !$0.contains(" ") }
        #expect(named.count > 40, "\(named.count) files named")
        for name in named {
            let candidates = [name, "Sources/CachewrapCore/" + name]
            #expect(candidates.contains { FileManager.default.fileExists(atPath: Self.root + "/" + $0) }, "\(name) does not exist")
        }
    }

    @Test func nothingCitesADocumentOutsideTheRepository() throws {
        for file in Self.files(under: ["Sources", "Tests", "bench", "man", "fuzz", "docs", ".ci"]) + ["README.md"] {
            #expect(!(try Self.text(file)).contains("DESIGN" + ".md"), "\(file) cites a file that is not in the repository")
        }
    }
}
