import Testing

@testable import CachewrapCore

/// Guards what gh's decisions put into the key: the variables, the login file, the repository
/// context (none when the command names its repository), credential headers marked secret,
/// and stdin. Every decision is of a stated invocation, so the developer's GH_REPO or login
/// cannot change one.
@Suite struct GhKeyInputsTests {
    @Test func cacheableDecisionsCarryGhKeyEnv() {
        let d = GhPolicy.spec.decide(["pr", "list"])
        for name in ["GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GH_HOST",
                     "GH_REPO", "GH_CONFIG_DIR", "XDG_CONFIG_HOME", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE",
                     "GH_FORCE_TTY", "GLAMOUR_STYLE", "GH_DEBUG", "DEBUG"] {
            #expect(d.keyEnv.contains(name), "missing \(name)")
        }
        #expect(d.identityFiles == ["/nonexistent/.config/gh/hosts.yml"])
    }

    /// The login file gh reads: `$GH_CONFIG_DIR`, then `$XDG_CONFIG_HOME/gh`, then `~/.config/gh`.
    @Test func hostsFileFollowsGhsConfigDirectory() {
        func hosts(_ env: [String: String]) -> [String] { GhPolicy.spec.decide(["pr", "list"], environment: env).identityFiles }
        #expect(hosts(["HOME": "/h"]) == ["/h/.config/gh/hosts.yml"])
        #expect(hosts(["HOME": "/h", "XDG_CONFIG_HOME": "/x"]) == ["/x/gh/hosts.yml"])
        #expect(hosts(["XDG_CONFIG_HOME": "/x", "GH_CONFIG_DIR": "/c"]) == ["/c/hosts.yml"])
        #expect(hosts(["HOME": "/h", "GH_CONFIG_DIR": ""]) == ["/h/.config/gh/hosts.yml"], "empty is unset")
    }

    // MARK: Key context

    @Test func prListDependsOnTheRepository() {
        #expect(GhPolicy.spec.decide(["pr", "list"]).context == .repository)
        #expect(GhPolicy.spec.decide(["pr", "list"], environment: ["GH_REPO": ""]).context == .repository, "empty is unset")
        #expect(GhPolicy.spec.decide(["issue", "view", "7"]).context == .repository)
        #expect(GhPolicy.spec.decide(["repo", "view"]).context == .repository)
    }

    @Test func explicitRepoDropsTheRepositoryContext() {
        #expect(GhPolicy.spec.decide(["pr", "list", "-R", "o/r"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["pr", "list", "--repo", "o/r"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["pr", "list", "--repo=o/r"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["repo", "view", "cli/cli"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["pr", "list"], environment: ["GH_REPO": "o/r"]).context == KeyContext.none)
    }

    @Test func apiContextFollowsPlaceholders() {
        #expect(GhPolicy.spec.decide(["api", "repos/o/r"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["api", "repos/{owner}/{repo}/pulls"]).context == .repository)
        #expect(GhPolicy.spec.decide(["api", "repos/{owner}/{repo}/branches/{branch}"]).context == .repository)
    }

    @Test func repositoryFreeCommandsHaveNoContext() {
        #expect(GhPolicy.spec.decide(["search", "repos", "x"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["auth", "status"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["status"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["gist", "list"]).context == KeyContext.none)
        #expect(GhPolicy.spec.decide(["repo", "list"]).context == KeyContext.none)
    }

    // MARK: Secrets and stdin

    @Test func authorizationHeaderIsSecret() {
        let args = ["api", "-H", "Authorization: token abc", "user"]
        let d = GhPolicy.spec.decide(args)
        #expect(d.commandClass == .cacheable(.live))
        #expect(d.redaction.redact(args) == [2: "Authorization: <redacted>"])
    }

    @Test func inlineAndLongAuthorizationHeadersAreSecret() {
        let args = ["api", "--header", "authorization: Bearer x", "-HX-Token: y", "--header=Authorization: z",
                    "-H", "Accept: application/json", "user"]
        let d = GhPolicy.spec.decide(args)
        #expect(d.commandClass == .cacheable(.live))
        #expect(d.redaction.redact(args) == [2: "authorization: <redacted>", 3: "-HX-Token: <redacted>", 4: "--header=Authorization: <redacted>"])
    }

    /// A header in a shorthand cluster (`-iH VALUE`, `-iHVALUE`) is a header too: a credential
    /// in it must not reach the key in plain text.
    @Test func authorizationHeaderInAClusterIsSecret() {
        let args = ["api", "-iH", "Authorization: token abc", "-iHX-Token: y", "-iH", "Accept: text/plain", "user"]
        let d = GhPolicy.spec.decide(args)
        #expect(d.commandClass == .cacheable(.live))
        #expect(Set(d.redaction.redact(args).keys) == [2, 3])
    }

    @Test func plainHeadersAreNotSecret() {
        let args = ["api", "-H", "Accept: application/vnd.github.raw", "repos/o/r/readme"], d = GhPolicy.spec.decide(args)
        #expect(d.commandClass == .cacheable(.live))
        #expect(d.redaction.redact(args).isEmpty)
    }

    @Test func stdinIsKeyedOnlyWhenNamed() {
        #expect(GhPolicy.spec.decide(["pr", "list"]).keysStdin == false)
        #expect(GhPolicy.spec.decide(["api", "graphql", "-f", "query=query { viewer { login } }"]).keysStdin == false)
    }
}
