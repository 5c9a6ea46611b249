/// huggingface-cli rules (DESIGN.md section 6). Placeholder: everything passes through until written.
public enum HuggingFaceCLIPolicy {
    public static var spec: PolicySpec {
        PolicySpec(tool: "huggingface-cli", rules: [])
    }
}
