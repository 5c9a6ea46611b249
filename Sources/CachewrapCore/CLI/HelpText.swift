/// cachewrap's usage text, in one place so `--help`, the README and the man page can agree.
enum HelpText {
    static let usage = """
        cachewrap \(Cachewrap.version): cache and retry gh, hf, vastai, claude and friends

        Usage:
          cachewrap [OPTIONS] TOOL [ARGS...]        wrap a known tool (gh, hf, huggingface-cli, vastai,
                                                    code, claude, gemini, groq, copilot)
          cachewrap [OPTIONS] -- COMMAND [ARGS...]  cache any command (exit 0 results)
          cachewrap stats [--json] [--tool T]       what the cache saved
          cachewrap ls [--tool T] [--json]          list entries
          cachewrap show CID-PREFIX [--stdout|--stderr|--json]
          cachewrap rm CID-PREFIX... | --tool T [--op OP] | --expired
          cachewrap clear                           remove every entry
          cachewrap gc [--max-size SIZE]            drop old entries, evict LRU to fit SIZE (default 1G)
          cachewrap key [--json] TOOL [ARGS...]     print the key document and its CID; runs nothing
          cachewrap explain TOOL [ARGS...]          the policy's decision and why, the key, hit or miss
          cachewrap config [--path]                 the config file and the effective per-tool settings
          cachewrap init bash|zsh|fish [--shims [--dir DIR]]
                                                    shell code to eval: aliases for the installed tools,
                                                    or shims first on PATH (scripts, CI, agents)
          cachewrap shims [DIR]                     link gh, hf, ... to cachewrap in DIR (default
                                                    $XDG_DATA_HOME/cachewrap/shims or ~/.local/share/...)
          cachewrap doctor                          check the setup, OK/WARN/FAIL with fixes; exit 1 on FAIL

        Options (before TOOL):
          --ttl DUR        keep results fresh for DUR (30s, 10m, 2h, 7d) instead of the policy's TTL
          --refresh        run the tool and store the new result
          --no-cache       run the tool; no lookup, no store
          --offline        replay from the cache only (even expired); never run the tool
          --env NAME       with --: also key on environment variable NAME
          --quiet          no notices or warnings
          --retries N, --stale DUR, --stale-if-error DUR

        Environment:
          CACHEWRAP_DIR      cache directory (default $XDG_CACHE_HOME/cachewrap or ~/.cache/cachewrap)
          CACHEWRAP_CONFIG   config file (default $XDG_CONFIG_HOME/cachewrap/config.toml)
          CACHEWRAP_DISABLE  1 = pure pass-through
          CACHEWRAP_TTL      default TTL      CACHEWRAP_QUIET  1 = like --quiet

        Exit codes: the tool's own; 64 usage; 69 --offline and nothing cached; 78 bad config
        (cachewrap config); 126 not executable; 127 not found.

        """
}
