import Testing

@testable import CachewrapCore

/// From verdicts to lines (StatsAdvice.swift, StatsAdviceReport.swift): each suggestion goes
/// where a config line takes effect, reads back as the TTL it names, and nothing is suggested
/// for a tool that is off or an operation that is no longer cacheable.
@Suite struct StatsAdviceTests {
    static func operation(_ tool: String, _ operation: String, ttl: Int64 = 60, identical: Bool = true,
                          hits: Int64 = 0, count: Int = 5) -> OperationRefreshes {
        OperationRefreshes(tool: tool, operation: operation, records: (0..<count).map { _ in
            TTLAdviceTests.refresh(ttl: ttl, age: ttl + 1, identical: identical, hits: hits)
        })
    }

    static func config(_ text: String) -> UserConfig {
        let (config, issues) = UserConfig.parse(text)
        #expect(issues.isEmpty, "\(issues)")
        return config
    }

    static let aws = config("[tools.aws]\ncacheable = [\"s3api list-buckets\", \"ec2 *\"]\nmutating = [\"s3api create-bucket\"]\n")

    @Test func placements() {
        let none = UserConfig()
        #expect(StatsAdvice.placement(tool: "make", operation: "make", config: none) == .under(.defaults),
                "cachewrap -- make records its name as the operation")
        #expect(StatsAdvice.placement(tool: "gh", operation: "gh", config: none) == .under(.defaults), "cachewrap -- gh ...")
        #expect(StatsAdvice.placement(tool: "gh", operation: "pr list", config: none) == .under(.tool("gh")))
        #expect(StatsAdvice.placement(tool: "gh", operation: "pr list", config: Self.config("[tools.gh]\ndisabled = true\n"))
                == .nowhere("gh is disabled in the config"))
        #expect(StatsAdvice.placement(tool: "aws", operation: "s3api list-buckets", config: Self.aws) == .under(.tool("aws")))
        #expect(StatsAdvice.placement(tool: "aws", operation: "ec2 describe-instances", config: Self.aws) == .under(.tool("aws")),
                "a group's operations are cacheable")
        #expect(StatsAdvice.placement(tool: "aws", operation: "s3api create-bucket", config: Self.aws)
                == .nowhere("\"s3api create-bucket\" is not cacheable in [tools.aws] any more"))
        #expect(StatsAdvice.placement(tool: "aws", operation: "s3api list-buckets", config: none)
                == .nowhere("aws is no longer defined in the config"))
    }

    /// Every line the advice prints is one the config takes, meaning exactly that TTL.
    @Test(arguments: [
        (StatsAdvice.Section.tool("gh"), "pr list", Int64(300), "\"pr list\" = \"5m\""),
        (.tool("aws"), "ec2 describe-instances", 3600, "\"ec2 describe-instances\" = \"1h\""),
        (.tool("mytool"), "say \"hi\"", 10, "\"say \\\"hi\\\"\" = \"10s\""),
        (.defaults, "make", 604_800, "ttl = \"7d\""),
    ])
    func linesReadBackAsTheirTTL(_ section: StatsAdvice.Section, _ operation: String, _ seconds: Int64, _ expected: String) {
        #expect(StatsAdvice.line(section, operation: operation, seconds: seconds) == expected)
    }

    @Test func anOperationTheConfigCannotNameGetsNoLine() {
        #expect(StatsAdvice.line(.tool("kubectl"), operation: "version --client", seconds: 300) == nil)
        let advice = StatsAdvice([Self.operation("kubectl", "version --client", ttl: 86_400)], config: UserConfig())
        #expect(advice.suggestions.isEmpty)
        #expect(advice.unsuggested.first?.why == "cachewrap config takes no TTL line for the operation \"version --client\"")
    }

    /// The whole report parses as a config file (its prose is comments), one table per tool.
    @Test func theReportIsAConfigFragment() {
        let advice = StatsAdvice([
            Self.operation("gh", "pr list"),
            Self.operation("gh", "repo view", ttl: 3600, identical: false, hits: 2),
            Self.operation("make", "make", ttl: 600),
            Self.operation("hf", "models info", count: 2),
        ], config: UserConfig())
        let text = StatsAdviceReport.render(advice)
        #expect(text.contains("\n[tools.gh.ttl]\n\"pr list\" = \"5m\"       # 5 refreshes after expiry, 5 identical: "
                              + "the 1m TTL is shorter than it needs to be\n"), "\(text)")
        #expect(text.contains("\"repo view\" = \"30m\"    # 5 refreshes after expiry, 0 identical, 5 changed after hits: "
                              + "the 1h TTL outlives the output\n"), "\(text)")
        #expect(text.contains("\n[defaults]\nttl = \"1h\"    # cachewrap -- make: 5 refreshes after expiry"), "\(text)")
        #expect(text.components(separatedBy: "[tools.gh.ttl]").count == 2)
        let (config, issues) = UserConfig.parse(text)
        #expect(issues.isEmpty, "\(issues)")
        #expect(config.tools["gh"]?.ttl == ["pr list": 300, "repo view": 1800] && config.defaultTTL == 3600)
    }

    /// `[defaults] ttl` reaches every generic command: with several suggestions it takes the
    /// shortest, and shows each command's evidence.
    @Test func genericCommandsShareTheShortestDefault() {
        let advice = StatsAdvice([
            Self.operation("curl", "curl", ttl: 600, identical: false, hits: 1),
            Self.operation("make", "make", ttl: 600),
        ], config: UserConfig())
        let text = StatsAdviceReport.render(advice)
        #expect(text.contains("# cachewrap -- curl: 5 refreshes after expiry, 0 identical, 5 changed after hits: the 10m TTL outlives the output (5m)\n"
                              + "# cachewrap -- make: 5 refreshes after expiry, 5 identical: the 10m TTL is shorter than it needs to be (1h)\n"
                              + "ttl = \"5m\"    # the shortest of these"), "\(text)")
        #expect(UserConfig.parse(text).config.defaultTTL == 300)
    }

    @Test func nothingToSuggestSaysWhy() {
        #expect(StatsAdviceReport.render(StatsAdvice([], config: UserConfig())).hasPrefix("no TTL advice yet: no entry has been re-run"))
        let few = StatsAdviceReport.render(StatsAdvice([Self.operation("gh", "pr list", count: 3)], config: UserConfig()))
        #expect(few.hasPrefix("no TTL advice yet: not enough refreshes; an operation needs 5") && few.contains("gh pr list, 3."), "\(few)")
        let fits = StatsAdviceReport.render(StatsAdvice([
            Self.operation("gh", "pr list", identical: false),
            Self.operation("hf", "models info", count: 2),
        ], config: UserConfig()))
        #expect(fits.contains("  gh pr list: the 1m TTL fits what 5 refreshes after expiry, 0 identical found\n"), "\(fits)")
        #expect(fits.contains("the most any other has is 2 (hf models info)"), "\(fits)")
        #expect(StatsAdviceReport.json(StatsAdvice([], config: UserConfig())).canonicalText == "[]")
    }

    @Test func jsonHasOneObjectPerSuggestion() {
        let advice = StatsAdvice([Self.operation("gh", "pr list", count: 6)], config: UserConfig())
        #expect(StatsAdviceReport.json(advice).canonicalText == """
            [{"after_expiry":6,"changed_after_hits":0,"current_ttl_s":60,"identical":6,"line":"\\"pr list\\" = \\"5m\\"",\
            "operation":"pr list","refreshes":6,"section":"[tools.gh.ttl]","suggested_ttl_s":300,"tool":"gh"}]
            """)
    }
}
