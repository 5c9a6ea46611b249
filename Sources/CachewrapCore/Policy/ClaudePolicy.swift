/// claude rules (DESIGN.md section 6). Placeholder: everything passes through until written.
public enum ClaudePolicy {
    public static var spec: PolicySpec {
        PolicySpec(tool: "claude", rules: [])
    }
}
