import Foundation
import Testing

@testable import CachewrapCore

/// Guards the codex policy (docs/architecture.md, Policies): `codex exec PROMPT` (and `e`) is
/// cached for an hour in its read-only default, keyed on the workspace, stdin, AGENTS.md, the
/// config layers and attached files; every way to let it write (switches, `-s`, `-a`, `-c`,
/// config.toml, a trusted project) is mutating; `-o`, `-C`, `--add-dir`, `--oss`, resumed
/// sessions and reviews pass through; the rest is interactive. What a call reads besides its
/// argv (stdin, config files, the repository) is stated in each test's `Invocation`.
@Suite struct CodexPolicyTests {
    static let cases: [PolicyCase] = [
        .cache(["exec", "explain this repository"], "prompt", .prompt),
        .cache(["e", "q"], "prompt", .prompt),
        .cache(["exec", "q", "--json", "-m", "gpt-5-codex"], "prompt", .prompt),
        .cache(["exec", "--model=o3", "--profile", "fast", "--color", "never", "q"], "prompt", .prompt),
        .cache(["-m", "o3", "exec", "q"], "prompt", .prompt),
        .cache(["exec", "-s", "read-only", "q"], "prompt", .prompt),
        .cache(["exec", "--sandbox=read-only", "q"], "prompt", .prompt),
        .cache(["exec", "-a", "never", "q"], "prompt", .prompt),
        .cache(["exec", "-c", "model=\"o3\"", "-c", "model_reasoning_effort=high", "q"], "prompt", .prompt),
        .cache(["exec", "--skip-git-repo-check", "--output-schema", "schema.json", "q"], "prompt", .prompt),
        .cache(["exec", "-i", "shot.png", "--", "describe this"], "prompt", .prompt),
        .cache(["--version"], "version", .static),
        .cache(["-V"], "version", .static),
        .cache(["--help"], "help", .static),
        .cache(["-h"], "help", .static),
        .cache(["exec", "--help"], "help", .static),
        .never(.mutating, ["exec", "--full-auto", "q"], "prompt"),
        .never(.mutating, ["--full-auto", "exec", "q"], "prompt"),
        .never(.mutating, ["exec", "-s", "workspace-write", "q"], "prompt"),
        .never(.mutating, ["exec", "-sworkspace-write", "q"]),
        .never(.mutating, ["exec", "-s=danger-full-access", "q"]),
        .never(.mutating, ["exec", "--sandbox", "danger-full-access", "q"]),
        .never(.mutating, ["e", "--sandbox=workspace-write", "q"]),
        .never(.mutating, ["exec", "--dangerously-bypass-approvals-and-sandbox", "q"]),
        .never(.mutating, ["exec", "--yolo", "q"]),
        .never(.mutating, ["exec", "--not-so-yolo", "q"]),
        .never(.mutating, ["exec", "-a", "on-request", "q"]),
        .never(.mutating, ["exec", "-c", "sandbox_mode=\"workspace-write\"", "q"]),
        .never(.mutating, ["exec", "--config=sandbox_mode=danger-full-access", "q"]),
        .never(.mutating, ["exec", "--config", "'sandbox_mode'=\"workspace-write\"", "q"]),
        .never(.mutating, ["exec", "-csandbox_mode=workspace-write", "q"]),
        .never(.mutating, ["exec", "-c", "sandbox_workspace_write.network_access=true", "q"]),
        .never(.mutating, ["exec", "-c", "profiles.ci.\"sandbox_mode\"=\"danger-full-access\"", "q"]),
        .never(.mutating, ["exec", "-c", "approval_policy=\"on-request\"", "q"]),
        .never(.mutating, ["-c", "Approvals_Reviewer=auto_review", "exec", "q"]),
        .never(.mutating, ["exec", "-c", "projects.\"/w\".trust_level=\"trusted\"", "q"]),
        .never(.mutating, ["exec", "-c", "default_permissions=\"dev\"", "q"]),
        .never(.mutating, ["--yolo"], "session"),
        .never(.mutating, ["-s", "workspace-write", "fix the tests"], "session"),
        .never(.mutating, ["apply", "task_e_123"]),
        .never(.mutating, ["a"]),
        .never(.mutating, ["cloud", "apply", "task_e_123"]),
        .never(.passthrough, ["exec", "-o", "last.txt", "q"], "prompt"),
        .never(.passthrough, ["exec", "--output-last-message", "last.txt", "q"]),
        .never(.passthrough, ["exec", "--output-last-message=last.txt", "q"]),
        .never(.passthrough, ["exec", "-olast.txt", "q"]),
        .never(.passthrough, ["exec", "-C", "../other", "q"]),
        .never(.passthrough, ["exec", "--cd=../other", "q"]),
        .never(.passthrough, ["-C../other", "exec", "q"]),
        .never(.passthrough, ["exec", "--add-dir", "../lib", "q"]),
        .never(.passthrough, ["exec", "--oss", "q"]),
        .never(.passthrough, ["exec", "--local-provider", "ollama", "q"]),
        .never(.passthrough, ["exec", "resume", "--last"], "prompt"),
        .never(.passthrough, ["exec", "resume", "0199a213", "go on"], "prompt"),
        .never(.passthrough, ["e", "resume", "--last", "go on"], "prompt"),
        .never(.passthrough, ["exec", "review"], "review"),
        .never(.passthrough, ["review", "--base", "main"], "review"),
        .never(.passthrough, ["exec"], "prompt"),
        .never(.passthrough, ["exec", "-", "--json"], "prompt"),
        .never(.interactive, [], "session"),
        .never(.interactive, ["fix the failing tests"], "session"),
        .never(.interactive, ["-m", "o3"], "session"),
        .never(.interactive, ["resume"], "resume"),
        .never(.interactive, ["resume", "--last"], "resume"),
        .never(.interactive, ["fork", "--last"], "fork"),
        .never(.interactive, ["login"], "login"),
        .never(.interactive, ["mcp", "list"], "mcp list"),
        .never(.interactive, ["features", "list"], "features list"),
    ]

    /// The policy without the machine's config layers (/etc/codex): the test invocations have no
    /// home, work in `/` and state every file they mean.
    static let spec = CodexPolicy.spec(files: CodexFiles(system: "/nonexistent/etc-codex"))

    @Test(arguments: cases) func classifies(_ c: PolicyCase) { c.check(Self.spec) }

    @Test func tableIsLargeEnough() { #expect(Self.cases.count >= 25) }

    @Test func isRegisteredBuiltIn() {
        #expect(Policies.known.contains("codex") && Policies.builtIn("codex")?.tool == "codex")
    }

    /// No prompt word, or `-`: the prompt is stdin, a prompt only when something is piped in.
    /// Stdin joins the key whenever it carries data, next to a prompt word too (codex appends it).
    @Test func promptOnStdin() {
        for argv in [["exec"], ["exec", "-"], ["e", "--json", "-"], ["exec", "q"]] {
            PolicyCase.cache(argv, "prompt", .prompt).check(Self.spec, in: Invocation(argv, stdin: .data))
        }
        for argv in [["exec"], ["exec", "-"]] {
            PolicyCase.never(.passthrough, argv, "prompt").check(Self.spec, in: Invocation(argv, stdin: .terminal))
        }
        let d = Self.spec.decide(Invocation(["exec", "-"], stdin: .data))
        #expect(d.keysStdin && d.context == .workspace && d.ttlSeconds == 3600 && d.retries == 1)
        let help = Self.spec.decide(["exec", "--help"])
        #expect(!help.keysStdin && help.context == KeyContext.none)
    }

    @Test(arguments: [
        ("sandbox_mode = \"workspace-write\"\n", CommandClass.mutating),
        ("model = \"o3\"\n[profiles.ci]\nsandbox_mode = \"danger-full-access\"\n", .mutating),
        ("profiles = { ci = { sandbox_mode = \"workspace-write\" } }\n", .mutating),
        ("approval_policy = \"on-request\"\n", .mutating),
        ("approval_policy = { granular = { sandbox_approval = true } }\n", .mutating),
        ("approvals_reviewer = \"auto_review\"\n", .mutating),
        ("default_permissions = \"dev\"\n[permissions.dev]\n", .mutating),
        ("sandbox_permissions = [\"disk-write-cwd\"]\n", .mutating),
        ("projects.\"/elsewhere\".trust_level = \"trusted\"\n", .mutating),
        ("sandbox_mode = \"read-only\"\napproval_policy = \"never\"\nmodel = \"gpt-5-codex\"\n", .cacheable(.prompt)),
        ("# sandbox_mode = \"workspace-write\"\n[sandbox_workspace_write]\nnetwork_access = true\n", .cacheable(.prompt)),
        ("[projects.\"/elsewhere\"]\ntrust_level = \"trusted\"\n", .cacheable(.prompt)),
    ])
    func configFileCanGrantWrites(toml: String, expected: CommandClass) throws {
        let home = try TempTree()
        try home.write(".codex/config.toml", toml)
        let argv = ["exec", "q"]
        let viaHome = Self.spec.decide(Invocation(argv, homeDirectory: home.path))
        let viaCodexHome = Self.spec.decide(Invocation(argv, environment: ["CODEX_HOME": home.path + "/.codex"]))
        #expect(viaHome.commandClass == expected && viaCodexHome.commandClass == expected, "\(toml)")
        #expect(Self.spec.decide(Invocation(["--version"], homeDirectory: home.path)).commandClass == .cacheable(.static))
    }

    /// A trust decision for the working directory, a parent, or the repository's main work tree
    /// (seen from a linked worktree) makes workspace-write codex's default there, and only there.
    @Test func trustedProjectMakesPromptsMutating() throws {
        let tree = try TempTree()
        try tree.write("main/.git/HEAD", "ref: refs/heads/main\n")
        try tree.write("main/.git/worktrees/wt/HEAD", "ref: refs/heads/wt\n")
        try tree.write("main/.git/worktrees/wt/commondir", "../..\n")
        try tree.write("wt/.git", "gitdir: \(tree.path)/main/.git/worktrees/wt\n")
        try tree.write("wt/src/.keep", "")
        try tree.write("other/.keep", "")
        func decide(trusting project: String, in directory: String) throws -> CommandClass {
            let table = "[projects.\"\(tree.path)/\(project)\"]\ntrust_level = \"untrusted\"\n"
            try tree.write("home/.codex/config.toml", table)
            return Self.spec.decide(Invocation(["exec", "q"], workingDirectory: tree.path + "/" + directory,
                                               homeDirectory: tree.path + "/home")).commandClass
        }
        #expect(try decide(trusting: "main", in: "main") == .mutating)
        #expect(try decide(trusting: "main/", in: "main") == .mutating)
        #expect(try decide(trusting: "main", in: "wt/src") == .mutating, "a worktree of a trusted repository")
        #expect(try decide(trusting: "wt", in: "wt/src") == .mutating)
        #expect(try decide(trusting: "main", in: "other") == .cacheable(.prompt))
        #expect(try decide(trusting: "wt/src/deeper", in: "wt/src") == .cacheable(.prompt))
    }

    @Test func projectConfigLayerCanGrantWrites() throws {
        let tree = try TempTree()
        try tree.write("repo/.git/HEAD", "ref: refs/heads/main\n")
        try tree.write("repo/.codex/config.toml", "sandbox_mode = \"workspace-write\"\n")
        try tree.write("repo/src/.keep", "")
        let d = Self.spec.decide(Invocation(["exec", "q"], workingDirectory: tree.path + "/repo/src"))
        #expect(d.commandClass == .mutating)
    }

    /// AGENTS.md and AGENTS.override.md from CODEX_HOME and from the repository's top down to
    /// the working directory (not above the top), every config layer, and the files the command
    /// line attaches.
    @Test func keyInputsFollowTheDesign() throws {
        let tree = try TempTree()
        try tree.write("repo/.git/HEAD", "ref: refs/heads/main\n")
        try tree.write("repo/pkg/src/.keep", "")
        let argv = ["exec", "--output-schema", "schema.json", "-i", "a.png,b.png", "c.png", "q"]
        let d = Self.spec.decide(Invocation(argv, environment: ["CODEX_HOME": "/ch"],
                                            workingDirectory: tree.path + "/repo/pkg/src"))
        #expect(d.commandClass == .cacheable(.prompt))
        let repo = tree.path + "/repo"
        for file in ["/ch/AGENTS.md", "/ch/AGENTS.override.md", "/ch/config.toml", "/ch/managed_config.toml",
                     repo + "/AGENTS.md", repo + "/AGENTS.override.md", repo + "/pkg/AGENTS.md",
                     repo + "/pkg/src/AGENTS.md", repo + "/pkg/src/AGENTS.override.md", repo + "/.codex/config.toml",
                     repo + "/pkg/src/.codex/config.toml",
                     "/nonexistent/etc-codex/config.toml", "schema.json", "a.png", "b.png", "c.png"] {
            #expect(d.identityFiles.contains(file), "misses \(file)")
        }
        #expect(!d.identityFiles.contains(tree.path + "/AGENTS.md"), "above the repository's top")
        let outside = Self.spec.decide(Invocation(["exec", "q"], workingDirectory: "/"))
        #expect(outside.identityFiles.contains("/AGENTS.md")
                && outside.identityFiles.contains("/nonexistent/.codex/config.toml"))
        for name in ["OPENAI_API_KEY", "CODEX_API_KEY", "OPENAI_BASE_URL", "CODEX_HOME"] {
            #expect(d.keyEnv.contains(name), "misses \(name)")
        }
        #expect(Secret.isSecretName("OPENAI_API_KEY") && Secret.isSecretName("CODEX_API_KEY"), "keyed as salted digests")
        #expect(d.identityFiles.contains("/ch/instructions.md"), "older versions' global instructions")
        #expect(!Secret.isSecretName("OPENAI_BASE_URL") && !Secret.isSecretName("CODEX_HOME"))
    }

    /// `[tools.codex] cacheable` reaches subcommands, after the safety rules and never `exec`,
    /// a review or a session, whatever it lists.
    @Test func configLinesReachSubcommandsOnly() {
        let (config, issues) = UserConfig.parse("[tools.codex]\ncacheable = [\"features list\", \"exec *\", \"resume *\"]\n")
        #expect(issues.isEmpty, "\(issues)")
        let spec = config.apply(to: Self.spec)
        #expect(spec.decide(["features", "list"]).commandClass == .cacheable(.live))
        #expect(spec.decide(["features", "list", "--yolo"]).commandClass == .mutating)
        for argv in [["exec", "q"], ["exec", "-o", "f", "q"], ["exec"], ["resume", "--last"], ["exec", "review"]] {
            #expect(spec.decide(argv).reason == Self.spec.decide(argv).reason, "\(argv)")
        }
    }

    /// A `-c` value can hold a header or an MCP server's environment under a name that says
    /// nothing: every spelling's whole value is a secret, digested in the key and hidden.
    @Test func configOverridesAreRedacted() {
        let argv = ["exec", "-c", "model_providers.x.http_headers={Authorization=\"Bearer sk-1\"}",
                    "--config=mcp_servers.g.env={T=\"ghp_1\"}", "-cmodel=o3", "-m", "o3", "q"]
        let redacted = Self.spec.decide(argv).redaction.redact(argv)
        #expect(redacted == [2: "<redacted>", 3: "--config=<redacted>", 4: "-c<redacted>"], "\(redacted)")
    }

    @Test func emptyAnswerIsNeverStoredAndRetriesFollowTheDesign() {
        let spec = Self.spec
        #expect(!spec.isStorable(finishedRun(0)) && !spec.isStorable(finishedRun(0, stderr: "tokens used: 12")))
        #expect(spec.isStorable(finishedRun(0, stdout: "an answer\n")))
        let transient = ["ERROR: stream disconnected before completion: error decoding response body",
                         "ERROR: exceeded retry limit, last status: 502 Bad Gateway",
                         "ERROR: unexpected status 503 Service Unavailable: upstream connect error",
                         "ERROR: We're currently experiencing high demand, which may cause temporary errors."]
        for text in transient { #expect(spec.classify(finishedRun(1, stderr: text)).isTransient, "\(text)") }
        for text in ["ERROR: You've hit your usage limit. Try again at 3:28 PM.",
                     "ERROR: exceeded retry limit, last status: 429 Too Many Requests {\"code\": \"insufficient_quota\"}",
                     "{\"type\":\"error\",\"message\":\"Quota exceeded. Check your plan and billing details.\"}"] {
            #expect(spec.classify(finishedRun(1, stdout: text)) == .quota, "\(text)")
        }
        #expect(spec.classify(finishedRun(1, stderr: "Error: Not inside a trusted directory")) == .permanent)
    }

    @Test func clapSpellingsOfAnOption() {
        let image = ClapOption("-i", "--image", greedy: true), out = ClapOption("-o", "--output-last-message")
        #expect(image.values(in: ["-i", "a.png", "b.png", "-m", "x", "--image=c.png", "-id.png", "--", "-i", "e"])
                == ["a.png", "b.png", "c.png", "d.png"])
        #expect(out.values(in: ["-o=f", "--output-last-message", "g", "-oh"]) == ["f", "g", "h"])
        #expect(!out.isGiven(in: ["exec", "--", "-o"]) && !out.isGiven(in: ["--output-schema", "s"]))
    }
}

/// A temporary directory tree for one test, removed when it ends.
final class TempTree {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "cachewrap-codex-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ text: String) throws {
        let file = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }
}
