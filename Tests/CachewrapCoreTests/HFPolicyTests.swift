import Testing

@testable import CachewrapCore

/// Guards the hf and legacy huggingface-cli policies (docs/architecture.md, Policies): every command the
/// design names, what never caches, the shared key inputs, and the output checks observed from
/// huggingface_hub 2.4 and 0.36 against a fake Hub.
@Suite struct HFPolicyTests {
    static let hfCases: [PolicyCase] = [
        .cache(["auth", "whoami"], "auth whoami", .identity),
        .cache(["auth", "list"], "auth list", .identity),
        .cache(["auth", "ls"], "auth ls", .identity),
        .cache(["env"], "env", .static),
        .cache(["version"], "version", .static),
        .cache(["--version"], "version", .static),
        .cache(["models", "info", "--help"], "help", .static),
        .cache(["models", "info", "gpt2"], "models info", .metadata),
        .cache(["models", "list", "--search", "bert", "--limit", "5"], "models list", .metadata),
        .cache(["models", "card", "gpt2"], "models card", .metadata),
        .cache(["datasets", "info", "squad"], "datasets info", .metadata),
        .cache(["datasets", "list", "--author", "hf"], "datasets list", .metadata),
        .cache(["datasets", "card", "squad"], "datasets card", .metadata),
        .cache(["spaces", "info", "o/s"], "spaces info", .metadata),
        .cache(["spaces", "ls"], "spaces ls", .metadata),
        .cache(["spaces", "card", "o/s"], "spaces card", .metadata),
        .cache(["papers", "info", "2401.00001"], "papers info", .metadata),
        .cache(["papers", "search", "diffusion"], "papers search", .metadata),
        .cache(["collections", "info", "o/c-123"], "collections info", .metadata),
        .cache(["collections", "list", "--owner", "o"], "collections list", .metadata),
        .cache(["repos", "list"], "repos list", .metadata),
        .cache(["repos", "tag", "list", "o/m"], "repos tag list", .metadata),
        .cache(["repos", "tag", "ls", "o/m", "--repo-type", "dataset"], "repos tag list", .metadata),
        .cache(["discussions", "info", "o/m", "5"], "discussions info", .live),
        .cache(["discussions", "list", "o/m"], "discussions list", .live),
        .cache(["discussions", "diff", "o/m", "5"], "discussions diff", .live),
        .cache(["jobs", "list"], "jobs list", .live),
        .cache(["jobs", "ps", "-a"], "jobs ps", .live),
        .cache(["jobs", "inspect", "abc"], "jobs inspect", .live),
        .cache(["endpoints", "list"], "endpoints list", .live),
        .cache(["endpoints", "describe", "my-ep"], "endpoints describe", .live),
        .cache(["cache", "list"], "cache list", .live),
        .cache(["cache", "verify", "gpt2"], "cache verify", .live),
        .never(.uncached, ["download", "gpt2"], "download"),
        .never(.uncached, ["download", "o/d", "--repo-type", "dataset", "--local-dir", "d"], "download"),
        .never(.passthrough, ["auth", "token"], "auth token"),
        .never(.interactive, ["auth", "login"], "auth login"),
        .never(.mutating, ["auth", "login", "--token", "hf_x"], "auth login"),
        .never(.mutating, ["auth", "logout"], "auth logout"),
        .never(.interactive, ["auth", "switch"], "auth switch"),
        .never(.mutating, ["auth", "switch", "--token-name", "work"], "auth switch"),
        .never(.mutating, ["upload", "o/m", "."], "upload"),
        .never(.mutating, ["cp", "a.txt", "hf://buckets/o/b/a.txt"], "cp"),
        .never(.mutating, ["sync", "./data", "hf://buckets/o/b"], "sync"),
        .never(.mutating, ["repos", "create", "o/m"], "repos create"),
        .never(.interactive, ["repos", "delete", "o/m"], "repos delete"),
        .never(.mutating, ["repos", "delete", "o/m", "--yes"], "repos delete"),
        .never(.mutating, ["repos", "tag", "create", "o/m", "v1"], "repos tag"),
        .never(.mutating, ["repos", "branch", "create", "o/m", "dev"], "repos branch"),
        .never(.mutating, ["discussions", "create", "o/m", "--title", "t"], "discussions create"),
        .never(.mutating, ["discussions", "comment", "o/m", "5", "--body", "b"], "discussions comment"),
        .never(.interactive, ["discussions", "merge", "o/m", "5"], "discussions merge"),
        .never(.mutating, ["collections", "add-item", "o/c-1", "o/m", "model"], "collections add-item"),
        .never(.mutating, ["endpoints", "pause", "my-ep"], "endpoints pause"),
        .never(.mutating, ["endpoints", "deploy", "my-ep", "--repo", "gpt2"], "endpoints deploy"),
        .never(.mutating, ["jobs", "run", "python:3.12", "python", "-c", "print(1)"], "jobs run"),
        .never(.mutating, ["jobs", "cancel", "abc"], "jobs cancel"),
        .never(.mutating, ["jobs", "run", "img", "--", "python", "--help"], "jobs run"),
        .cache(["jobs", "run", "img", "python", "--help"], "help", .static),
        .never(.mutating, ["spaces", "restart", "o/s"], "spaces restart"),
        .never(.mutating, ["spaces", "secrets", "add", "o/s", "-s", "K=V"], "spaces secrets"),
        .never(.mutating, ["webhooks", "create", "--url", "https://x"], "webhooks create"),
        .never(.interactive, ["cache", "rm", "model/gpt2"], "cache rm"),
        .never(.mutating, ["cache", "prune", "-y"], "cache prune"),
        .never(.interactive, ["jobs", "ssh", "abc"], "jobs ssh"),
        .never(.passthrough, ["datasets", "sql", "SELECT 1"]),
        .never(.passthrough, ["--skills"]),
        .never(.passthrough, []),
    ]

    static let legacyCases: [PolicyCase] = [
        .cache(["whoami"], "whoami", .identity),
        .cache(["auth", "list"], "auth list", .identity),
        .cache(["env"], "env", .static),
        .cache(["version"], "version", .static),
        .cache(["download", "--help"], "help", .static),
        .cache(["scan-cache"], "scan-cache", .live),
        .cache(["scan-cache", "--dir", "cache", "-v"], "scan-cache", .live),
        .cache(["tag", "o/m", "-l"], "tag list", .metadata),
        .cache(["tag", "--repo-type", "dataset", "o/d", "--list"], "tag list", .metadata),
        .never(.uncached, ["download", "gpt2", "config.json"], "download"),
        .never(.interactive, ["login"], "login"),
        .never(.mutating, ["login", "--token", "hf_x"], "login"),
        .never(.mutating, ["logout"], "logout"),
        .never(.mutating, ["upload", "o/m", "."], "upload"),
        .never(.mutating, ["upload", "o/m", "--", "-h"], "upload"),
        .never(.mutating, ["upload-large-folder", "o/m", "."], "upload-large-folder"),
        .never(.interactive, ["delete-cache"], "delete-cache"),
        .never(.interactive, ["delete-cache", "--disable-tui"], "delete-cache"),
        .never(.mutating, ["repo", "create", "m"], "repo create"),
        .never(.mutating, ["repo-files", "o/m", "delete", "a.txt"], "repo-files"),
        .never(.mutating, ["tag", "o/m", "v1"], "tag"),
        .never(.interactive, ["tag", "o/m", "v1", "-d"], "tag"),
        .never(.mutating, ["tag", "o/m", "v1", "-d", "-y"], "tag"),
        .never(.mutating, ["tag", "o/m", "-l", "-d", "-y"], "tag"),
        .never(.interactive, ["auth", "switch"], "auth switch"),
        .never(.mutating, ["auth", "switch", "--token-name", "work"], "auth switch"),
        .never(.mutating, ["lfs-enable-largefiles", "."], "lfs-enable-largefiles"),
        .never(.passthrough, ["models", "info", "gpt2"]),
    ]

    @Test(arguments: hfCases) func hf(_ c: PolicyCase) { c.check(HFPolicy.spec) }

    @Test(arguments: legacyCases) func legacy(_ c: PolicyCase) { c.check(HuggingFaceCLIPolicy.spec) }

    @Test func tablesAreLargeEnough() {
        #expect(Self.hfCases.count >= 15 && Self.legacyCases.count >= 15)
    }

    @Test(arguments: ["hf", "huggingface-cli"])
    func sharedKeyInputs(_ tool: String) {
        let spec = tool == "hf" ? HFPolicy.spec : HuggingFaceCLIPolicy.spec
        let d = spec.decide(spec.tool == "hf" ? ["auth", "whoami"] : ["whoami"])
        for name in ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE",
                     "HF_HUB_OFFLINE", "HF_HUB_DISABLE_IMPLICIT_TOKEN", "XDG_CACHE_HOME", "NO_COLOR", "AI_AGENT", "AGENT"] {
            #expect(d.keyEnv.contains(name), "missing \(name)")
        }
        #expect(d.identityFiles.first?.hasSuffix("/token") == true, "\(d.identityFiles)")
        #expect(d.retries == 3)
        // `--token VALUE` is hashed, never stored.
        let argv = spec.tool == "hf" ? ["models", "info", "gpt2", "--token", "hf_x"] : ["whoami", "--token", "hf_x"]
        let withToken = spec.decide(argv)
        let index = spec.tool == "hf" ? 4 : 2
        #expect(withToken.redaction.redact(argv) == [index: "<redacted>"])
    }

    @Test func tokenFilesFollowTheLibrary() {
        /// `home`: the password database's, for a call without HOME.
        func files(_ env: [String: String], home: String? = nil) -> [String] {
            HuggingFaceHub.tokenFiles(Invocation([], environment: Variables(env), homeDirectory: home))
        }
        #expect(files(["HOME": "/h"]) == ["/h/.cache/huggingface/token", "/h/.cache/huggingface/stored_tokens"])
        #expect(files(["HF_HOME": "/hf"]) == ["/hf/token", "/hf/stored_tokens"])
        #expect(files(["XDG_CACHE_HOME": "/x"]) == ["/x/huggingface/token", "/x/huggingface/stored_tokens"])
        #expect(files(["HF_HOME": "/hf", "HF_TOKEN_PATH": "/t/tok"]) == ["/t/tok", "/t/stored_tokens"])
        #expect(files(["HOME": "/h", "HF_HOME": "~/hf"]).first == "/h/hf/token")
        #expect(files([:], home: "/pw").first == "/pw/.cache/huggingface/token")
    }

    @Test func legacyNotLoggedInIsNeverStored() {
        func stored(_ run: RunOutcome) -> Bool { HuggingFaceCLIPolicy.spec.isStorable(run) }
        #expect(!stored(finishedRun(0, stdout: "⚠️  Warning: deprecated\nNot logged in\n")))
        #expect(!stored(finishedRun(0, stderr: "Not logged in\n")))
        #expect(stored(finishedRun(0, stdout: "alice\nAuthenticated through private endpoint: http://x\n")))
        #expect(!stored(finishedRun(1, stdout: "503 Server Error: Service Unavailable for url: http://x\n")))
        let hfStores = HFPolicy.spec.isStorable(finishedRun(0, stdout: "✓ Logged in\n  user: alice\n"))
        #expect(hfStores)
    }

    /// The exact error texts printed by hf 2.4 (stderr) and huggingface-cli 0.36 (stdout).
    @Test func transientTextsAreRecognised() {
        func retried(by spec: PolicySpec) -> (RunOutcome) -> Bool {
            { run in spec.transient.contains { $0.matches(run.transcript) } }
        }
        let hf = retried(by: HFPolicy.spec), legacy = retried(by: HuggingFaceCLIPolicy.spec)
        #expect(hf(finishedRun(1, stderr: "Error: Server error '503 Service Unavailable' for url 'http://x'")))
        #expect(hf(finishedRun(1, stderr: "Error: 429 Too Many Requests for url: http://x.\nRetry after 7 seconds")))
        #expect(hf(finishedRun(1, stderr: "httpx2.ConnectError: [Errno 111] Connection refused")))
        #expect(!hf(finishedRun(1, stderr: "Error: Client error '401 Unauthorized' for url 'http://x'")))
        #expect(!hf(finishedRun(1, stdout: "503 Server Error")), "hf 2.x errors are on stderr")
        #expect(legacy(finishedRun(1, stdout: "503 Server Error: Service Unavailable for url: http://x")))
        #expect(legacy(finishedRun(1, stdout: "429 Client Error: Too Many Requests for url: http://x")))
        #expect(legacy(finishedRun(1, stderr: "requests.exceptions.ConnectionError: refused")))
        let noQuota = HFPolicy.spec.quota.isEmpty && HuggingFaceCLIPolicy.spec.quota.isEmpty
        #expect(noQuota, "the Hub has no quota that outlasts a retry budget")
    }

    @Test func localCacheCommandsKeyOnTheWorkingDirectory() {
        #expect(HFPolicy.spec.decide(["cache", "list"]).context == .cwd)
        #expect(HFPolicy.spec.decide(["models", "info", "gpt2"]).context == KeyContext.none)
        #expect(HuggingFaceCLIPolicy.spec.decide(["scan-cache", "--dir", "c"]).context == .cwd)
        #expect(HFPolicy.spec.decide(["download", "gpt2"]).invalidates, "a download changes `cache list`")
    }
}
