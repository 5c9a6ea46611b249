/// code rules (DESIGN.md section 6). Placeholder: everything passes through until written.
public enum CodePolicy {
    public static var spec: PolicySpec {
        PolicySpec(tool: "code", rules: [])
    }
}
