/// copilot rules (DESIGN.md section 6). Placeholder: everything passes through until written.
public enum CopilotPolicy {
    public static var spec: PolicySpec {
        PolicySpec(tool: "copilot", rules: [])
    }
}
