import Testing

@testable import CachewrapCore

/// A tool defined in the config file (docs/config.md, "Tools defined in the config"): the
/// policy `[tools.NAME]` makes for a name that is not built in, read as data like a built-in one.
@Suite struct ConfigDefinedToolTests {
    /// The worked `aws` example of docs/config.md, with a bit more to test.
    static let aws = """
        [tools.aws]
        cacheable = ["s3api list-buckets", "s3api list-objects-v2", "sts get-caller-identity", "s3 ls", "ec2 *"]
        mutating = ["s3api create-bucket", "s3api delete-bucket", "s3 cp", "ec2 run-instances"]
        interactive = ["configure", "sso login"]
        env = ["AWS_PROFILE", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
        files = ["~/.aws/config", "~/.aws/credentials", "project.json"]
        value_flags = ["--endpoint-url", "--region", "--profile", "--output", "--query"]
        fail_if = ["An error occurred"]
        transient = ["Throttling", "RequestTimeout"]
        retries = 2
        [tools.aws.ttl]
        "sts get-caller-identity" = "1h"
        """

    static func spec(_ text: String = aws) throws -> PolicySpec {
        let (config, issues) = UserConfig.parse(text)
        #expect(issues.isEmpty, "\(issues)")
        return try #require(config.definedPolicy("aws"), "no policy defined")
    }

    static let cases: [PolicyCase] = [
        .cache(["s3api", "list-buckets"], "s3api list-buckets", .live),
        .cache(["--endpoint-url", "http://127.0.0.1:9", "s3api", "list-buckets"], "s3api list-buckets", .live),
        .cache(["s3api", "list-buckets", "--query", "Buckets[].Name"], "s3api list-buckets", .live),
        .cache(["--region", "eu-west-1", "sts", "get-caller-identity"], "sts get-caller-identity", .live),
        .cache(["s3", "ls"], "s3 ls", .live),
        .cache(["ec2", "describe-instances"], "ec2 describe-instances", .live),
        .never(.mutating, ["s3api", "create-bucket", "--bucket", "b"]),
        .never(.mutating, ["--endpoint-url", "http://x", "s3api", "delete-bucket", "--bucket", "b"]),
        .never(.mutating, ["s3", "cp", "a", "s3://b/a"]),
        // Listed as mutating, inside a cacheable group: the safer class wins.
        .never(.mutating, ["ec2", "run-instances", "--image-id", "ami-1"]),
        .never(.interactive, ["configure"]),
        .never(.interactive, ["configure", "set", "region", "x"]),
        .never(.interactive, ["sso", "login"]),
        // Unlisted: runs as is.
        .never(.passthrough, ["s3api", "put-object", "--bucket", "b"]),
        .cache(["s3", "ls", "s3://bucket"], "s3 ls", .live),
        // Another command of a group with a listed one: not listed itself.
        .never(.passthrough, ["s3", "mb", "s3://bucket"]),
        .never(.passthrough, ["iam", "list-users"]),
        .never(.passthrough, []),
    ]

    @Test(arguments: cases) func classifies(_ c: PolicyCase) throws {
        c.check(try Self.spec())
    }

    @Test func ttlRetriesAndReasonsComeFromTheFile() throws {
        let spec = try Self.spec()
        let identity = spec.decide(["sts", "get-caller-identity"])
        #expect(identity.ttlSeconds == 3600 && identity.retries == 2)
        #expect(spec.decide(["s3api", "list-buckets"]).ttlSeconds == TTLClass.live.seconds)
        // The reason names the list and its line, for `explain`.
        #expect(spec.decide(["s3api", "list-buckets"]).reason == "[tools.aws] cacheable lists \"s3api list-buckets\" (config file:2)")
        #expect(spec.decide(["s3", "cp", "a", "b"]).reason.hasPrefix("[tools.aws] mutating lists \"s3 cp\" (config file:3)"))
        #expect(spec.decide(["iam", "list-users"]).reason == "no aws rule makes 'iam list-users' cacheable")
    }

    @Test func aMutationDropsTheToolsAnswers() throws {
        let spec = try Self.spec()
        let read = spec.decide(["s3api", "list-buckets"]), write = spec.decide(["s3api", "create-bucket", "--bucket", "b"])
        #expect(write.invalidates && !write.isCacheable)
        #expect(write.scope == read.scope && read.scope == .tool("aws"))
    }

    /// Without `value_flags`, the value of an unknown flag is read as a word: the call is not
    /// the listed operation, and passes through (never the other way round).
    @Test func valueFlagsKeepAFlagsValueOutOfTheOperation() throws {
        let spec = try Self.spec("[tools.aws]\ncacheable = [\"s3api list-buckets\"]\n")
        #expect(spec.decide(["--endpoint-url", "http://x", "s3api", "list-buckets"]).commandClass == .passthrough)
        #expect(spec.decide(["s3api", "list-buckets", "--endpoint-url", "http://x"]).isCacheable)
    }

    @Test func theKeyReadsTheListedVariablesFilesCwdAndStdin() throws {
        let spec = try Self.spec()
        let d = spec.decide(Invocation(["s3api", "list-buckets"], workingDirectory: "/w", homeDirectory: "/home/u"))
        #expect(d.keyEnv == ["AWS_PROFILE", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
        #expect(d.identityFiles == ["/home/u/.aws/config", "/home/u/.aws/credentials", "project.json"])
        #expect(d.context == .cwd && d.keysStdin)
        // Secret names join the key only as salted digests (KeyBuilder reads `Secret.isSecretName`).
        #expect(Secret.isSecretName("AWS_SECRET_ACCESS_KEY") && Secret.isSecretName("AWS_ACCESS_KEY_ID"))
        #expect(!Secret.isSecretName("AWS_PROFILE") && !Secret.isSecretName("AWS_REGION"))
    }

    @Test func failIfAndTransientReadBothStreams() throws {
        let spec = try Self.spec()
        #expect(spec.isStorable(finishedRun(0, stdout: "[]")))
        #expect(!spec.isStorable(finishedRun(0, stderr: "An error occurred (AccessDenied)")))
        #expect(!spec.isStorable(finishedRun(0, stdout: "An error occurred (AccessDenied)")))
        #expect(spec.transient.firstMatch(in: finishedRun(255, stdout: "Throttling: Rate exceeded").transcript) != nil)
    }

    @Test func aDisabledDefinitionPassesEverythingThrough() {
        let (config, issues) = UserConfig.parse(Self.aws.replacingOccurrences(of: "retries = 2", with: "disabled = true"))
        #expect(issues.isEmpty, "\(issues)")
        #expect(config.definedPolicy("aws")?.decide(["s3api", "list-buckets"]).commandClass == .passthrough)
    }

    @Test func definedToolsAreListedAfterTheBuiltInOnes() {
        let (config, _) = UserConfig.parse("[tools.zz]\ncacheable = [\"a\"]\n[tools.aws]\nmutating = [\"b\"]\n[tools.gh]\nretries = 1\n")
        #expect(config.definedTools == ["aws", "zz"])
        #expect(config.definedPolicy("gh") == nil, "a built-in tool is edited, not defined")
        #expect(config.definedPolicy("terraform") == nil)
    }
}
