import Testing

@testable import CachewrapCore

/// Guards the config file's TOML subset and schema (docs/config.md): every value type, comments,
/// quoted keys and headers, and every error with the line it points at, because a config error
/// the user cannot locate is as bad as one silently ignored.
@Suite struct ConfigTests {
    /// The config in `text`, recording an issue for every problem the parser reports.
    static func valid(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> UserConfig {
        let (config, issues) = UserConfig.parse(text)
        #expect(issues.isEmpty, "\(issues)", sourceLocation: sourceLocation)
        return config
    }

    @Test func everyValueType() {
        let (tables, issues) = TOMLSubset.parse(Array("""
            # a comment line
            [section]  # a comment after a header
            text = "say \\"hi\\"\\\\ \\n\\t # not a comment"
            number = -1_200   # comment
            plus = +7
            zero = 0
            yes = true
            no = false
            list = ["a", "b, c",]  # trailing comma
            empty = []
            "quoted key" = "x"
              [ tools . "odd name" . ttl ]
            """.utf8))
        #expect(issues.isEmpty, "\(issues)")
        #expect(tables.map(\.path) == [[], ["section"], ["tools", "odd name", "ttl"]])
        #expect(tables[2].name == "tools.\"odd name\".ttl" && tables[2].line == 12)
        let values = Dictionary(uniqueKeysWithValues: tables[1].entries.map { ($0.key, $0.value) })
        #expect(values["text"] == .string("say \"hi\"\\ \n\t # not a comment"))
        #expect(values["number"] == .integer(-1200) && values["plus"] == .integer(7) && values["zero"] == .integer(0))
        #expect(values["yes"] == .bool(true) && values["no"] == .bool(false))
        #expect(values["list"] == .strings(["a", "b, c"]) && values["empty"] == .strings([]))
        #expect(values["quoted key"] == .string("x"))
        #expect(tables[1].entries.map(\.line) == Array(3...11))
    }

    @Test func windowsLineEndingsAndByteOrderMark() {
        let config = Self.valid("\u{FEFF}[defaults]\r\nttl = \"5m\"\r\n")
        #expect(config.defaultTTL == 300)
    }

    @Test func theFullSchema() {
        let config = Self.valid("""
            [defaults]
            ttl = "10m"
            retries = 2
            [tools.gh]
            disabled = false
            retries = 1
            env = ["MY_ORG_VAR", "_X2"]
            cacheable = ["pr  ready-check", "extension *"]
            [tools.gh.ttl]
            "pr list" = "5m"
            "*" = "2m"
            [tools.huggingface-cli]
            disabled = true
            """)
        #expect(config.defaultTTL == 600 && config.defaultRetries == 2)
        var gh = ToolConfig()
        gh.retries = 1
        gh.env = ["MY_ORG_VAR", "_X2"]
        gh.cacheable = ["pr ready-check", "extension *"]
        gh.ttl = ["pr list": 300, "*": 120]
        // Each key's line, and the header's under "": what `explain` names as the deciding line.
        gh.lines = ["": 4, "disabled": 5, "retries": 6, "env": 7, "cacheable": 8]
        #expect(config.tools["gh"] == gh)
        #expect(config.tools["huggingface-cli"]?.disabled == true)
    }

    @Test func anEmptyFileIsTheDefaults() {
        #expect(Self.valid("") == UserConfig())
        #expect(Self.valid("# only a comment\n\n   \n") == UserConfig())
    }

    /// A bad third line (after a comment and a header) and the words its error must contain.
    @Test(arguments: [
        // Syntax.
        ("ttl = 10m", "unquoted value '10m': strings need double quotes"),
        ("ttl = '10m'", "literal strings"),
        ("retries = 1.5", "floats are not supported"),
        ("retries = 007", "leading zeros"),
        ("retries = 1__0", "'_' must sit between digits"),
        ("retries = 99999999999999999999", "too large"),
        ("ttl = \"10m", "unterminated string"),
        ("ttl = \"a\\qb\"", "unsupported escape '\\q'"),
        ("ttl = \"\"\"10m\"\"\"", "multi-line strings"),
        ("ttl = \"a\u{01}\"", "control character U+1"),
        ("ttl =", "missing value"),
        ("ttl = ,", "expected a value"),
        ("ttl = {a = 1}", "inline tables"),
        ("ttl = [\"a\", 1]", "arrays may hold only double-quoted strings"),
        ("ttl = [\"a\"", "missing ']'"),
        ("ttl = [\"a\" \"b\"]", "expected ',' or ']'"),
        ("ttl = \"5m\" extra", "unexpected 'extra' after the value"),
        ("ttl \"5m\"", "expected '=' after the key 'ttl'"),
        ("= 1", "missing key"),
        ("a.b = 1", "dotted keys are not supported"),
        ("ké = 1", "a bare key may hold only"),
        ("é = 1", "a bare key may hold only"),
        ("[tools..gh]", "missing key"),
        ("[[tools]]", "arrays of tables"),
        ("[tools.gh", "missing ']'"),
        ("[]", "empty table name"),
        ("[tools gh]", "expected '.' or ']'"),
        ("[defaults] x", "unexpected 'x' after the header"),
        ("[defaults]", "table [defaults] is defined twice (first on line 2)"),
        ("ttl = \"1m\"\nttl = \"2m\"", "duplicate key 'ttl' (first on line 3)"),
        // Schema.
        ("ttll = \"5m\"", "unknown key 'ttll' in [defaults]"),
        ("ttl = \"5x\"", "bad duration '5x'"),
        ("ttl = \"3651d\"", "'ttl' in [defaults] must be between 0 and 3650d, not 3651d"),
        ("ttl = \"106751991167d\"", "must be between 0 and 3650d, not 106751991167d"),
        ("[tools.gh.ttl]\n\"*\" = \"9223372036854775807s\"", "'*' in [tools.gh.ttl] must be between 0 and 3650d"),
        ("[tools.gh.stale]\n\"pr list\" = \"3651d\"", "'pr list' in [tools.gh.stale] must be between 0 and 3650d"),
        ("[tools.gh]\nretries = 11", "'retries' in [tools.gh] must be between 0 and 10, not 11"),
        ("ttl = 5", "'ttl' in [defaults] must be a duration string such as \"10m\", not an integer"),
        ("retries = \"2\"", "must be an integer, not a string"),
        ("retries = 11", "between 0 and 10, not 11"),
        ("retries = -1", "between 0 and 10, not -1"),
        // A name that is not built in defines a tool, which must list what to do (a typo of a
        // built-in name would otherwise pass silently); see ConfigDefinedToolTests.
        ("[tools.foo]", "[tools.foo] defines no operations: 'foo' is not a built-in tool"),
        ("[tools.foo.ttl]", "[tools.foo] defines no operations"),
        ("[tools.\"a/b\"]", "[tools.\"a/b\"]: 'a/b' is not a command name"),
        ("[tools.ls]", "'ls' is a cachewrap command"),
        ("[tools.gh]\nmutating = [\"pr list\"]", "'mutating' in [tools.gh] is for tools defined in the config"),
        ("[tools.gh]\nfail_if = [\"x\"]", "'fail_if' in [tools.gh] is for tools defined in the config"),
        ("[tools.mine]\ncacheable = [\"ls\"]\nvalue_flags = [\"region\"]", "'region' in 'value_flags' is not a flag"),
        ("[tools.mine]\ncacheable = [\"ls\"]\ntransient = [\"\"]", "'' in 'transient' is empty"),
        ("[tools.mine]\nmutating = [\"rm --force\"]", "'rm --force' in 'mutating' is not an operation"),
        ("[tools.mine]\ninteractive = [\"x\"]\nwatch = true", "unknown key 'watch' in [tools.mine]: expected disabled, retries, env, cacheable, mutating"),
        ("[tool.gh]", "unknown section [tool.gh]"),
        ("[tools.gh.ttls]", "unknown section [tools.gh.ttls]"),
        ("[tools]\ngh = 1", "unknown key 'gh' in [tools]"),
        ("[tools.gh]\ndisabled = \"yes\"", "'disabled' in [tools.gh] must be a boolean, not a string"),
        ("[tools.gh]\nenv = \"X\"", "must be an array of strings, not a string"),
        ("[tools.gh]\nenv = [\"1X\"]", "'1X' in 'env' is not an environment variable name"),
        ("[tools.gh]\ncacheable = [\"pr --web\"]", "'pr --web' in 'cacheable' is not an operation"),
        ("[tools.gh]\ncacheable = [\"*\"]", "'*' in 'cacheable' is not an operation"),
        ("[tools.gh]\nttl = \"5m\"", "per-operation TTLs go in [tools.gh.ttl]"),
        ("[tools.gh]\nretry = 1", "unknown key 'retry' in [tools.gh]"),
        ("[tools.gh.ttl]\n\"pr list\" = 5", "must be a duration string"),
        ("[tools.gh.ttl]\n\"pr *\" = \"5m\"", "'pr *' is not an operation"),
    ])
    func errorsNameTheirLine(bad: String, message: String) throws {
        let (config, issues) = UserConfig.parse("# settings\n[defaults]\n" + bad + "\n")
        let issue = try #require(issues.first, "no error for \(bad)")
        #expect(issues.count == 1, "\(issues)")
        #expect(issue.line == 2 + bad.split(separator: "\n").count, "\(bad)")
        #expect(issue.message.contains(message), "\(issue.message)")
        #expect(config == UserConfig(), "a config with errors applies nothing")
    }

    @Test func aSettingOutsideASectionIsAnError() {
        let (_, issues) = UserConfig.parse("ttl = \"5m\"\n")
        #expect(issues == [ConfigIssue(line: 1, "'ttl' must be under a section: [defaults] or [tools.NAME]")])
    }

    @Test func invalidUTF8NamesItsLine() {
        let (_, issues) = UserConfig.parse([UInt8]("[defaults]\n".utf8) + [0x23, 0xFF, 0x0A])
        #expect(issues == [ConfigIssue(line: 2, "not valid UTF-8")])
    }

    /// All problems at once, in line order, and keys under a bad header are not reported again.
    @Test func everyErrorIsReportedInLineOrder() {
        let (_, issues) = UserConfig.parse("""
            [defaults]
            retries = "x"
            [tools."no/pe"]
            retries = "also ignored"
            [tools.gh]
            env = ["ok", "not ok"]
            bad line
            """)
        #expect(issues.map(\.line) == [2, 3, 6, 7])
        #expect(issues[0].located(in: "/c/config.toml").hasPrefix("/c/config.toml:2: 'retries' in [defaults]"))
    }
}
