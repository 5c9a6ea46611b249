import Testing

@testable import CachewrapCore

/// Guards the vastai policy (docs/architecture.md, Policies): every command the design names, the options
/// that would leak the API key into the cache, and the stderr texts vastai 1.9 prints with exit 0
/// (observed against a fake server: `Failed with error 503: ...`, `{"error": true, ...}` with
/// --raw, `... Resets at 2030-03-17 17:46 UTC.` for the daily search quota).
@Suite struct VastaiPolicyTests {
    static let cases: [PolicyCase] = [
        .cache(["show", "instances", "--raw"], "show instances", .live),
        .cache(["--url", "http://127.0.0.1:9", "show", "instances", "-q"], "show instances", .live),
        .cache(["show", "instance", "4242"], "show instance", .live),
        .cache(["logs", "4242", "--tail", "100"], "logs", .live),
        .cache(["show", "user"], "show user", .identity),
        .cache(["--api-key", "k", "show", "user", "--raw"], "show user", .identity),
        .cache(["show", "machines"], "show machines", .metadata),
        .cache(["show", "machine", "7"], "show machine", .metadata),
        .cache(["show", "ssh-keys"], "show ssh-keys", .metadata),
        .cache(["show", "invoices"], "show invoices", .metadata),
        .cache(["show", "invoices-v1", "--raw", "-i"], "show invoices-v1", .metadata),
        .cache(["show", "earnings"], "show earnings", .metadata),
        .cache(["show", "endpoints"], "show endpoints", .metadata),
        .cache(["show", "volumes"], "show volumes", .metadata),
        .cache(["show", "env-vars"], "show env-vars", .metadata),
        .cache(["search", "offers"], "search offers", .market),
        .cache(["search", "offers", "gpu_name=RTX_4090 num_gpus>=2", "-o", "dph_total"], "search offers", .market),
        .cache(["search", "templates"], "search templates", .market),
        .cache(["search", "benchmarks"], "search benchmarks", .market),
        .cache(["search", "volumes"], "search volumes", .market),
        .cache(["--version"], "version", .static),
        .cache(["show", "instances", "--help"], "help", .static),
        .never(.passthrough, ["show", "api-key", "12"], "show api-key"),
        .never(.passthrough, ["show", "api-keys"], "show api-keys"),
        .never(.passthrough, ["show", "env-vars", "-s"], "show env-vars"),
        .never(.passthrough, ["show", "env-vars", "--show-values"], "show env-vars"),
        .never(.passthrough, ["show", "env-vars", "--show"], "show env-vars"),
        .never(.passthrough, ["--explain", "show", "user"], "show user"),
        .never(.passthrough, ["show", "instances", "--expl"], "show instances"),
        .never(.passthrough, ["--curl", "search", "offers"], "search offers"),
        .never(.passthrough, ["--api=k", "show", "user"]),
        .never(.passthrough, ["--ur", "http://x", "show", "user"]),
        .never(.interactive, ["repl"], "repl"),
        .never(.interactive, ["destroy", "instance", "4242"], "destroy instance"),
        .never(.interactive, ["destroy", "instances", "1", "2"], "destroy instances"),
        .never(.mutating, ["destroy", "instance", "4242", "-y"], "destroy instance"),
        .never(.mutating, ["destroy", "instances", "1", "2", "--yes"], "destroy instances"),
        .never(.interactive, ["show", "invoices-v1", "-i"], "show invoices-v1"),
        .never(.interactive, ["transfer", "credit", "a@b", "5"], "transfer credit"),
        .never(.mutating, ["create", "instance", "101", "--image", "pytorch/pytorch", "--disk", "20"], "create instance"),
        .never(.mutating, ["start", "instance", "4242"], "start instance"),
        .never(.mutating, ["stop", "instance", "4242"], "stop instance"),
        .never(.mutating, ["reboot", "instance", "4242"], "reboot instance"),
        .never(.mutating, ["recycle", "instance", "4242"], "recycle instance"),
        .never(.mutating, ["update", "instance", "4242", "--template_hash_id", "h"], "update instance"),
        .never(.mutating, ["update"], "update"),
        .never(.mutating, ["label", "instance", "4242", "train"], "label instance"),
        .never(.mutating, ["launch", "instance", "-g", "RTX_4090", "-n", "1", "-i", "img"], "launch instance"),
        .never(.mutating, ["execute", "4242", "ls -l"], "execute"),
        .never(.mutating, ["copy", "--", "-h", "4242:/b"], "copy"),
        .never(.mutating, ["copy", "4242:/a", "/b"], "copy"),
        .never(.mutating, ["set", "api-key", "k"], "set api-key"),
        .never(.mutating, ["delete", "ssh-key", "3"], "delete ssh-key"),
        .never(.mutating, ["remove", "member", "3"], "remove member"),
        .never(.mutating, ["transfer", "credit", "a@b", "5", "--skip"], "transfer credit"),
        .never(.mutating, ["tfa", "login", "-c", "123456"], "tfa login"),
        .never(.mutating, ["list", "machine", "7", "-g", "0.3"], "list machine"),
        .never(.mutating, ["cancel", "copy", "4242"], "cancel copy"),
        .never(.passthrough, ["ssh-url", "4242"], "ssh-url"),
        .never(.passthrough, ["get", "endpt-logs", "5"], "get endpt-logs"),
        .never(.passthrough, ["search", "invoices"], "search invoices"),
        .never(.passthrough, []),
    ]

    @Test(arguments: cases) func classifies(_ c: PolicyCase) { c.check(VastaiPolicy.spec) }

    @Test func tableIsLargeEnough() { #expect(Self.cases.count >= 15) }

    /// `show instances` pages through less when cachewrap's stdout is a terminal: interactive
    /// there, cached on a pipe; `--full` never pages.
    @Test func plainShowInstancesDependsOnTheTerminal() {
        let terminal = TerminalShape(isTerminal: true, columns: 80, rows: 24)
        let show = ["show", "instances"], full = ["show", "instances", "--full"]
        PolicyCase.never(.interactive, show, "show instances")
            .check(VastaiPolicy.spec, in: Invocation(show, terminal: terminal))
        PolicyCase.cache(show, "show instances", .live).check(VastaiPolicy.spec)
        PolicyCase.cache(full, "show instances", .live).check(VastaiPolicy.spec, in: Invocation(full, terminal: terminal))
        PolicyCase.cache(full, "show instances", .live).check(VastaiPolicy.spec)
    }

    @Test func keyInputs() {
        let argv = ["--url", "http://h", "--api-key", "secret", "show", "instances", "--raw"]
        let d = VastaiPolicy.spec.decide(argv)
        #expect(d.commandClass == .cacheable(.live))
        for name in ["VAST_API_KEY", "VAST_URL", "XDG_CONFIG_HOME"] { #expect(d.keyEnv.contains(name), "missing \(name)") }
        #expect(d.redaction.redact(argv) == [3: "<redacted>"], "the --api-key value is hashed, the --url stays readable")
        #expect(d.redaction.secretFlags.contains("--api-key"), "the policy names its own flag")
        let inline = ["show", "user", "--api-key=secret"]
        #expect(VastaiPolicy.spec.decide(inline).redaction.redact(inline) == [2: "--api-key=<redacted>"])
        #expect(d.identityFiles.map { $0.split(separator: "/").suffix(2).joined(separator: "/") }
                == ["vastai/vast_api_key", "vastai/vast_tfa_key"])
        #expect(d.retries == 1, "vastai retries three times itself")
        #expect(VastaiPolicy.spec.decide(["destroy", "instance", "1"]).invalidates)
    }

    @Test func keyFilesFollowXDG() {
        func files(_ env: [String: String]) -> [String] { VastaiPolicy.keyFiles(Invocation([], environment: Variables(env))) }
        #expect(files(["HOME": "/h"]) == ["/h/.config/vastai/vast_api_key", "/h/.config/vastai/vast_tfa_key"])
        #expect(files(["HOME": "/h", "XDG_CONFIG_HOME": "/c"]).first == "/c/vastai/vast_api_key")
        #expect(files(["HOME": "/h", "XDG_CONFIG_HOME": "rel"]).first == "/h/.config/vastai/vast_api_key")
    }

    @Test func failuresWithExitZeroAreNeverStored() {
        func stored(_ run: RunOutcome) -> Bool { VastaiPolicy.spec.isStorable(run) }
        #expect(!stored(finishedRun(0, stderr: "Failed with error 503: boom msg\n")))
        // The markers alone decide, whatever reached stdout before the error.
        #expect(!stored(finishedRun(0, stdout: "query args:\n", stderr: "Failed with error 502: x\n")))
        #expect(!stored(finishedRun(0, stdout: "[]\n", stderr: #"{"error": true, "status_code": 500}"#)))
        let unauthorized = "Failed with error 401: Invalid user key\n  Sent key from $VAST_API_KEY (ends in ...abcd).\n"
        #expect(!stored(finishedRun(0, stderr: unauthorized)))
        #expect(!stored(finishedRun(0, stderr: #"{"error": true, "status_code": 503, "msg": "boom"}"# + "\n")))
        #expect(!stored(finishedRun(0, stderr: "Unknown operator. Did you forget to quote your query?\n")))
        #expect(!stored(finishedRun(2, stderr: "usage: vastai ...\n")))
        // show instances clears its "Loading more..." line on stderr: still a good answer.
        #expect(stored(finishedRun(0, stdout: "ID  Status\n42  running\n", stderr: "\r\u{1b}[K")))
        #expect(stored(finishedRun(0, stdout: "[\n {\n  \"id\": 42\n }\n]\n")))
    }

    @Test func transientAndQuotaTexts() {
        func seen(in checks: [OutputCheck]) -> (String) -> Bool {
            { stderr in checks.contains { $0.matches(finishedRun(0, stderr: stderr).transcript) } }
        }
        let transient = seen(in: VastaiPolicy.spec.transient), quota = seen(in: VastaiPolicy.spec.quota)
        #expect(transient("Failed with error 503: (no detail message supplied)"))
        #expect(transient("Failed with error 429: slow down"))
        #expect(transient(#"{"error": true, "status_code": 502, "msg": "bad gateway"}"#))
        #expect(transient("requests.exceptions.ConnectionError: HTTPConnectionPool(host='x')"))
        #expect(!transient("Failed with error 401: Please log in or sign up"))
        #expect(!transient("Failed with error 404: Not found"))
        #expect(quota("Failed with error 429: Daily search quota exceeded. Resets at 2030-03-17 17:46 UTC."))
        #expect(!quota("Failed with error 429: slow down"))
    }
}
