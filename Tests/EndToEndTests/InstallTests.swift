import Foundation
import Testing

// The one-line install, as a user runs it (issue 5, "Must show" 1 and 4): `sh install/install.sh`
// from a checkout and `cat install/install.sh | CACHEWRAP_REPO=file://… sh` without one, each in a
// fresh HOME and PREFIX under /tmp; a working binary, a man page that renders, a second run
// that changes no file, and an uninstall that leaves nothing behind.
//
// SLOW: each of the two install tests makes one full release build (`swift build -c release
// --static-swift-stdlib`, 20–60 s here, more on a loaded 2-core machine); a second run of the
// install reuses it (install.sh skips the build when the sources and toolchain are unchanged).
// They never build in the package root: both work on a clean `git clone` of it in the sandbox,
// so the script's build never touches the developer's .build. The suite is serialized so the two
// builds do not compete for the CPU with each other. They skip only when swift or git is
// missing (and fail instead under CACHEWRAP_TEST_STRICT=1).

/// The package root, found from this file's path (…/Tests/EndToEndTests/InstallTests.swift).
let installPackageRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// Runs `executable` and records an issue (with its output) unless it exits 0.
@discardableResult
func runExpectingSuccess(_ executable: String, _ args: [String], env: [String: String], cwd: String? = nil,
                         stdin: [UInt8]? = nil, timeout: Double = 120,
                         sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
    let result = try run(executable, args, env: env, cwd: cwd, stdin: stdin, timeout: timeout)
    #expect(result.status == 0 && !result.timedOut,
            "\(executable) \(args.joined(separator: " ")) exited \(result.status)\(result.timedOut ? " (timed out)" : "")\nstdout: \(result.stdoutText)\nstderr: \(result.stderrText)",
            sourceLocation: sourceLocation)
    return result
}

/// Every file, directory and symlink under `root`, one line each: kind, relative path, and for
/// files size and SHA-256 (`sha256sum`), for links the target. Sorted, so two listings compare
/// with `==` and differences read as a diff.
func treeListing(_ root: String) throws -> [String] {
    let fm = FileManager.default
    guard let names = fm.enumerator(atPath: root)?.allObjects as? [String] else { return [] }
    var lines: [String] = []
    var files: [String] = []
    for name in names {
        let path = root + "/" + name
        let attributes = try fm.attributesOfItem(atPath: path)
        switch attributes[.type] as? FileAttributeType {
        case .typeDirectory?: lines.append("d \(name)/")
        case .typeSymbolicLink?: lines.append("l \(name) -> \((try? fm.destinationOfSymbolicLink(atPath: path)) ?? "?")")
        case .typeRegular?: files.append(name)
        default: lines.append("? \(name)")
        }
    }
    if !files.isEmpty {
        let sums = try run("/usr/bin/env", ["sha256sum", "--"] + files, env: ["PATH": "/usr/bin:/bin"], cwd: root)
        var digest: [String: String] = [:]
        for line in sums.stdoutText.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { digest[String(parts[1].drop { $0 == " " || $0 == "*" })] = String(parts[0]) }
        }
        for name in files {
            let size = (try fm.attributesOfItem(atPath: root + "/" + name)[.size] as? NSNumber)?.intValue ?? -1
            lines.append("f \(name) \(size) \(digest[name] ?? "no-digest")")
        }
    }
    return lines.sorted()
}

/// What `swift build` itself leaves in HOME (SwiftPM's and clang's caches): not installed by
/// install.sh, so not something uninstall.sh should remove.
func isToolchainState(_ line: String) -> Bool {
    let path = line.split(separator: " ", maxSplits: 2).dropFirst().first.map(String.init) ?? ""
    let roots = [".cache/clang", ".cache/org.swift.", ".swiftpm", ".local/share/bin"]
    let parents = [".cache/", ".local/", ".local/share/"]
    return roots.contains { path.hasPrefix($0) } || parents.contains(path)
}

/// One sandbox for an install: a fresh HOME (sb.home, with a .bashrc), an empty PREFIX, a private
/// TMPDIR (to see that the script leaves no temp file), and a clean clone of the package root.
struct InstallFixture {
    let sb: TestSandbox
    let prefix: String
    let tmpdir: String
    let source: String
    let swift: String
    let env: [String: String]
    static let bashrc = "# my bashrc\nalias ll='ls -l'\nexport EDITOR=vi\n"

    init() throws {
        swift = try TestSandbox.requireTool("swift")
        let git = try TestSandbox.requireTool("git")
        sb = try TestSandbox()
        prefix = sb.root + "/prefix"
        tmpdir = sb.root + "/tmp"
        source = sb.root + "/src"
        for dir in [prefix, tmpdir] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        try Self.bashrc.write(toFile: sb.home + "/.bashrc", atomically: true, encoding: .utf8)
        let swiftDir = URL(fileURLWithPath: swift).deletingLastPathComponent().path
        env = [
            "HOME": sb.home,
            "PATH": "\(swiftDir):/usr/local/bin:/usr/bin:/bin",
            "PREFIX": prefix,
            "TMPDIR": tmpdir,
            "SHELL": "/bin/bash",
            "LANG": "C.UTF-8",
        ]
        try Self.cleanClone(git: git, into: source, scratchHome: sb.root + "/githome")
    }

    /// `git clone` of the package root (committed state: others' uncommitted edits elsewhere in
    /// the tree do not matter), then the working tree's install/, completions/ and man/ copied
    /// over and committed in the clone, so a developer's uncommitted changes to exactly the files
    /// under test are what is tested. In CI's fresh clone the copy changes nothing.
    static func cleanClone(git: String, into clone: String, scratchHome: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: scratchHome, withIntermediateDirectories: true)
        let gitEnv = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": scratchHome, "LANG": "C.UTF-8",
                      "GIT_CONFIG_NOSYSTEM": "1"]
        try runExpectingSuccess(git, ["clone", "--quiet", installPackageRoot, clone], env: gitEnv)
        for dir in ["install", "completions", "man"] {
            try? fm.removeItem(atPath: clone + "/" + dir)
            try fm.copyItem(atPath: installPackageRoot + "/" + dir, toPath: clone + "/" + dir)
        }
        let identity = ["-c", "user.name=cachewrap tests", "-c", "user.email=tests@cachewrap.invalid",
                        "-c", "commit.gpgsign=false"]
        try runExpectingSuccess(git, ["add", "-A", "--", "install", "completions", "man"], env: gitEnv, cwd: clone)
        let staged = try run(git, ["diff", "--cached", "--quiet"], env: gitEnv, cwd: clone)
        if staged.status != 0 {
            try runExpectingSuccess(git, identity + ["commit", "--quiet", "-m", "test: the working tree's install files"],
                                    env: gitEnv, cwd: clone)
        }
    }

    /// Listing of HOME and PREFIX together.
    func listing() throws -> [String] {
        try treeListing(sb.home).map { "home " + $0 } + treeListing(prefix).map { "prefix " + $0 }
    }

    /// The HOME+PREFIX listing without what the Swift toolchain keeps in HOME.
    func listingWithoutToolchainState() throws -> [String] {
        try treeListing(sb.home).filter { !isToolchainState($0) }.map { "home " + $0 }
            + treeListing(prefix).map { "prefix " + $0 }
    }

    /// The installed binary runs and says its version.
    func expectWorkingBinary(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let version = try run(prefix + "/bin/cachewrap", ["--version"], env: env)
        #expect(version.status == 0 && version.stdoutText.hasPrefix("cachewrap "),
                "cachewrap --version: \(version.status) \(version.stdoutText) \(version.stderrText)",
                sourceLocation: sourceLocation)
    }

    /// The installed man page renders with man(1) (`man -l`, MANPAGER=cat), or mandoc or groff
    /// when man is not there.
    func expectManPageRenders(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let page = prefix + "/share/man/man1/cachewrap.1"
        var manEnv = env
        manEnv["MANPAGER"] = "cat"
        manEnv["PAGER"] = "cat"
        manEnv["MANWIDTH"] = "80"
        let rendered: RunResult
        if let man = TestSandbox.which("man") {
            rendered = try run(man, ["-l", page], env: manEnv)
        } else if let mandoc = TestSandbox.which("mandoc") {
            rendered = try run(mandoc, ["-T", "utf8", page], env: manEnv)
        } else {
            let groff = try TestSandbox.requireTool("groff", sourceLocation: sourceLocation)
            rendered = try run(groff, ["-man", "-Tutf8", page], env: manEnv)
        }
        let text = rendered.stdoutText
        #expect(rendered.status == 0, "rendering \(page): \(rendered.stderrText)", sourceLocation: sourceLocation)
        for heading in ["NAME", "SYNOPSIS", "DESCRIPTION", "ENVIRONMENT", "EXIT STATUS", "EXAMPLES"] {
            #expect(text.contains(heading), "rendered page lacks \(heading)", sourceLocation: sourceLocation)
        }
        #expect(text.contains("CACHEWRAP_DIR"), sourceLocation: sourceLocation)
    }

    /// Nothing left in the private TMPDIR: the clone and SwiftPM's lock files went with the script.
    func expectNoTempLeft(sourceLocation: SourceLocation = #_sourceLocation) {
        let left = (try? FileManager.default.contentsOfDirectory(atPath: tmpdir)) ?? []
        #expect(left.isEmpty, "left in TMPDIR: \(left)", sourceLocation: sourceLocation)
    }
}

/// The lines of `a` missing from `b` and the other way round, for failure messages.
func listingDiff(_ a: [String], _ b: [String]) -> String {
    let sa = Set(a), sb = Set(b)
    return "only before: \(a.filter { !sb.contains($0) })\nonly after: \(b.filter { !sa.contains($0) })"
}

@Suite("install.sh and uninstall.sh in a fresh HOME and PREFIX (SLOW: release builds)", .serialized)
struct InstallTests {
    /// Build timeout: a release build takes 20–60 s here; leave room for a loaded CI machine.
    static let buildTimeout: Double = 900

    @Test("from a checkout: installs, renders, twice changes nothing, --shell-init once, uninstall leaves nothing")
    func installFromCheckout() throws {
        let fx = try InstallFixture()
        let before = try fx.listing()
        let script = fx.source + "/install/install.sh"

        let first = try runExpectingSuccess("/bin/sh", [script], env: fx.env, cwd: fx.sb.root, timeout: Self.buildTimeout)
        #expect(first.stdoutText.contains(#"eval "$(cachewrap init bash)""#), "the line to add: \(first.stdoutText)")
        try fx.expectWorkingBinary()
        try fx.expectManPageRenders()
        for file in ["bin/cachewrap", "share/man/man1/cachewrap.1", "share/bash-completion/completions/cachewrap",
                     "share/zsh/site-functions/_cachewrap", "share/fish/vendor_completions.d/cachewrap.fish",
                     "share/cachewrap/install-manifest", "share/cachewrap/uninstall.sh"] {
            #expect(FileManager.default.fileExists(atPath: fx.prefix + "/" + file), "missing \(file)")
        }
        let manifest = try String(contentsOfFile: fx.prefix + "/share/cachewrap/install-manifest", encoding: .utf8)
        #expect(manifest.contains("file \(fx.prefix)/bin/cachewrap\n"))
        let installed = try fx.listing()
        // The listings really list: a vacuous one would make every comparison below pass.
        #expect(before.contains { $0.hasPrefix("home f .bashrc ") }, "\(before)")
        #expect(installed.contains { $0.hasPrefix("prefix f bin/cachewrap ") }, "\(installed)")

        // The installed bash completion registers itself from where bash-completion looks.
        let completion = try run("/bin/bash", ["--norc", "--noprofile", "-c",
                                               "source \"$1\" && complete -p cachewrap", "bash",
                                               fx.prefix + "/share/bash-completion/completions/cachewrap"], env: fx.env)
        #expect(completion.stdoutText == "complete -F _cachewrap cachewrap\n", "\(completion.stdoutText)\(completion.stderrText)")

        // Twice: the same files with the same content, and no rebuild.
        let second = try runExpectingSuccess("/bin/sh", [script], env: fx.env, cwd: fx.sb.root, timeout: Self.buildTimeout)
        #expect(second.stderrText.contains("nothing changed"), "\(second.stderrText)")
        let again = try fx.listing()
        #expect(again == installed, "a second install changed files:\n\(listingDiff(installed, again))")

        // --shell-init: the block goes into ~/.bashrc once, after the user's own lines.
        try runExpectingSuccess("/bin/sh", [script, "--shell-init"], env: fx.env, cwd: fx.sb.root, timeout: Self.buildTimeout)
        let rc = try String(contentsOfFile: fx.sb.home + "/.bashrc", encoding: .utf8)
        #expect(rc.hasPrefix(InstallFixture.bashrc))
        #expect(rc.components(separatedBy: "# >>> cachewrap >>>\n").count == 2, "\(rc)")
        #expect(rc.components(separatedBy: "# <<< cachewrap <<<\n").count == 2, "\(rc)")
        #expect(rc.contains(#"eval "$(cachewrap init bash)""#), "\(rc)")
        let syntax = try run("/bin/bash", ["-n", fx.sb.home + "/.bashrc"], env: fx.env)
        #expect(syntax.status == 0, "bash -n ~/.bashrc: \(syntax.stderrText)")
        let withBlock = try fx.listing()
        try runExpectingSuccess("/bin/sh", [script, "--shell-init"], env: fx.env, cwd: fx.sb.root, timeout: Self.buildTimeout)
        let withBlockAgain = try fx.listing()
        #expect(withBlockAgain == withBlock, "a second --shell-init changed files:\n\(listingDiff(withBlock, withBlockAgain))")

        // Uninstall: back to the listing from before the install, ~/.bashrc byte for byte.
        try runExpectingSuccess("/bin/sh", [fx.source + "/install/uninstall.sh"], env: fx.env, cwd: fx.sb.root)
        #expect(try String(contentsOfFile: fx.sb.home + "/.bashrc", encoding: .utf8) == InstallFixture.bashrc)
        let after = try fx.listingWithoutToolchainState()
        #expect(after == before, "uninstall left or took files:\n\(listingDiff(before, after))")
        fx.expectNoTempLeft()

        // The README's first command, as a new user runs it in the checkout: it installs under
        // ~/.local, then shows a miss, a hit of the same bytes, and the report.
        var user = fx.env
        user["PREFIX"] = nil
        let demo = try runExpectingSuccess("/bin/sh", ["-c", try Self.readmeFirstCommand()], env: user, cwd: fx.source,
                                           timeout: Self.buildTimeout)
        // After what install.sh prints: the miss's line, the hit's replay of it, then the report.
        let parts = demo.stdoutText.components(separatedBy: "cachewrap stats\n")
        let dates = parts[0].split(separator: "\n").suffix(2)
        #expect(parts.count == 2 && dates.count == 2 && dates.first == dates.last,
                "the hit replays the miss's bytes: \(demo.stdoutText)")
        #expect(parts.last?.contains("1 hit, 1 miss") == true, "the stats report: \(demo.stdoutText)")
        #expect(demo.stderrText.contains("cachewrap: miss date (ran ") && demo.stderrText.contains("cachewrap: hit date (age "),
                "\(demo.stderrText)")
    }

    /// The first line of the README's first `sh` block: the install-and-try command.
    static func readmeFirstCommand() throws -> String {
        let readme = try String(contentsOfFile: installPackageRoot + "/README.md", encoding: .utf8)
        let block = try #require(readme.components(separatedBy: "```sh\n").dropFirst().first, "no sh block in README.md")
        return String(try #require(block.split(separator: "\n").first))
    }

    @Test("piped to sh: clones CACHEWRAP_REPO, installs, twice changes nothing, the installed uninstall.sh cleans up")
    func installPipedToSh() throws {
        let fx = try InstallFixture()
        var env = fx.env
        env["CACHEWRAP_REPO"] = "file://" + fx.source
        let script = Array(try Data(contentsOf: URL(fileURLWithPath: fx.source + "/install/install.sh")))
        let before = try fx.listing()

        // Run from a directory that is no checkout, the script on stdin, options after `sh -s --`.
        let first = try runExpectingSuccess("/bin/sh", ["-s", "--", "--shell-init=fish"], env: env, cwd: fx.tmpdir,
                                            stdin: script, timeout: Self.buildTimeout)
        #expect(first.stderrText.contains("cloning file://"), "\(first.stderrText)")
        try fx.expectWorkingBinary()
        try fx.expectManPageRenders()
        fx.expectNoTempLeft()
        let fishConfig = fx.sb.home + "/.config/fish/config.fish"
        let rc = (try? String(contentsOfFile: fishConfig, encoding: .utf8)) ?? ""
        #expect(rc.contains("cachewrap init fish | source"), "config.fish: \(rc)")
        if let fish = TestSandbox.which("fish") {
            let syntax = try run(fish, ["--no-execute", fishConfig], env: fx.env)
            #expect(syntax.status == 0, "fish --no-execute config.fish: \(syntax.stderrText)")
        }
        let installed = try fx.listing()

        let second = try runExpectingSuccess("/bin/sh", ["-s", "--", "--shell-init=fish"], env: env, cwd: fx.tmpdir,
                                             stdin: script, timeout: Self.buildTimeout)
        #expect(second.stderrText.contains("nothing changed"), "\(second.stderrText)")
        let again = try fx.listing()
        #expect(again == installed, "a second piped install changed files:\n\(listingDiff(installed, again))")
        fx.expectNoTempLeft()

        // No checkout to uninstall from: the copy in PREFIX finds its own PREFIX and manifest.
        var plain = env
        plain["PREFIX"] = nil
        try runExpectingSuccess("/bin/sh", [fx.prefix + "/share/cachewrap/uninstall.sh"], env: plain, cwd: fx.tmpdir)
        #expect(!FileManager.default.fileExists(atPath: fishConfig), "config.fish was made by the install: it goes")
        let after = try fx.listingWithoutToolchainState()
        #expect(after == before, "uninstall left or took files:\n\(listingDiff(before, after))")
        fx.expectNoTempLeft()
    }

    /// No swift: the script says what to install and where to get it, and installs nothing.
    @Test func missingSwiftIsNamedWithTheFix() throws {
        let sb = try TestSandbox()
        let prefix = sb.root + "/prefix"
        let env = ["HOME": sb.home, "PATH": "/usr/bin:/bin", "PREFIX": prefix, "LANG": "C.UTF-8",
                   "SWIFT": sb.root + "/no-such/swift"]
        let result = try run("/bin/sh", [installPackageRoot + "/install/install.sh"], env: env, cwd: sb.root)
        #expect(result.status != 0)
        #expect(result.stderrText.contains("missing: Swift 6"), "\(result.stderrText)")
        #expect(result.stderrText.contains("https://www.swift.org/install/"), "\(result.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: prefix))
    }

    /// --purge removes the cache and only the cache: a directory named by CACHEWRAP_DIR loses
    /// cachewrap's files but keeps the user's; HOME itself as CACHEWRAP_DIR is refused.
    @Test func purgeRemovesOnlyTheCache() throws {
        let sb = try TestSandbox()
        let fm = FileManager.default
        let uninstall = installPackageRoot + "/install/uninstall.sh"
        var env = ["HOME": sb.home, "PATH": "/usr/bin:/bin", "PREFIX": sb.root + "/prefix", "LANG": "C.UTF-8"]

        // The default location: made by cachewrap itself, removed whole.
        env["CACHEWRAP_DIR"] = nil
        try runExpectingSuccess(try cachewrapBinary(), ["--", "true"], env: env, cwd: sb.root)
        #expect(fm.fileExists(atPath: sb.home + "/.cache/cachewrap/cache.db"))
        try runExpectingSuccess("/bin/sh", [uninstall, "--purge"], env: env, cwd: sb.root)
        #expect(!fm.fileExists(atPath: sb.home + "/.cache/cachewrap"))

        // A shared directory: cachewrap's files go, the user's stay.
        let shared = sb.root + "/shared"
        env["CACHEWRAP_DIR"] = shared
        try runExpectingSuccess(try cachewrapBinary(), ["--", "true"], env: env, cwd: sb.root)
        try "mine\n".write(toFile: shared + "/notes.txt", atomically: true, encoding: .utf8)
        try runExpectingSuccess("/bin/sh", [uninstall, "--purge"], env: env, cwd: sb.root)
        #expect(!fm.fileExists(atPath: shared + "/cache.db"))
        #expect(try String(contentsOfFile: shared + "/notes.txt", encoding: .utf8) == "mine\n")

        // HOME as the cache dir: refused, nothing removed.
        try "x".write(toFile: sb.home + "/cache.db", atomically: true, encoding: .utf8)
        env["CACHEWRAP_DIR"] = sb.home
        let refused = try runExpectingSuccess("/bin/sh", [uninstall, "--purge"], env: env, cwd: sb.root)
        #expect(refused.stderrText.contains("left alone"), "\(refused.stderrText)")
        #expect(fm.fileExists(atPath: sb.home + "/cache.db"))
    }
}

/// The man page is clean for the linters (issue 5, "Must show" 4).
@Suite struct ManPageLintTests {
    static let page = installPackageRoot + "/man/cachewrap.1"

    /// Every `"CACHEWRAP_…"` literal under Sources, except the markers cachewrap sets for its own
    /// children and shells (`CACHEWRAP_BACKGROUND`, `CACHEWRAP_TERMINAL`, `CACHEWRAP_INIT`) and
    /// the tests' hook (`CACHEWRAP_TEST_EVENTS`), which are no user's setting.
    static func variablesInSources() throws -> Set<String> {
        let markers: Set = ["CACHEWRAP_BACKGROUND", "CACHEWRAP_TERMINAL", "CACHEWRAP_INIT", "CACHEWRAP_TEST_EVENTS"]
        let sources = installPackageRoot + "/Sources"
        var found: Set<String> = []
        let files = FileManager.default.enumerator(atPath: sources)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for piece in text.components(separatedBy: "\"CACHEWRAP_").dropFirst() {
                let suffix = piece.prefix { $0.isUppercase || $0 == "_" }
                let name = "CACHEWRAP_" + suffix
                if piece.dropFirst(suffix.count).first == "\"" && !markers.contains(name) { found.insert(name) }
            }
        }
        return found
    }

    @Test func mandocLintReportsNothing() throws {
        let mandoc = try TestSandbox.requireTool("mandoc")
        let result = try run(mandoc, ["-T", "lint", "-W", "style", Self.page], env: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        #expect(result.status == 0 && result.stdoutText.isEmpty && result.stderrText.isEmpty,
                "mandoc -T lint: \(result.stdoutText)\(result.stderrText)")
    }

    @Test func groffWarnsAboutNothing() throws {
        let groff = try TestSandbox.requireTool("groff")
        let result = try run(groff, ["-ww", "-man", "-z", Self.page], env: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        #expect(result.status == 0 && result.stderrText.isEmpty, "groff -ww -man -z: \(result.stderrText)")
    }

    /// Every environment variable cachewrap reads, every subcommand and every exit code is in the page.
    /// The variables are taken from the sources, so a new one cannot be left out.
    @Test func pageCoversTheContract() throws {
        let text = try String(contentsOfFile: Self.page, encoding: .utf8).replacingOccurrences(of: "\\-", with: "-")
        let environment = text.components(separatedBy: ".SH ENVIRONMENT").last?.components(separatedBy: ".SH FILES").first ?? ""
        let entries = environment.split(separator: "\n").filter { $0.hasPrefix(".B ") || $0.hasPrefix(".BR ") }
            .flatMap { $0.split(whereSeparator: { " \",".contains($0) }) }.map(String.init)
        let variables = try Self.variablesInSources()
        #expect(variables.contains("CACHEWRAP_REMOTE_TIMEOUT") && variables.count >= 15, "\(variables)")
        for variable in variables {
            #expect(entries.contains(variable), "no entry for \(variable) in ENVIRONMENT")
        }
        for command in ["stats", "ls", "show", "rm", "clear", "gc", "key", "explain", "config", "init", "shims", "doctor"] {
            #expect(text.contains(".B \(command)"), "no entry for \(command)")
        }
        for option in ["--ttl", "--refresh", "--no-cache", "--offline", "--retries", "--stale", "--stale-if-error",
                       "--env", "--quiet", "--version", "--help"] {
            #expect(text.contains(option), "no entry for \(option)")
        }
        for code in ["64", "69", "78", "126", "127"] {
            #expect(text.contains(".B \(code)\n"), "no exit status \(code)")
        }
        #expect(text.contains("128+"), "no word on signals (128+N)")
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "POLICY", "ENVIRONMENT", "FILES",
                        "EXIT STATUS", "EXAMPLES", "SEE ALSO"] {
            #expect(text.contains(".SH \(section)") || text.contains(".SH \"\(section)\""), "no section \(section)")
        }
    }
}
