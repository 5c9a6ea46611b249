/// groq rules (DESIGN.md section 6). Placeholder: everything passes through until written.
public enum GroqPolicy {
    public static var spec: PolicySpec {
        PolicySpec(tool: "groq", rules: [])
    }
}
