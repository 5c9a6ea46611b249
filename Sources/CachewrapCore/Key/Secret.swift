/// Secrets never enter the key or the store in plain text: they are replaced by a
/// domain-separated, salted SHA-256 digest, which still tells two tokens apart within one cache
/// (or one team namespace) but cannot be checked against guesses without the salt.
public enum Secret {
    /// `sha256:` + hex of SHA-256("cachewrap/v1/secret" NUL salt NUL name NUL value). The salt
    /// (`Salt`, fixed length) comes first so nothing about the value can be precomputed; the name
    /// joins the digest so the same value under two names does not look alike.
    public static func digest(name: String, value: [UInt8], salt: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(Array("cachewrap/v1/secret\u{0}".utf8))
        hasher.update(salt)
        hasher.update(Array("\u{0}\(name)\u{0}".utf8))
        hasher.update(value)
        return "sha256:" + Hex.encode(hasher.finalize())
    }

    /// Environment names that carry credentials by convention (GH_TOKEN, VAST_API_KEY,
    /// ..._PASSWORD, GOOGLE_APPLICATION_CREDENTIALS): the redaction table's secret names.
    public static func isSecretName(_ name: String) -> Bool {
        RedactionTable.standard.isSecretName(name)
    }
}
