/// vastai rules (DESIGN.md section 6). Placeholder: everything passes through until written.
public enum VastaiPolicy {
    public static var spec: PolicySpec {
        PolicySpec(tool: "vastai", rules: [])
    }
}
