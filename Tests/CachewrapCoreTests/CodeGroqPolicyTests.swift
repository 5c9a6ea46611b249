import Testing

@testable import CachewrapCore

/// Guards the code and groq policies (docs/architecture.md, Policies): only their read-only answers are
/// cached (version, help, installed extensions, tunnel status); installs are mutating; groq's
/// `-p` is a proxy, never a prompt; everything else runs as it is. Uses the shared `PolicyCase`.
@Suite struct CodeGroqPolicyTests {
    static let codeCases: [PolicyCase] = [
        .cache(["--version"], "version", .static),
        .cache(["-v"], "version", .static),
        .cache(["--help"], "help", .static),
        .cache(["-h"], "help", .static),
        .cache(["--version", "--user-data-dir", "/tmp/u"], "version", .static),
        .cache(["--list-extensions"], "list-extensions", .metadata),
        .cache(["--list-extensions", "--show-versions"], "list-extensions", .metadata),
        .cache(["--list-extensions", "--category", "formatters"], "list-extensions", .metadata),
        .cache(["--list-extensions", "--profile", "Work"], "list-extensions", .metadata),
        .cache(["--extensions-dir", "/opt/ext", "--list-extensions"], "list-extensions", .metadata),
        .cache(["--locate-extension", "ms-python.python"], "locate-extension", .metadata),
        .cache(["tunnel", "status"], "tunnel status", .live),
        .never(.mutating, ["--install-extension", "ms-python.python"]),
        .never(.mutating, ["--install-extension", "./x.vsix", "--force"]),
        .never(.mutating, ["--uninstall-extension", "ms-python.python"]),
        .never(.mutating, ["--update-extensions"]),
        .never(.mutating, ["--list-extensions", "--install-extension", "x.y"]),
        .never(.mutating, ["--add-mcp", #"{"name":"s","command":"x"}"#]),
        .never(.passthrough, []),
        .never(.passthrough, ["."]),
        .never(.passthrough, ["README.md"]),
        .never(.passthrough, ["-"]),
        .never(.passthrough, ["--wait", "COMMIT_EDITMSG"]),
        .never(.passthrough, ["-g", "main.swift:10"]),
        .never(.passthrough, ["--diff", "a.txt", "b.txt"]),
        .never(.passthrough, ["tunnel"]),
        .never(.passthrough, ["tunnel", "user", "login"]),
        .never(.passthrough, ["serve-web"]),
        .never(.passthrough, ["--status"]),
    ]

    static let groqCases: [PolicyCase] = [
        .cache(["--version"], "version", .static),
        .cache(["-V"], "version", .static),
        .cache(["--help"], "help", .static),
        .cache(["-h"], "help", .static),
        .cache(["-t", "0.5", "--help"], "help", .static),
        .never(.passthrough, []),
        .never(.passthrough, ["-p", "http://127.0.0.1:8080"]),
        .never(.passthrough, ["--proxy", "http://proxy:3128"]),
        .never(.passthrough, ["-p", "http://127.0.0.1:8080", "fix the bug"]),
        .never(.passthrough, ["explain this repo"]),
        .never(.passthrough, ["-s", "be terse"]),
        .never(.passthrough, ["--system", "be terse", "q"]),
        .never(.passthrough, ["-t", "0.2"]),
        .never(.passthrough, ["-d"]),
        .never(.passthrough, ["--debug"]),
        .never(.passthrough, ["-v"]),
    ]

    @Test(arguments: codeCases) func code(_ c: PolicyCase) { c.check(CodePolicy.spec) }
    @Test(arguments: groqCases) func groq(_ c: PolicyCase) { c.check(GroqPolicy.spec) }

    @Test func everyToolHasFifteenCases() {
        #expect(Self.codeCases.count >= 15 && Self.groqCases.count >= 15)
        #expect(Policies.named("code")?.tool == "code" && Policies.named("groq")?.tool == "groq")
    }

    @Test func codeKeysOnItsVariablesAndTheExtensionsManifest() {
        let d = CodePolicy.spec.decide(["--list-extensions"])
        #expect(d.operation == "list-extensions" && d.ttlSeconds == 3600 && d.retries == 0)
        #expect(d.keyEnv.contains("VSCODE_EXTENSIONS") && d.keyEnv.contains("VSCODE_PORTABLE"))
        #expect(d.identityFiles.count == 1 && d.identityFiles[0].hasSuffix("/extensions.json"))
        #expect(d.context == KeyContext.none && !d.keysStdin)
        #expect(CodePolicy.spec.decide(["--locate-extension", "a.b"]).operation == "locate-extension")
        #expect(CodePolicy.spec.decide(["tunnel", "status"]).operation == "tunnel status")
    }

    @Test func groqKeysOnItsApiKey() {
        let d = GroqPolicy.spec.decide(["--version"])
        #expect(d.operation == "version" && d.ttlSeconds == 86_400)
        #expect(d.keyEnv == ["GROQ_API_KEY"])
    }
}
