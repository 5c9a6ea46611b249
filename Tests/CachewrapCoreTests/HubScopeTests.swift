import Foundation
import Testing

@testable import CachewrapCore

/// Guards the scopes of hf, huggingface-cli and vastai: the Hub endpoint and the repository id
/// (read by position, so that a flag where the id would stand widens the scope rather than
/// naming a wrong item), the local download cache as an area of its own, and vastai's account,
/// named by a digest of its API key and never by the key.
@Suite struct HubScopeTests {
    static let hub = "hf:https://huggingface.co"

    static func hf(_ argv: [String], _ env: [String: String] = [:]) -> Scope {
        HubScope.hf(HFPolicy.spec.shape(argv), Invocation(argv, environment: Variables(env)))
    }

    @Test(arguments: [
        (["models", "info", "org/name"], Scope(area: HubScopeTests.hub, item: "org/name")),
        (["datasets", "info", "org/data", "--revision", "main"], Scope(area: HubScopeTests.hub, item: "org/data")),
        (["upload", "org/name", ".", "--repo-type", "dataset"], Scope(area: HubScopeTests.hub, item: "org/name")),
        (["repos", "tag", "list", "org/name"], Scope(area: HubScopeTests.hub, item: "org/name")),
        // A flag first: its value could be taken for the id, so the whole endpoint (the safe side).
        (["upload", "--repo-type", "dataset", "org/name"], Scope(area: HubScopeTests.hub)),
        (["models", "list", "--author", "org"], Scope(area: HubScopeTests.hub)),
        (["repos", "create", "org/new"], Scope(area: HubScopeTests.hub)),
        // The local download cache is not the Hub: downloads change what `cache list` shows.
        (["download", "x"], Scope(area: "hf-cache")),
        (["cache", "list"], Scope(area: "hf-cache")),
        (["cache", "rm", "model/org/name", "-y"], Scope(area: "hf-cache")),
    ])
    func hfScope(argv: [String], expected: Scope) {
        #expect(Self.hf(argv) == expected, "hf \(argv.joined(separator: " "))")
    }

    /// HF_ENDPOINT names the Hub; a trailing slash does not make it another one.
    @Test func endpointFromTheEnvironment() {
        let info = ["models", "info", "org/name"]
        #expect(Self.hf(info, ["HF_ENDPOINT": "https://hub.corp/"]) == Scope(area: "hf:https://hub.corp", item: "org/name"))
        #expect(Self.hf(info, ["HF_ENDPOINT": "https://hub.corp//"]) == Self.hf(info, ["HF_ENDPOINT": "https://hub.corp"]))
        #expect(Self.hf(info, ["HF_ENDPOINT": ""]) == Scope(area: Self.hub, item: "org/name"), "empty is unset")
        #expect(Self.hf(["cache", "list"], ["HF_ENDPOINT": "https://hub.corp"]) == Scope(area: "hf-cache"))
    }

    /// The legacy CLI shares the Hub's scopes: `tag REPO -l` reads what `hf repos tag` changes.
    @Test func huggingFaceCLIShareTheHubsScopes() {
        func cli(_ argv: [String]) -> Scope { HubScope.hf(HuggingFaceCLIPolicy.spec.shape(argv), Invocation(argv)) }
        #expect(cli(["tag", "org/name", "-l"]) == Scope(area: Self.hub, item: "org/name"))
        #expect(cli(["upload", "org/name", "file.bin"]) == Self.hf(["upload", "org/name", "file.bin"]))
        #expect(cli(["scan-cache"]) == Scope(area: "hf-cache"))
        #expect(cli(["whoami"]) == Scope(area: Self.hub))
    }

    /// `decide` carries the scope for reads and for mutations alike.
    @Test func hfDecisionsCarryTheScope() {
        let read = HFPolicy.spec.decide(["models", "info", "org/name"])
        let upload = HFPolicy.spec.decide(["upload", "org/name", "."])
        #expect(read.commandClass == .cacheable(.metadata) && read.scope == Scope(area: Self.hub, item: "org/name"))
        #expect(upload.commandClass == .mutating && upload.invalidates && upload.scope == read.scope)
    }

    // MARK: vastai

    /// A HOME with no saved key, so only the environment and flags given here name the account.
    static func vastai(_ argv: [String], _ env: [String: String] = [:]) -> Scope {
        var env = env
        env["HOME"] = env["HOME"] ?? "/nonexistent-cachewrap-home"
        return HubScope.vastai(VastaiPolicy.spec.shape(argv), Invocation(argv, environment: Variables(env)))
    }

    @Test func vastaiAreaIsTheEndpointAndTheAccount() {
        let show = ["show", "instances", "--raw"]
        let plain = Self.vastai(show)
        #expect(plain.area == "vastai:https://console.vast.ai" && plain.item?.hasPrefix("account:") == true)
        #expect(Self.vastai(["--url", "http://127.0.0.1:9"] + show).area == "vastai:http://127.0.0.1:9")
        #expect(Self.vastai(show, ["VAST_URL": "http://127.0.0.1:9"]) == Self.vastai(["--url", "http://127.0.0.1:9"] + show))

        let envKey = Self.vastai(show, ["VAST_API_KEY": "key-one-secret"])
        let flagKey = Self.vastai(["--api-key", "key-two-secret"] + show)
        #expect(envKey != flagKey && envKey != plain, "another key is another account")
        #expect(Self.vastai(["--api-key", "key-one-secret"] + show) == envKey, "the same key however it is given")
        #expect(Self.vastai(["--api-key", "key-two-secret"] + show, ["VAST_API_KEY": "key-one-secret"]) == flagKey,
                "--api-key wins over VAST_API_KEY, as in vastai")
        for scope in [envKey, flagKey] { #expect(!scope.description.contains("secret"), "\(scope.description)") }
        // An abbreviated --api-key names an account cachewrap cannot read: the whole endpoint.
        let abbreviated = Self.vastai(["--api=key-one-secret", "destroy", "instance", "5", "-y"])
        #expect(abbreviated == Scope(area: "vastai:https://console.vast.ai"))
        #expect(VastaiPolicy.spec.decide(["--api=key-one-secret", "destroy", "instance", "5", "-y"]).invalidates)
    }

    /// vastai reads its saved key with `.strip()`: a key file ending in a newline is the same
    /// account as the key given by flag, so a mutation with `--api-key` refuses answers read
    /// with the saved key.
    @Test func vastaiSavedKeyIsTheSameAccountAsTheFlag() throws {
        let temp = StoreTests.TempCache()
        let dir = temp.root + "/.config/vastai"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data("saved-key-secret\n".utf8).write(to: URL(fileURLWithPath: dir + "/vast_api_key"))
        let saved = Self.vastai(["show", "instances", "--raw"], ["HOME": temp.root])
        let flag = Self.vastai(["--api-key", "saved-key-secret", "destroy", "instance", "4", "-y"])
        #expect(saved == flag)
        #expect(saved != Self.vastai(["show", "instances", "--raw"]), "a saved key is an account")
    }
}
