import Foundation
import Testing

@testable import CachewrapCore

/// Guards what the agents' tables cannot show: what a call reads besides its argv, all of it
/// from the invocation. Stdin that carries a prompt, the variable that grants every tool, and
/// the settings files (in the home, the project, or given with `--settings`) that may let an
/// agent write.
@Suite struct LLMInvocationTests {
    /// `claude -p` with no prompt word is a prompt only when stdin carries one (a pipe, not a
    /// terminal); gemini's prompt is `-p`'s value, and an empty one is none.
    @Test func promptFromStdinAlone() {
        let claude = LLMPolicyTests.isolated(ClaudePolicy.agent), gemini = LLMPolicyTests.isolated(GeminiPolicy.agent)
        let bare = ["-p", "--model", "opus"], empty = ["-p", ""]
        PolicyCase.cache(bare, "prompt", .prompt).check(claude, in: Invocation(bare, stdin: .data))
        PolicyCase.never(.passthrough, bare, "prompt").check(claude, in: Invocation(bare, stdin: .terminal))
        PolicyCase.never(.passthrough, bare, "prompt").check(claude, in: Invocation(bare, stdin: .nothing))
        PolicyCase.cache(["-p", "q"], "prompt", .prompt).check(gemini, in: Invocation(["-p", "q"], stdin: .nothing))
        PolicyCase.never(.passthrough, empty, "prompt").check(gemini, in: Invocation(empty, stdin: .nothing))
        PolicyCase.cache(empty, "prompt", .prompt).check(gemini, in: Invocation(empty, stdin: .data))
    }

    /// COPILOT_ALLOW_ALL grants every tool, as `--allow-all-tools` does; set but empty it grants nothing.
    @Test func copilotAllowAllVariableMakesCallsMutating() {
        let copilot = LLMPolicyTests.isolated(CopilotPolicy.agent)
        #expect(copilot.decide(["-p", "q"], environment: ["COPILOT_ALLOW_ALL": "1"]).commandClass == .mutating)
        #expect(copilot.decide(["-i", "fix it"], environment: ["COPILOT_ALLOW_ALL": "true"]).commandClass == .mutating)
        #expect(copilot.decide(["-p", "q"], environment: ["COPILOT_ALLOW_ALL": ""]).commandClass == .cacheable(.prompt))
    }

    /// Relative settings paths (the project's `.claude/settings.json`, `--settings FILE`) are read
    /// from the invocation's working directory, not from the test process's.
    @Test func relativeSettingsAreReadFromTheWorkingDirectory() throws {
        let dir = NSTemporaryDirectory() + "cachewrap-llm-project-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/.claude", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let grant = Data(#"{"permissions": {"allow": ["Edit"]}}"#.utf8)
        #expect(FileManager.default.createFile(atPath: dir + "/.claude/settings.json", contents: grant))
        #expect(FileManager.default.createFile(atPath: dir + "/s.json", contents: grant))
        var agent = ClaudePolicy.agent
        agent.settingsFiles = { invocation in ClaudePolicy.settingsFiles(invocation).filter { !$0.hasPrefix("/etc/") } }
        PolicyCase.never(.mutating, ["-p", "q"]).check(agent.spec, in: Invocation(["-p", "q"], workingDirectory: dir))
        PolicyCase.cache(["-p", "q"], "prompt", .prompt).check(agent.spec, in: Invocation(["-p", "q"]))
        let inline = ["-p", "q", "--settings", "s.json"]
        PolicyCase.never(.mutating, inline).check(LLMPolicyTests.isolated(ClaudePolicy.agent), in: Invocation(inline, workingDirectory: dir))
        PolicyCase.cache(inline, "prompt", .prompt).check(LLMPolicyTests.isolated(ClaudePolicy.agent))
    }

    @Test(arguments: [
        ("claude", #"{"permissions": {"allow": ["Read", "Bash(npm test:*)"]}}"#, CommandClass.mutating),
        ("claude", #"{"permissions":{"allow":[ "Edit" ],"deny":[]}}"#, .mutating),
        ("claude", #"{"permissions": {"defaultMode": "acceptEdits"}}"#, .mutating),
        ("claude", #"{"permissions": {"allow": ["Read", "WebFetch(domain:x.dev)"], "deny": ["Bash", "Edit"]}}"#, .cacheable(.prompt)),
        ("claude", #"{"model": "opus"}"#, .cacheable(.prompt)),
        ("gemini", #"{"tools": {"allowed": ["run_shell_command(git status)"]}}"#, .mutating),
        ("gemini", #"{"general": {"defaultApprovalMode": "auto_edit"}}"#, .mutating),
        ("gemini", #"{"tools": {"allowed": ["read_file"]}, "general": {"defaultApprovalMode": "plan"}}"#, .cacheable(.prompt)),
    ])
    func settingsFilesCanGrantWrites(tool: String, json: String, expected: CommandClass) throws {
        let path = NSTemporaryDirectory() + "cachewrap-llm-settings-\(UUID().uuidString).json"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(json.utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var agent = tool == "claude" ? ClaudePolicy.agent : GeminiPolicy.agent
        agent.settingsFiles = { _ in [path] }
        #expect(agent.spec.decide(["-p", "q"]).commandClass == expected, "\(json)")
        #expect(agent.spec.decide(["--version"]).commandClass == .cacheable(.static), "settings only matter for prompts")
    }

    @Test func claudeInlineSettingsCanGrantWrites() {
        let spec = LLMPolicyTests.isolated(ClaudePolicy.agent)
        #expect(spec.decide(["-p", "q", "--settings", #"{"permissions":{"allow":["Write"]}}"#]).commandClass == .mutating)
        #expect(spec.decide(["-p", "q", "--settings", #"{"permissions":{"allow":["Read"]}}"#]).commandClass == .cacheable(.prompt))
    }

    @Test func allowListScannerReadsEveryArray() {
        let json = Array((#"{"allow" :"# + "\n\t" + #"[ "A(\"x\")", "B" ], "other": 1, "allow": []}"#).utf8)
        #expect(WriteGrants.stringArrays(named: "allow", in: json) == [[#"A(\"x\")"#, "B"], []])
        #expect(WriteGrants.listValues(of: ["--t"], in: ["--t", "a,b c", "d", "--x", "e", "--t=f"]) == ["a", "b", "c", "d", "f"])
    }
}
