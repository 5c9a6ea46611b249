/// Secrets never enter the key or the store in plain text: they are replaced by a
/// domain-separated SHA-256 digest, which still tells two tokens apart.
public enum Secret {
    /// `sha256:` + hex of SHA-256("cachewrap/v1/secret" NUL name NUL value). The name joins the
    /// digest so the same value under two names does not look alike.
    public static func digest(name: String, value: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(Array("cachewrap/v1/secret\u{0}\(name)\u{0}".utf8))
        hasher.update(value)
        return "sha256:" + Hex.encode(hasher.finalize())
    }

    /// Environment names that carry credentials by convention (GH_TOKEN, VAST_API_KEY,
    /// ..._PASSWORD, GOOGLE_APPLICATION_CREDENTIALS).
    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["TOKEN", "KEY", "SECRET", "PASSWORD", "CREDENTIAL", "AUTH"].contains { upper.contains($0) }
    }
}
