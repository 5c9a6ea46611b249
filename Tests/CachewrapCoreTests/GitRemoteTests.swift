import Foundation
import Testing

@testable import CachewrapCore

/// Guards how the repository around the working directory is read from `.git/config` bytes:
/// the remote URLs gh understands, which lines belong to a remote, and which repository gh
/// would pick. A wrong pick narrows a scope to the wrong repository (a stale answer), so an
/// ambiguous checkout must give no repository at all (the caller then takes the whole host).
@Suite struct GitRemoteTests {
    @Test(arguments: [
        ("https://github.com/O/R.git", "github.com", "o/r"),
        ("https://github.com/o/r/", "github.com", "o/r"),
        ("ssh://git@github.com/o/r.git", "github.com", "o/r"),
        ("git@github.com:o/r.git", "github.com", "o/r"),
        ("github.com:o/r", "github.com", "o/r"),
        ("https://user:tok@GHE.corp/o/r", "ghe.corp", "o/r"),
        ("ssh://git@ghe.corp:2222/o/r.git", "ghe.corp", "o/r"),
        ("https://ghe.corp:8443/o/r", "ghe.corp", "o/r"),
        // gh drops a leading `www.` from a repository's host.
        ("https://www.GitHub.com/o/r.git", "github.com", "o/r"),
    ])
    func remoteURL(url: String, host: String, repository: String) {
        let found = GitRemote.hostAndRepository(url)
        #expect(found?.0 == host && found?.1 == repository, "\(url) → \(String(describing: found))")
    }

    @Test(arguments: ["/srv/git/r.git", "../r", "file:///srv/o/r.git", "r.git", "https://github.com/o"])
    func notARepositoryURL(url: String) {
        #expect(GitRemote.hostAndRepository(url) == nil, "\(url)")
    }

    static func remotes(_ config: String) -> [GitRemote] { GitRemote.parse(config: Array(config.utf8)) }

    /// Only `url` lines inside a `[remote "..."]` section are a remote's: `[url]` rewrites and
    /// submodules name other repositories.
    @Test func onlyRemoteSectionsCount() {
        let found = Self.remotes("""
            [core]
            \tbare = false
            [remote "origin"]
            \tfetch = +refs/heads/*:refs/remotes/origin/*
            [submodule "vendor"]
            \turl = https://github.com/s/vendored.git
            [url "git@github.com:"]
            \tinsteadOf = https://github.com/
            \turl = https://github.com/u/rewritten
            [remote "upstream"]
            \turl = "https://github.com/O/Up.git"\r
            [branch "main"]
            \tremote = origin
            """)
        #expect(found == [GitRemote(name: "upstream", host: "github.com", repository: "o/up", resolved: nil)])
    }

    /// git fetches from the first `url` of a remote; later ones are pushed to as well.
    @Test func firstURLWins() {
        let found = Self.remotes("""
            [remote "origin"]
            \turl = git@github.com:o/first.git
            \tURL = git@github.com:o/second.git
            """)
        #expect(found.map(\.repository) == ["o/first"])
    }

    @Test func localRemotesAreLeftOut() {
        let found = Self.remotes("[remote \"local\"]\n\turl = /srv/git/r.git\n[remote \"origin\"]\n\turl = git@github.com:o/r.git\n")
        #expect(found.map(\.name) == ["origin"])
    }

    /// Which repository gh uses in a checkout with these remotes ("host owner/repo"); nil when
    /// there is none, or when gh would have to choose: the caller then takes the whole host.
    static let picks: [(config: String, expected: String?)] = [
        // `gh repo set-default` marks a remote `gh-resolved = base`: that remote's repository wins.
        ("[remote \"origin\"]\n\turl = git@github.com:me/fork.git\n"
            + "[remote \"upstream\"]\n\turl = https://github.com/o/r.git\n\tgh-resolved = base\n", "github.com o/r"),
        // Older gh wrote the repository itself as the mark; the host is the marked remote's.
        ("[remote \"origin\"]\n\turl = https://ghe.corp/me/fork.git\n\tgh-resolved = O/Parent\n"
            + "[remote \"other\"]\n\turl = https://ghe.corp/x/y.git\n", "ghe.corp o/parent"),
        // Two remotes naming different repositories, none marked: ambiguous.
        ("[remote \"origin\"]\n\turl = git@github.com:me/fork.git\n"
            + "[remote \"upstream\"]\n\turl = https://github.com/o/r.git\n", nil),
        // The same repository by two URLs (https and ssh) is one.
        ("[remote \"origin\"]\n\turl = https://github.com/O/R.git\n[remote \"ssh\"]\n\turl = git@github.com:o/r\n",
         "github.com o/r"),
        ("[remote \"origin\"]\n\turl = https://github.com/o/only.git\n", "github.com o/only"),
        ("[core]\n\tbare = false\n", nil),
        ("", nil),
    ]

    @Test(arguments: picks)
    func defaultRepository(config: String, expected: String?) {
        let picked = GitRemote.defaultRepository(Self.remotes(config)).map { "\($0.host) \($0.repository)" }
        #expect(picked == expected, "\(config)")
    }

    /// The key's copy of the remotes: a config written with CRLF line ends still yields its
    /// remote lines, so two such checkouts of different repositories key apart.
    @Test func keyedRemotesOfACRLFConfig() throws {
        func remoteLines(_ url: String) throws -> String {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cw-git-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir + "/.git", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try "ref: refs/heads/main\r\n".write(toFile: dir + "/.git/HEAD", atomically: true, encoding: .utf8)
            try "[core]\r\n\tbare = false\r\n[remote \"origin\"]\r\n\turl = \(url)\r\n"
                .write(toFile: dir + "/.git/config", atomically: true, encoding: .utf8)
            let context = try #require(GitContext.find(from: dir))
            return String(decoding: context.remoteLines, as: UTF8.self)
        }
        let a = try remoteLines("https://github.com/o/a.git"), b = try remoteLines("https://github.com/o/b.git")
        #expect(a == "[remote \"origin\"]\nurl = https://github.com/o/a.git", "\(a)")
        #expect(a != b)
    }
}
