/// gemini rules (DESIGN.md section 6). Placeholder: everything passes through until written.
public enum GeminiPolicy {
    public static var spec: PolicySpec {
        PolicySpec(tool: "gemini", rules: [])
    }
}
