import Foundation
import Testing

/// What replayed LLM answers saved, in dollars and tokens, through the built binary with fake
/// `claude` and `gemini` scripts that print their tools' JSON: the price and tokens are read when
/// the answer is stored (Policy/AnswerCost.swift) and counted once per replay when the hits are
/// folded, in `stats --json` (`cost_saved_usd`, `tokens_saved`) and in the report (`$0.15`).
@Suite struct AnswerCostWrapTests {
    static let claudeJSON = #"{"type":"result","total_cost_usd":0.05,"usage":{"input_tokens":100,"output_tokens":20}}"#

    /// Runs `args` four times: one run, three replays.
    static func runFourTimes(_ args: [String], _ sb: TestSandbox, tool: String) throws {
        for _ in 0..<4 {
            let result = try cachewrap(args, env: sb.baseEnv(), cwd: sb.home)
            #expect(result.status == 0, "\(result.stderrText)")
        }
        #expect(sb.counter(tool) == 1, "one run, three replays")
    }

    static func stats(_ sb: TestSandbox) throws -> [String: Any] {
        let result = try cachewrap(["stats", "--json"], env: sb.baseEnv())
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any], "\(result.stdoutText)")
    }

    static func tool(_ doc: [String: Any], _ name: String) -> [String: Any] {
        (doc["tools"] as? [String: Any])?[name] as? [String: Any] ?? [:]
    }

    @Test func claudeRepliesSaveTheirPrice() throws {
        let sb = try TestSandbox()
        sb.writeTool("claude", script: "printf '%s\\n' '\(Self.claudeJSON)'")
        try Self.runFourTimes(["claude", "-p", "hi", "--output-format", "json"], sb, tool: "claude")
        let doc = try Self.stats(sb)
        #expect(doc["cost_saved_usd"] as? Double == 0.15 && doc["cost_saved_micros"] as? Int == 150_000, "\(doc)")
        #expect(doc["tokens_saved"] as? Int == 360)
        let claude = Self.tool(doc, "claude")
        #expect(claude["cost_saved_usd"] as? Double == 0.15 && claude["tokens_saved"] as? Int == 360, "\(claude)")
        let today = (doc["days"] as? [[String: Any]])?.last
        #expect(today?["cost_saved_usd"] as? Double == 0.15 && today?["tokens_saved"] as? Int == 360, "\(String(describing: today))")

        let report = try cachewrap(["stats"], env: sb.baseEnv()).stdoutText
        #expect(report.contains("  cost saved    $0.15, 360 tokens"), "\(report)")
        #expect(report.contains("  claude          ≥ 3 requests, $0.15, 360 tokens"), "\(report)")
    }

    /// `--output-format stream-json`: the result object is the last of the lines.
    @Test func claudeStreamJSONCountsItsLastLine() throws {
        let sb = try TestSandbox()
        sb.writeTool("claude", script: """
            printf '%s\\n' '{"type":"system","subtype":"init"}' '{"type":"assistant","message":{}}'
            printf '%s\\n' '\(Self.claudeJSON)'
            """)
        try Self.runFourTimes(["claude", "-p", "hi", "--output-format", "stream-json", "--verbose"], sb, tool: "claude")
        let doc = try Self.stats(sb)
        #expect(doc["cost_saved_micros"] as? Int == 150_000 && doc["tokens_saved"] as? Int == 360, "\(doc)")
    }

    @Test func geminiRepliesSaveTheirTokens() throws {
        let sb = try TestSandbox()
        sb.writeTool("gemini", script: """
            cat <<'EOF'
            {
              "response": "hello",
              "stats": {
                "models": {
                  "gemini-2.5-pro": { "tokens": { "prompt": 100, "candidates": 20, "total": 130, "thoughts": 10 } }
                }
              }
            }
            EOF
            """)
        try Self.runFourTimes(["gemini", "-p", "hi", "--output-format", "json"], sb, tool: "gemini")
        let doc = try Self.stats(sb)
        #expect(doc["tokens_saved"] as? Int == 390 && doc["cost_saved_usd"] as? Double == 0, "\(doc)")
        #expect(Self.tool(doc, "gemini")["tokens_saved"] as? Int == 390)
        let report = try cachewrap(["stats"], env: sb.baseEnv()).stdoutText
        #expect(report.contains("  cost saved    390 tokens") && !report.contains("$"), "no price: \(report)")
    }

    /// A plain-text answer is no price, whatever it says.
    @Test func aTextAnswerCostsNothing() throws {
        let sb = try TestSandbox()
        sb.writeTool("claude", script: "echo 'It would cost about $0.05.'")
        try Self.runFourTimes(["claude", "-p", "hi"], sb, tool: "claude")
        let doc = try Self.stats(sb)
        #expect(doc["hits"] as? Int == 3 && doc["cost_saved_micros"] as? Int == 0 && doc["tokens_saved"] as? Int == 0, "\(doc)")
    }
}
