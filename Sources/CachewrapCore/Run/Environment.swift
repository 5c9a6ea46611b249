import Glibc

/// Reads the process environment lazily with getenv: the hit path looks up a handful of names
/// and should not copy the whole environment into a dictionary.
public enum Environment {
    public static func get(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }

    /// True for "1", "true", "yes" (any case): how CACHEWRAP_DISABLE and friends are switched on.
    public static func flag(_ name: String) -> Bool {
        guard let v = get(name)?.lowercased() else { return false }
        return v == "1" || v == "true" || v == "yes"
    }

    /// Sets variables for the tools cachewrap starts from now on (they inherit its environment).
    static func set(_ variables: [String: String]) {
        for (name, value) in variables { setenv(name, value, 1) }
    }
}
