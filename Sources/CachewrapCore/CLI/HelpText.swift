/// cachewrap's usage text, in one place so `--help`, the README and the man page can agree. Each
/// management command's synopsis is written once, in `commands`: the overview, the command's
/// own `--help` and its usage errors all print that one.
enum HelpText {
    /// One management command's help: what `cachewrap CMD --help` prints, and its overview line.
    struct Command {
        /// The command line after `cachewrap `, the command's name first.
        let synopsis: String
        /// What it does, in the overview's words (lines of at most 52 characters).
        let summary: [String]
        /// What its own help adds: options and notes, one per line.
        let details: [String]

        init(_ synopsis: String, _ summary: String, _ details: [String] = []) {
            self.synopsis = synopsis
            self.summary = summary.split(separator: "\n").map(String.init)
            self.details = details
        }

        var name: String { String(synopsis.prefix { $0 != " " }) }

        /// `usage: cachewrap ...`, also the text of its usage errors.
        var usage: String { "usage: cachewrap \(synopsis)" }

        var text: String {
            ([usage, ""] + summary + (details.isEmpty ? [] : [""] + details)).joined(separator: "\n") + "\n"
        }
    }

    static let commands: [Command] = [
        Command("stats [--json] [--tool T] [--since DUR] [--advice]", "what the cache saved", [
            "  --json       the counters as one JSON object (a contract: its shape never changes)",
            "  --tool T     only tool T",
            "  --since DUR  only the last DUR (1h, 24h, 7d; at most \(UserNumbers.statsWindow.limits.high)), in whole hours:",
            "               every hour it overlaps, the current one so far",
            "  --advice     TTLs worth changing, as config lines with their evidence (--json: an array)",
            "A cache you cannot write is read as it is; a missing one is empty (nothing is created).",
        ]),
        Command("ls [--tool T] [--json]", "list entries, newest first", [
            "  --tool T    only tool T's entries",
            "  --json      one JSON object per entry",
        ]),
        Command("show CID-PREFIX [--stdout|--stderr|--json]", "one entry: a summary, its raw output, or JSON", [
            "  CID-PREFIX  enough of a CID (see 'cachewrap ls') to match one entry; exit 1 when none or several do",
            "  --stdout    only the stored stdout bytes; --stderr: only stderr; --json: the entry as JSON",
        ]),
        Command("rm CID-PREFIX... | --tool T [--op OP] | --expired", "remove entries", [
            "  CID-PREFIX...         these entries",
            "  --tool T [--op OP]    every entry of tool T, or of its operation OP (e.g. --op \"pr list\")",
            "  --expired             every expired entry",
        ]),
        Command("clear", "remove every entry (the counters stay)",
                ["The counters are history, not cache: 'cachewrap stats' still shows what was saved."]),
        Command("gc [--max-size SIZE]", "drop old entries, evict LRU to fit SIZE (default \(ByteSize.exact(GCCommand.defaultMaxBytes)))",
                [
            "Drops entries expired for longer than the stale-if-error window (24h), then evicts the",
            "least recently used until the outputs fit.",
            "  --max-size SIZE    bytes with K, M, G or T (powers of 1024), 0 to \(UserNumbers.storeSize.limits.high)",
        ]),
        Command("key [--json] TOOL [ARGS...]", "print the key document and its CID; runs nothing", [
            "  --json    cid, document, cacheable, class and ttl_seconds as one JSON object",
            "TOOL may be '-- COMMAND'; wrapper options (--ttl, --env ...) go before it, as for a call.",
        ]),
        Command("explain TOOL [ARGS...]", "the policy's decision and why, the key, hit or miss", [
            "Runs nothing and changes nothing: the cache is only read. TOOL may be '-- COMMAND'.",
        ]),
        Command("config [--path | --tools]", "the config file and the effective per-tool settings", [
            "  --path    only the path of the file cachewrap reads",
            "  --tools   only the tools with a policy, built in or defined in the file",
            "A bad file: every problem as PATH:LINE: message on stderr, exit 78.",
        ]),
        Command("init bash|zsh|fish [--shims [--dir DIR]]",
                "shell code to eval: aliases for the installed tools,\nor shims first on PATH (scripts, CI, agents)", [
            "  --shims      link the tools in a shim directory and put it first on PATH",
            "  --dir DIR    that directory (default as for 'cachewrap shims')",
            "e.g. eval \"$(cachewrap init bash)\" in ~/.bashrc; fish: cachewrap init fish | source",
        ]),
        Command("shims [DIR]", "link gh, hf, ... to cachewrap in DIR (default\n$XDG_DATA_HOME/cachewrap/shims or ~/.local/share/...)",
                ["Only links that point at a cachewrap are ever replaced or removed."]),
        Command("doctor", "check the setup, OK/WARN/FAIL with fixes; exit 1 on FAIL", ["It only looks: it creates and changes nothing."]),
    ]

    static func command(_ name: String) -> Command? { commands.first { $0.name == name } }

    /// Whether `args` (after the command's name) ask for its help: `--help` or `-h` anywhere for a
    /// command whose arguments are all its own; for `key` and `explain` only before the tool,
    /// since after it they are the tool's (`cachewrap explain gh --help` explains `gh --help`).
    static func isRequest(_ args: [String], for name: String) -> Bool {
        let own = name == "key" || name == "explain" ? args.prefix { $0.hasPrefix("-") && $0 != "--" } : args[...]
        return own.contains { $0 == "--help" || $0 == "-h" }
    }

    /// Management lines for the overview: each summary starts in the column after the longest
    /// synopsis that fits, or on its own line below a longer one.
    private static var commandLines: String {
        let column = 32, indent = String(repeating: " ", count: 12 + column)
        return commands.map { command in
            var lines = ["  cachewrap " + command.synopsis]
            var summary = command.summary[...]
            if command.synopsis.count < column, let first = summary.popFirst() {
                lines[0] += String(repeating: " ", count: column - command.synopsis.count) + first
            }
            return (lines + summary.map { indent + $0 }).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    static let usage = """
        cachewrap \(Cachewrap.version): cache and retry gh, hf, vastai, claude and friends

        Usage:
          cachewrap [OPTIONS] TOOL [ARGS...]        wrap a known tool (gh, hf, huggingface-cli, vastai,
                                                    code, claude, gemini, groq, copilot, codex,
                                                    docker, kubectl, or one the config file defines)
          cachewrap [OPTIONS] -- COMMAND [ARGS...]  cache any command (exit 0 results)
        \(commandLines)
          (and every command answers --help with its own usage)

        Options (before TOOL):
          --ttl DUR        keep results fresh for DUR (30s, 10m, 2h, 7d; up to 3650d), not the policy's TTL
          --refresh        run the tool and store the new result
          --no-cache       run the tool; no lookup, no store
          --offline        replay from the cache only (even expired); never run the tool
          --env NAME       with --: also key on environment variable NAME
          --quiet          no notices or warnings
          --status         one line on stderr: how the call ended (hit, miss, ...); even with --quiet
          --revalidate     ask the server whether a fresh answer changed (gh api ETags)
          --no-revalidate  fetch an expired answer in full; no conditional request
          --retries N (0 to 10), --stale DUR, --stale-if-error DUR

        Environment:
          CACHEWRAP_DIR        cache directory (default $XDG_CACHE_HOME/cachewrap or ~/.cache/cachewrap)
          CACHEWRAP_CONFIG     config file (default $XDG_CONFIG_HOME/cachewrap/config.toml)
          CACHEWRAP_DISABLE    1 = pure pass-through
          CACHEWRAP_MAX_ENTRY  largest output stored (default 64M); larger ones are shown, not stored
          CACHEWRAP_TTL        default TTL        CACHEWRAP_QUIET  1 = like --quiet
          CACHEWRAP_STATUS     1 = like --status
          CACHEWRAP_LOG        append one JSON line per call to this file (docs/event-log.md)

        Exit codes: the tool's own; 64 usage (a number out of range too); 69 --offline and nothing
        cached; 78 bad config (cachewrap config); 126 not executable; 127 not found.

        """
}
