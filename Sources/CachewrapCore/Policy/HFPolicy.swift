/// hf rules (DESIGN.md section 6). Placeholder: everything passes through until written.
public enum HFPolicy {
    public static var spec: PolicySpec {
        PolicySpec(tool: "hf", rules: [])
    }
}
