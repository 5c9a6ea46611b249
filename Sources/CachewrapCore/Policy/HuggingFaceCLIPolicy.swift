/// Legacy huggingface-cli rules (huggingface_hub < 1.0, docs/architecture.md, Policies). Same library as
/// hf (see `HuggingFaceHub`), older syntax: mostly single-word commands (`whoami`, `scan-cache`,
/// `tag REPO -l`), HTTP errors printed on stdout, and `whoami` that answers `Not logged in` with
/// exit 0, which must never be stored.
///
/// Observed from huggingface_hub 0.36 against a fake Hub: every command first prints a yellow
/// `Warning: 'huggingface-cli X' is deprecated. Use 'hf ...' instead.` on stdout; `whoami` then
/// prints the user name (one `GET /api/whoami-v2`), or `Not logged in` without any request;
/// an HTTP error prints `503 Server Error: Service Unavailable for url: ...` or `429 Client
/// Error: Too Many Requests ...` and the JSON body on stdout, with exit 1.
public enum HuggingFaceCLIPolicy {
    /// Commands that take no subcommand, so the operation is their first word alone (`tag REPO`
    /// is the operation `tag`, not `tag REPO`); only `auth` and `repo` have subcommands.
    static let singleWordCommands: Set<String> = [
        "download", "upload", "upload-large-folder", "repo-files", "env", "version", "login", "logout", "whoami",
        "scan-cache", "delete-cache", "tag", "lfs-enable-largefiles", "lfs-multipart-upload",
    ]

    /// `tag REPO TAG -d`: deletes (and asks first without `-y`), even when `-l` is given too.
    static let deletesTag = Condition.all([.operation(["tag"]), .flag(["-d", "--delete"])])

    static let rules: [Rule] = [
        Rule(.option(["--help", "-h"]), .cacheable(.static), "help text is static", operation: "help"),
        Rule(.operation(["version", "env"]), .cacheable(.static), "describes the installation"),
        Rule(.any([.all([.operation(["login"]), .not(.flag(["--token"]))]),
                   .all([.operation(["auth switch"]), .not(.flag(["--token-name"]))]),
                   .operation(["delete-cache"]),
                   .all([deletesTag, .not(.flag(["-y", "--yes"]))])]),
             .interactive, "asks for a token, a choice or a confirmation", invalidates: true),
        Rule(.operation(["download"]), .uncached,
             "writes files: retried on transient failures, never stored; `scan-cache` may change", invalidates: true),
        // `tag` lists with -l (the library checks --list first), else creates or deletes.
        Rule(.all([.operation(["tag"]), .option(["-l", "--list"]), .not(deletesTag)]), .cacheable(.metadata),
             "a repository's tags", operation: "tag list"),
        Rule(.operation(["login", "logout", "upload", "upload-large-folder", "repo-files", "repo *", "tag", "auth switch",
                         "lfs-enable-largefiles", "lfs-multipart-upload"]),
             .mutating, "changes the Hub or the saved login"),
        Rule(.operation(["whoami", "auth list"]), .cacheable(.identity), "who is logged in"),
        Rule(.operation(["scan-cache"]), .cacheable(.live), "the local download cache"),
    ]

    public static var spec: PolicySpec {
        var spec = PolicySpec(tool: "huggingface-cli", rules: rules)
        spec.singleWordGroups = singleWordCommands
        // The legacy CLI prints HTTP errors (`503 Server Error: ...`) on stdout.
        HuggingFaceHub.apply(to: &spec, errorsOn: .either)
        // `whoami` without a token prints `Not logged in` and exits 0 (on stdout in 0.36; either
        // stream, in case an older release used stderr).
        spec.failureMarkers = [OutputCheck(.either, "Not logged in")]
        // `scan-cache --dir cache` names a directory relative to the working directory.
        spec.context = { shape, _ in shape.operation == "scan-cache" ? .cwd : .none }
        spec.scope = HubScope.hf
        return spec
    }
}
