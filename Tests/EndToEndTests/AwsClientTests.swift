import Foundation
import Testing

// A tool defined in the config file (docs/config.md, "Tools defined in the config"), tried with
// the real awscli against a local moto_server: `aws --endpoint-url http://127.0.0.1:PORT …`
// with test credentials in the environment. awscli 1.x asks the endpoint for every call, so
// the runs of the wrapper script in the sandbox's bin (which counts, then execs the real aws)
// are what a cache hit saves.

/// The `aws` policy of docs/config.md's worked example, as the test's config file.
private let awsPolicy = """
    [tools.aws]
    cacheable = ["s3api list-buckets", "s3api list-objects-v2", "sts get-caller-identity"]
    mutating = ["s3api create-bucket", "s3api delete-bucket", "s3api put-object", "s3 *"]
    interactive = ["configure", "sso login"]
    env = ["AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    files = ["~/.aws/config", "~/.aws/credentials"]
    value_flags = ["--endpoint-url", "--region", "--profile", "--output", "--query"]
    fail_if = ["An error occurred"]
    transient = ["Throttling", "RequestTimeout", "Could not connect to the endpoint URL"]

    [tools.aws.ttl]
    "s3api list-buckets" = "5m"

    """

/// A secret nobody could mistake for anything else: it must never be found under the cache dir.
private let secretKey = "cw-secret-9f2c41d7e0b5a3886e1f"

@Suite("aws, a tool defined in the config, against moto_server")
struct AwsClientTests {
    /// A sandbox with the config, an `aws` in its bin that counts its runs and runs the real
    /// one, and the environment a user would have.
    static func setUp() throws -> (TestSandbox, [String: String]) {
        let aws = try TestSandbox.requireTool("aws")
        let sb = try TestSandbox()
        sb.writeTool("aws", script: "exec \(TestSandbox.shellQuote(aws)) \"$@\"")
        let config = sb.root + "/config.toml"
        try awsPolicy.write(toFile: config, atomically: true, encoding: .utf8)
        var env = sb.baseEnv()
        // The real aws may live in a pyenv or venv directory: keep the test process's PATH after ours.
        env["PATH"] = sb.binDir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        env["CACHEWRAP_CONFIG"] = config
        env["AWS_ACCESS_KEY_ID"] = "testing"
        env["AWS_SECRET_ACCESS_KEY"] = secretKey
        env["AWS_DEFAULT_REGION"] = "us-east-1"
        return (sb, env)
    }

    @Test("list-buckets is cached; create-bucket runs and drops it; the secret key is never stored")
    func listIsCachedAndAMutationDropsIt() throws {
        let (sb, env) = try Self.setUp()
        let moto = try MotoServer()
        defer { moto.stop() }
        let aws = ["aws", "--endpoint-url", moto.endpoint]

        let list = try TwoCalls(aws + ["s3api", "list-buckets"], env: env) { sb.counter("aws") }
        #expect(list.first.status == 0 && list.first.stdoutText.contains("\"Buckets\""), "\(list.first.stderrText)")
        #expect(list.identical && list.countAfterFirst == 1 && list.countAfterSecond == 1,
                "runs: \(list.countAfterFirst), \(list.countAfterSecond)")
        #expect(!list.first.stdoutText.contains("cw-new-bucket"))

        for n in 1...2 {
            let create = try cachewrap(aws + ["s3api", "create-bucket", "--bucket", "cw-new-bucket"], env: env)
            #expect(create.status == 0, "\(create.stderrText)")
            #expect(sb.counter("aws") == 1 + n, "a mutation runs every time")
        }
        let after = try cachewrap(aws + ["s3api", "list-buckets"], env: env)
        #expect(sb.counter("aws") == 4, "the list was dropped by create-bucket")
        #expect(after.status == 0 && after.stdoutText.contains("\"Name\": \"cw-new-bucket\""), "\(after.stdoutText)")

        #expect(sb.cacheFiles(containing: secretKey).isEmpty, "\(sb.cacheFiles(containing: secretKey))")
        let key = try cachewrap(["key"] + aws + ["s3api", "list-buckets"], env: env)
        #expect(key.stdoutText.contains("AWS_SECRET_ACCESS_KEY") && !key.stdoutText.contains(secretKey), "\(key.stdoutText)")
    }

    @Test("another secret key is another answer")
    func anotherSecretKeyIsAMiss() throws {
        let (sb, env) = try Self.setUp()
        let moto = try MotoServer()
        defer { moto.stop() }
        let list = ["aws", "--endpoint-url", moto.endpoint, "s3api", "list-buckets"]
        _ = try cachewrap(list, env: env)
        var other = env
        other["AWS_SECRET_ACCESS_KEY"] = secretKey + "-other"
        _ = try cachewrap(list, env: other)
        #expect(sb.counter("aws") == 2)
    }

    @Test("explain names the config line; init and doctor include the defined tool")
    func explainInitAndDoctorKnowTheTool() throws {
        let (sb, env) = try Self.setUp()
        let explained = try cachewrap(["explain", "aws", "s3api", "list-buckets"], env: env)
        #expect(explained.stdoutText.contains(
            "class:     cacheable: [tools.aws] cacheable lists \"s3api list-buckets\" (\(sb.root)/config.toml:2)"),
            "\(explained.stdoutText)")
        #expect(explained.stdoutText.contains("ttl:       5m (config file)"), "\(explained.stdoutText)")
        let mutation = try cachewrap(["explain", "aws", "s3api", "create-bucket", "--bucket", "b"], env: env)
        #expect(mutation.stdoutText.contains("class:     mutating: [tools.aws] mutating lists \"s3api create-bucket\""))
        #expect(mutation.stdoutText.contains("effect:    drops cached answers of aws"), "\(mutation.stdoutText)")

        let initCode = try cachewrap(["init", "bash"], env: env)
        #expect(initCode.stdoutText.contains("alias aws="), "\(initCode.stdoutText)")
        let doctor = try cachewrap(["doctor"], env: env)
        #expect(doctor.stdoutText.contains("aws"), "\(doctor.stdoutText)")
        let tools = try cachewrap(["config", "--tools"], env: env)
        #expect(tools.stdoutText.hasSuffix("copilot\naws\n") || tools.stdoutText.contains("\naws\n"), "\(tools.stdoutText)")
    }
}
