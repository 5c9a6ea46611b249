import Testing

@testable import CachewrapCore

/// The redaction table, rule by rule: what each finds in an argv (the argument as it is shown,
/// every secret `<redacted>`), and the look-alikes each leaves alone.
@Suite struct RedactionTests {
    static let table = RedactionTable.standard

    /// The redacted arguments of `args`, by index.
    static func redact(_ args: String...) -> [Int: String] { table.redact(args) }

    @Test func headerValuesOfSecretHeaders() {
        #expect(Self.redact("curl", "-H", "Authorization: Bearer abc") == [2: "Authorization: <redacted>"])
        #expect(Self.redact("-HProxy-Authorization: Basic xyz") == [0: "-HProxy-Authorization: <redacted>"])
        #expect(Self.redact("--header", "Cookie: a=1; b=2") == [1: "Cookie: <redacted>"])
        #expect(Self.redact("--header=X-Api-Key:k1") == [0: "--header=X-Api-Key:<redacted>"])
        #expect(Self.redact("-H", "x-auth-token:  t") == [1: "x-auth-token:  <redacted>"], "any case, spaces kept")
        #expect(Self.redact("-H", "X-Client-Secret: s") == [1: "X-Client-Secret: <redacted>"])
        #expect(Self.redact("-sSH", "Authorization: t") == [1: "Authorization: <redacted>"], "a short flag cluster")
        #expect(Self.redact("--proxy-header", "Proxy-Authorization: p") == [1: "Proxy-Authorization: <redacted>"])
    }

    @Test func plainHeadersAndHeaderLookAlikesStay() {
        #expect(Self.redact("-H", "Accept: application/json", "-H", "User-Agent: x").isEmpty)
        #expect(Self.redact("-H", "Authorization").isEmpty, "no colon: not a header")
        #expect(Self.redact("-H", "Authorization:").isEmpty, "nothing to hide")
        #expect(Self.redact("grep", "-H", "pattern", "file").isEmpty)
        #expect(Self.redact("ls", "-lH", "dir").isEmpty)
    }

    @Test func credentialsAfterTheFirstColon() {
        #expect(Self.redact("curl", "-u", "user:pa:ss") == [2: "user:<redacted>"])
        #expect(Self.redact("-uuser:pass") == [0: "-uuser:<redacted>"])
        #expect(Self.redact("--user=user:pass", "--proxy-user", "p:q") == [0: "--user=user:<redacted>", 2: "p:<redacted>"])
        #expect(Self.redact("-su", "me:pw") == [1: "me:<redacted>"])
        #expect(Self.redact("sort", "-u", "file").isEmpty, "no colon, no secret")
        #expect(Self.redact("curl", "-u", "user").isEmpty, "curl asks for the password then")
    }

    @Test func secretFlagsBothForms() {
        #expect(Self.redact("--password", "p", "--token=t") == [1: "<redacted>", 2: "--token=<redacted>"])
        #expect(Self.redact("--api-key", "k", "--secret=s") == [1: "<redacted>", 2: "--secret=<redacted>"])
        #expect(Self.redact("--github-token", "a", "--client-secret=b", "--apikey", "c", "--db_password", "d")
                == [1: "<redacted>", 2: "--client-secret=<redacted>", 4: "<redacted>", 6: "<redacted>"])
        #expect(Self.redact("-token", "a", "-password=b") == [1: "<redacted>", 2: "-password=<redacted>"], "Go's flags")
    }

    @Test func flagsThatOnlyMentionASecretStay() {
        #expect(Self.redact("--token-file", "path", "--secret-name", "n", "--key", "key.pem").isEmpty)
        #expect(Self.redact("auth", "status", "--show-token", "--hostname", "github.com").isEmpty)
        #expect(Self.redact("auth", "login", "--with-token", "--git-protocol", "ssh").isEmpty)
        #expect(Self.redact("login", "--password-stdin", "registry").isEmpty)
        #expect(Self.redact("--no-password", "x").isEmpty)
        #expect(Self.redact("-t", "token").isEmpty, "a one-letter flag names nothing")
    }

    @Test func aPolicyAddsItsOwnFlags() {
        var table = RedactionTable.standard
        table.secretFlags.insert("-k")
        #expect(table.redact(["tool", "-k", "v", "-kv2"]) == [2: "<redacted>", 3: "-k<redacted>"])
        #expect(RedactionTable.standard.redact(["tool", "-k", "v"]).isEmpty)
    }

    @Test func urlPasswordsAndSecretQueryParameters() {
        #expect(Self.redact("https://user:pass@host/p") == [0: "https://user:<redacted>@host/p"])
        #expect(Self.redact("clone", "https://x-access-token:t@github.com/o/r.git")
                == [1: "https://x-access-token:<redacted>@github.com/o/r.git"])
        #expect(Self.redact("https://h/?access_token=a&page=2&X-Amz-Signature=s&api_key=k#frag")
                == [0: "https://h/?access_token=<redacted>&page=2&X-Amz-Signature=<redacted>&api_key=<redacted>#frag"])
        #expect(Self.redact("api", "repos/o/r?access_token=t") == [1: "repos/o/r?access_token=<redacted>"])
        #expect(Self.redact("--url=http://u:p@h:8080/x?sig=1")
                == [0: "--url=http://u:<redacted>@h:8080/x?sig=<redacted>"])
        #expect(Self.redact("https://h/cb#id_token=t&state=s") == [0: "https://h/cb#id_token=<redacted>&state=s"])
        #expect(Self.redact("see https://a:b@h and https://c:d@i") == [0: "see https://a:<redacted>@h and https://c:<redacted>@i"])
    }

    @Test func plainURLsStay() {
        #expect(Self.redact("https://github.com/o/r", "ssh://git@github.com/o/r", "https://user@host/").isEmpty)
        #expect(Self.redact("repos/o/r/commits?author=octocat&per_page=5", "https://h/?q=token").isEmpty)
        #expect(Self.redact("https://h:8080/p?a=1").isEmpty, "a port is not a password")
    }

    @Test func fieldsOfGhAPIAndCurl() {
        #expect(Self.redact("api", "-X", "GET", "u", "-f", "token=t", "-F", "per_page=5")
                == [5: "token=<redacted>"])
        #expect(Self.redact("-fclient_secret=s", "--raw-field=password=p", "--field", "key=k")
                == [0: "-fclient_secret=<redacted>", 1: "--raw-field=password=<redacted>", 3: "key=<redacted>"])
        #expect(Self.redact("curl", "-d", "user=me&password=p", "--data-urlencode", "q=x")
                == [2: "user=me&password=<redacted>"])
        #expect(Self.redact("api", "graphql", "-f", "query=query { viewer { login } }", "-f", "author=me").isEmpty)
    }

    @Test func bareAssignmentsOfSecretNames() {
        #expect(Self.redact("env", "GH_TOKEN=t", "HOME=/h", "make") == [1: "GH_TOKEN=<redacted>"])
        #expect(Self.redact("make", "DB_PASSWORD=p", "V=1") == [1: "DB_PASSWORD=<redacted>"])
        #expect(Self.redact("echo", "a=b", "x == y", "key: value").isEmpty)
    }

    @Test func secretNamesAreTheOneList() {
        for name in ["GH_TOKEN", "VAST_API_KEY", "DB_PASSWORD", "GOOGLE_APPLICATION_CREDENTIALS", "X-Amz-Signature",
                     "ANTHROPIC_AUTH_TOKEN", "client_secret"] {
            #expect(Self.table.isSecretName(name), "\(name)")
        }
        for name in ["GH_HOST", "NO_COLOR", "author", "per_page", "COLUMNS"] { #expect(!Self.table.isSecretName(name), "\(name)") }
        #expect(Secret.isSecretName("HF_TOKEN") && !Secret.isSecretName("HF_HOME"), "variables use the same list")
    }

    /// Found by the argv fuzzer (fuzz/corpus/argv/crash-e461a46c…): taking `author` out of
    /// `enAuthorization` left no secret word, so that header's token reached the key in plain text.
    @Test func aHeaderNamedWithAuthorizationInsideIsSecret() {
        for name in ["enAuthorization", "X-Authorization", "Proxy-Authorization", "authorize"] {
            #expect(Self.table.isSecretName(name), "\(name)")
        }
        #expect(Self.redact("api", "-H", "enAuthorization: token x", "user") == [2: "enAuthorization: <redacted>"])
    }

    @Test func argumentsWithoutSecretsAreAbsentAndIndexesFollowTheArgv() {
        #expect(Self.redact().isEmpty)
        #expect(Self.redact("pr", "list", "--json", "number,title", "-R", "o/r").isEmpty)
        #expect(Self.redact("-", "--", "=", "-=", "--=x", "?", "#", "://@").isEmpty)
        #expect(Self.redact("a", "b", "--token", "t") == [3: "<redacted>"])
    }
}
