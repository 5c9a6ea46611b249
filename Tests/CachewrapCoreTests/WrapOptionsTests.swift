import Testing

@testable import CachewrapCore

/// Guards the wrapper's own command line (docs/architecture.md, Command line): option parsing before TOOL, the
/// usage errors and their exit code 64, `TOOL ARGS` vs `-- CMD ARGS`, and the duration and size
/// syntaxes (`30s`/`10m`/`2h`/`7d`, `500M`).
@Suite struct WrapOptionsTests {
    static func args(_ words: String...) -> [Argument] { words.map(Argument.init) }

    static func parse(_ words: [String]) throws(CachewrapError) -> (WrapOptions, Int) {
        try WrapOptions.parse(words.map(Argument.init))
    }

    /// The error `words` fail with, or nil when they parse.
    static func failure(_ words: [String]) -> CachewrapError? {
        do { _ = try parse(words); return nil } catch { return error }
    }

    @Test(arguments: [("30s", 30), ("10m", 600), ("2h", 7200), ("7d", 604_800), ("0", 0)] as [(String, Int64)])
    func ttlValues(text: String, seconds: Int64) throws {
        let (options, index) = try Self.parse(["--ttl", text, "gh", "pr", "list"])
        #expect(options.ttlSeconds == seconds)
        #expect(index == 2)
    }

    @Test func inlineTTL() throws {
        let (options, index) = try Self.parse(["--ttl=5m", "gh"])
        #expect(options.ttlSeconds == 300)
        #expect(index == 1)
    }

    @Test func flags() throws {
        let (a, ia) = try Self.parse(["--refresh", "gh"])
        #expect(a.refresh && !a.noCache && !a.offline && !a.quiet)
        #expect(ia == 1)
        let (b, _) = try Self.parse(["--no-cache", "gh"])
        #expect(b.noCache && !b.refresh)
        let (c, _) = try Self.parse(["--offline", "gh"])
        #expect(c.offline)
        let (d, _) = try Self.parse(["--quiet", "gh"])
        #expect(d.quiet)
    }

    @Test func revalidation() throws {
        #expect(try Self.parse(["--revalidate", "gh"]).0.revalidate == true)
        #expect(try Self.parse(["--no-revalidate", "--ttl", "1s", "gh"]).0.revalidate == false)
        #expect(try Self.parse(["--revalidate", "--revalidate", "gh"]).0.revalidate == true)
        #expect(Self.failure(["--revalidate", "--no-revalidate", "gh"])?.exitCode == 64)
        for other in ["--refresh", "--no-cache", "--offline"] {
            #expect(Self.failure(["--revalidate", other, "gh"])?.message.contains("--revalidate") == true)
        }
        #expect(Self.failure(["--revalidate=yes", "gh"]) == .unknownOption("--revalidate=yes"))
    }

    @Test func defaultsAreEmpty() throws {
        let (options, index) = try Self.parse(["gh", "--ttl", "5m"])
        #expect(options == WrapOptions())
        #expect(index == 0)
    }

    @Test func retriesAndEnv() throws {
        let (options, index) = try Self.parse(["--retries", "3", "--env", "FOO", "--env=BAR", "--", "make", "-n"])
        #expect(options.retries == 3)
        #expect(options.keyEnv == ["FOO", "BAR"])
        #expect(index == 5)
    }

    @Test func staleWindows() throws {
        let (options, _) = try Self.parse(["--stale", "10m", "--stale-if-error=1d", "gh"])
        #expect(options.staleSeconds == 600)
        #expect(options.staleIfErrorSeconds == 86_400)
    }

    @Test func optionsCombine() throws {
        let (options, index) = try Self.parse(["--quiet", "--ttl", "2h", "--refresh", "--retries=0", "gh", "status"])
        #expect(options.quiet && options.refresh)
        #expect(options.ttlSeconds == 7200)
        #expect(options.retries == 0)
        #expect(index == 5)
    }

    // MARK: Errors

    @Test func badDuration() {
        #expect(Self.failure(["--ttl", "5x", "gh"]) == .badDuration("5x"))
        #expect(Self.failure(["--ttl", "five", "gh"]) == .badDuration("five"))
        #expect(Self.failure(["--ttl=-5s", "gh"]) == .badDuration("-5s"))
        #expect(Self.failure(["--stale", "1w", "gh"]) == .badDuration("1w"))
    }

    @Test func unknownOption() {
        #expect(Self.failure(["--bogus", "gh"]) == .unknownOption("--bogus"))
        #expect(Self.failure(["--refresh=yes", "gh"]) == .unknownOption("--refresh=yes"))
    }

    @Test func missingValue() {
        #expect(Self.failure(["--ttl"]) == .missingValue("--ttl"))
        #expect(Self.failure(["--retries"]) == .missingValue("--retries"))
        #expect(Self.failure(["--env"]) == .missingValue("--env"))
    }

    @Test func badRetries() {
        #expect(Self.failure(["--retries", "many", "gh"]) == .badNumber(option: "--retries", value: "many"))
        #expect(Self.failure(["--retries", "-1", "gh"]) == .badNumber(option: "--retries", value: "-1"))
    }

    @Test func offlineConflicts() {
        guard case .usage(let text)? = Self.failure(["--offline", "--refresh", "gh"]) else {
            Issue.record("--offline --refresh must be a usage error")
            return
        }
        #expect(!text.isEmpty)
        guard case .usage? = Self.failure(["--no-cache", "--offline", "gh"]) else {
            Issue.record("--no-cache --offline must be a usage error")
            return
        }
    }

    @Test(arguments: [
        CachewrapError.unknownOption("--bogus"), .missingValue("--ttl"), .badDuration("5x"),
        .badNumber(option: "--retries", value: "x"), .badSize("1.5G"), .missingTool, .usage("conflict"),
    ])
    func usageErrorsExit64(_ error: CachewrapError) {
        #expect(error.exitCode == 64)
        #expect(!error.message.isEmpty)
    }

    @Test func otherExitCodes() {
        #expect(CachewrapError.toolNotFound("gh").exitCode == 127)
        #expect(CachewrapError.notExecutable("/x").exitCode == 126)
        #expect(CachewrapError.offlineMiss("gh").exitCode == 69)
        #expect(CachewrapError.badDuration("5x").message.contains("5x"))
        #expect(CachewrapError.unknownOption("--bogus").message.contains("--bogus"))
    }

    // MARK: parseWrap

    @Test func genericCommand() throws {
        let request = try Cachewrap.parseWrap(Self.args("--ttl", "1h", "--", "ls", "-la", "/tmp"))
        #expect(request.generic)
        #expect(request.tool == "ls")
        #expect(request.arguments == Self.args("-la", "/tmp"))
        #expect(request.options.ttlSeconds == 3600)
        #expect(request.commandLine == Self.args("ls", "-la", "/tmp"))
    }

    @Test func knownTool() throws {
        let request = try Cachewrap.parseWrap(Self.args("gh", "pr", "list"))
        #expect(!request.generic)
        #expect(request.tool == "gh")
        #expect(request.arguments == Self.args("pr", "list"))
        #expect(request.options == WrapOptions())
        #expect(request.policy()?.tool == "gh")
    }

    @Test func toolArgumentsAreNotOptions() throws {
        let request = try Cachewrap.parseWrap(Self.args("--quiet", "gh", "--ttl", "5x", "--bogus"))
        #expect(request.options.quiet)
        #expect(request.arguments == Self.args("--ttl", "5x", "--bogus"))
    }

    @Test func genericPolicyKeysOnCwdAndEnv() throws {
        let request = try Cachewrap.parseWrap(Self.args("--env", "FOO", "--", "make", "-n"))
        let decision = try #require(request.policy()).decide(request.arguments.map(\.text))
        #expect(decision.commandClass == .cacheable(.command))
        #expect(decision.context == .cwd)
        #expect(decision.keyEnv == ["FOO"])
        #expect(decision.keysStdin)
        #expect(decision.ttlClass == .command)
        #expect(decision.operation == "make")
    }

    @Test func parseWrapErrors() {
        func fails(_ words: String...) -> CachewrapError? {
            do { _ = try Cachewrap.parseWrap(words.map(Argument.init)); return nil } catch { return error }
        }
        #expect(fails() == .missingTool)
        #expect(fails("--") == .missingTool)
        #expect(fails("--quiet") == .missingTool)
        #expect(fails("-x", "gh") == .unknownOption("-x"))
    }

    // MARK: Duration and ByteSize

    @Test func durationSeconds() {
        #expect(Duration.seconds("30s") == 30)
        #expect(Duration.seconds("10m") == 600)
        #expect(Duration.seconds("2h") == 7200)
        #expect(Duration.seconds("7d") == 604_800)
        #expect(Duration.seconds("0") == 0)
        #expect(Duration.seconds("") == nil)
        #expect(Duration.seconds("5") == nil)
        #expect(Duration.seconds("5x") == nil)
        #expect(Duration.seconds("s") == nil)
        #expect(Duration.seconds("1.5h") == nil)
        #expect(Duration.seconds("-1s") == nil)
        // Too large to count saturates, so a setting's range check calls it too large, not junk.
        #expect(Duration.seconds("99999999999999999d") == .max)
        #expect(Duration.seconds("+5s") == nil)
    }

    @Test func emptyInlineValuesAreErrorsNotShifts() {
        #expect(Self.failure(["--ttl=", "gh"]) == .badDuration(""))
        #expect(Self.failure(["--refresh=", "gh"]) == .unknownOption("--refresh="))
        #expect(Self.failure(["--env=", "gh", "pr", "list"]) == .missingValue("--env"))
    }

    @Test func hugeSizesSaturateNotTrap() {
        #expect(ByteSize.parse("9999999999G") == .max)
        #expect(ByteSize.parse("99999999999999999999") == .max)
        #expect(ByteSize.parse("+5") == nil)
    }

    @Test func durationFormat() {
        #expect(Duration.format(seconds: 0) == "0s")
        #expect(Duration.format(seconds: 45) == "45s")
        #expect(Duration.format(seconds: 119) == "119s")
        #expect(Duration.format(seconds: 600) == "10m")
        #expect(Duration.format(seconds: 7200) == "2h")
        #expect(Duration.format(seconds: 604_800) == "7d")
        #expect(Duration.format(seconds: -5) == "0s")
    }

    @Test func byteSizeParse() {
        #expect(ByteSize.parse("500M") == 524_288_000)
        #expect(ByteSize.parse("1G") == 1_073_741_824)
        #expect(ByteSize.parse("64K") == 65_536)
        #expect(ByteSize.parse("10") == 10)
        #expect(ByteSize.parse("500MB") == 524_288_000)
        #expect(ByteSize.parse("500MiB") == 524_288_000)
        #expect(ByteSize.parse("1g") == 1_073_741_824)
        #expect(ByteSize.parse("1T") == 1 << 40 && ByteSize.parse("2TiB") == 2 << 40)
        #expect(ByteSize.parse("1.5G") == nil)
        #expect(ByteSize.parse("-1") == nil)
        #expect(ByteSize.parse("-1M") == nil)
        #expect(ByteSize.parse("") == nil)
        #expect(ByteSize.parse("M") == nil)
        #expect(ByteSize.parse("lots") == nil)
    }

    @Test func byteSizeFormat() {
        #expect(ByteSize.format(512) == "512 B")
        #expect(ByteSize.format(1536) == "1.5 KiB")
        #expect(ByteSize.format(1_048_576) == "1.0 MiB")
    }
}
