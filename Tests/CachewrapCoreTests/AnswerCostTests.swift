import Testing

@testable import CachewrapCore

/// Guards what an LLM answer is read to have cost (Policy/AnswerCost.swift): claude's result
/// object (price and four token counts), gemini's stats (tokens of every model), each also as
/// the last line of a stream of JSON lines, and nothing at all for anything else.
@Suite struct AnswerCostTests {
    static func stdout(_ text: String, stderr: String = "") -> Transcript {
        var t = Transcript()
        t.append(stream: 1, Array(text.utf8))
        if !stderr.isEmpty { t.append(stream: 2, Array(stderr.utf8)) }
        return t
    }

    static func claude(_ text: String) -> AnswerCost? { AnswerCost.claude(stdout(text)) }
    static func gemini(_ text: String) -> AnswerCost? { AnswerCost.gemini(stdout(text)) }

    @Test func claudeResultObject() {
        #expect(Self.claude(#"{"type":"result","total_cost_usd":0.05,"usage":{"input_tokens":100,"output_tokens":20}}"# + "\n")
                == AnswerCost(micros: 50_000, tokens: 120))
        let full = #"""
            {"type":"result","subtype":"success","is_error":false,"result":"Hi! \"quoted\" {not: json}",
             "total_cost_usd":0.0123456,"usage":{"input_tokens":3,"cache_creation_input_tokens":1000,
             "cache_read_input_tokens":20000,"output_tokens":45,"server_tool_use":{"web_search_requests":0}}}
            """#
        #expect(Self.claude(full) == AnswerCost(micros: 12_346, tokens: 21_048), "rounded to a micro-dollar; four counts")
        #expect(Self.claude(#"{"type":"result","total_cost_usd":1e-2}"#) == AnswerCost(micros: 10_000, tokens: 0))
        #expect(Self.claude(#"{"type":"result","usage":{"output_tokens":7}}"#) == AnswerCost(micros: 0, tokens: 7))
    }

    @Test func claudeStreamJSONLastLine() {
        let stream = """
            {"type":"system","subtype":"init","session_id":"s"}
            {"type":"assistant","message":{"content":[{"type":"text","text":"hi"}]}}
            {"type":"result","total_cost_usd":0.25,"usage":{"input_tokens":10,"output_tokens":5}}

            """
        #expect(Self.claude(stream) == AnswerCost(micros: 250_000, tokens: 15))
        #expect(Self.claude(stream + "  \n\n") == AnswerCost(micros: 250_000, tokens: 15), "blank lines after it")
        let unfinished = "{\"type\":\"system\"}\n{\"type\":\"result\",\"total_cost_usd\":0.25"
        #expect(Self.claude(unfinished) == nil, "a cut-off last line")
    }

    @Test func geminiStats() {
        let pretty = """
            {
              "session_id": "abc",
              "response": "Hello",
              "stats": {
                "models": {
                  "gemini-2.5-pro": {"api": {"totalRequests": 1}, "tokens": {"prompt": 90, "candidates": 10, "total": 100}},
                  "gemini-2.5-flash-lite": {"tokens": {"prompt": 8, "candidates": 2, "total": 12, "cached": 0}}
                },
                "tools": {"totalCalls": 0}
              }
            }

            """
        #expect(Self.gemini(pretty) == AnswerCost(micros: 0, tokens: 112))
        let stream = """
            {"type":"init","session_id":"s","model":"gemini-2.5-pro"}
            {"type":"message","role":"assistant","content":"Hello","delta":true}
            {"type":"result","status":"success","stats":{"total_tokens":1500,"input_tokens":1000,"output_tokens":200}}
            """
        #expect(Self.gemini(stream) == AnswerCost(micros: 0, tokens: 1500))
        let twice = #"{"response": "r", "stats": {"models": {"M": {"tokens": {"total": 5}}, "m": {"tokens": {"total": 9}}}}}"#
        #expect(Self.gemini(twice) == AnswerCost(micros: 0, tokens: 9), "one model, two spellings: the last wins, once")
    }

    /// Text answers, other tools' JSON, broken JSON and numbers that are no price or count.
    @Test(arguments: [
        "", "Hello, world\n", "{}", "[]", "null", #"{"type":"assistant","total_cost_usd":0.05}"#,
        #"{"type":"result"}"#, #"{"type":"result","total_cost_usd":"0.05"}"#, #"{"type":"result","total_cost_usd":-1}"#,
        #"{"type":"result","total_cost_usd":1e300}"#, #"{"type":"result","total_cost_usd":0.05"#,
        #"{"type":"result","total_cost_usd":0.05} trailing"#, #"{"type":"result","usage":{"input_tokens":1.5}}"#,
        #"{"response":"r"}"#, #"{"response":"r","stats":{"models":{}}}"#, #"{"response":1,"stats":{"models":{"m":{"tokens":{"total":3}}}}}"#,
        #"{"response":"r","stats":{"models":{"m":{"tokens":{"total":-3}}}}}"#, "{\"type\":\"result\"}\ngarbage",
        String(repeating: "[", count: 10_000),
    ])
    func garbageCostsNothing(_ text: String) {
        #expect(Self.claude(text) == nil && Self.gemini(text) == nil, "\(text.prefix(60))")
    }

    /// Only stdout is the answer: the same object on stderr is no price.
    @Test func stderrIsNotRead() {
        let object = #"{"type":"result","total_cost_usd":0.05}"#
        #expect(AnswerCost.claude(Self.stdout("plain text\n", stderr: object)) == nil)
    }

    @Test func thePoliciesReadTheirOwnFormat() throws {
        let claude = try #require(ClaudePolicy.spec.answerCost), gemini = try #require(GeminiPolicy.spec.answerCost)
        let claudeAnswer = Self.stdout(#"{"type":"result","total_cost_usd":0.05}"#)
        #expect(claude(claudeAnswer) == AnswerCost(micros: 50_000, tokens: 0) && gemini(claudeAnswer) == nil)
        #expect(GhPolicy.spec.answerCost == nil && CopilotPolicy.spec.answerCost == nil)
        #expect(GhPolicy.spec.hourlyLimit == HourlyLimit(requests: 5000, name: "REST"))
        #expect(ClaudePolicy.spec.hourlyLimit == nil)
    }
}

/// The number and member lookups `AnswerCost` reads with (the string lookup is docker's:
/// JSONLookupTests in DockerScopeTests.swift).
@Suite struct JSONLookupNumberTests {
    static let doc = Array(#"{"a": {"n": -2.5e3, "s": "x", "o": {"k1": 1, "K2": [2]}}, "z": 0}"#.utf8)

    @Test func numbersAsWritten() {
        #expect(JSONLookup.number(at: ["a", "n"], in: Self.doc) == .number("-2.5e3"))
        #expect(JSONLookup.number(at: ["z"], in: Self.doc) == .number("0"))
        #expect(JSONLookup.number(at: ["a", "s"], in: Self.doc) == .unreadable, "a string where a number should be")
        #expect(JSONLookup.number(at: ["a", "missing"], in: Self.doc) == .absent)
        #expect(JSONLookup.string(at: ["a", "n"], in: Self.doc) == .unreadable)
    }

    @Test func membersInOrder() {
        #expect(JSONLookup.members(at: ["a", "o"], in: Self.doc) == .members(["k1", "K2"]))
        #expect(JSONLookup.members(at: [], in: Self.doc) == .members(["a", "z"]))
        #expect(JSONLookup.members(at: ["a", "n"], in: Self.doc) == .unreadable)
        #expect(JSONLookup.members(at: ["a"], in: Array(#"{"a": {}}"#.utf8)) == .members([]))
        #expect(JSONLookup.members(at: ["a"], in: Array(#"{"a": {"k": 1}"#.utf8)) == .unreadable, "not JSON")
    }
}
