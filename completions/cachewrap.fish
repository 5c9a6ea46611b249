# completions/cachewrap.fish: fish completion for cachewrap.
#
# Completes cachewrap's own subcommands and their options, the wrapper options (--ttl, --refresh,
# ...) and the known tool names; after `cachewrap [OPTIONS] TOOL`, `cachewrap [OPTIONS] --
# COMMAND`, `cachewrap key TOOL` and `cachewrap explain TOOL` it hands over to that command's own
# completion: `complete -C` on the command line with `cachewrap` and its options stripped, as if
# cachewrap were not there.
#
# Installed by install/install.sh as PREFIX/share/fish/vendor_completions.d/cachewrap.fish, which
# fish loads the first time `cachewrap` is completed (for PREFIX=~/.local, /usr/local, /usr;
# install.sh's --shell-init adds other prefixes to $fish_complete_path).

# The words of the command line before the cursor from the subcommand or tool on, cachewrap and
# its wrapper options (with their values) dropped. `--` is kept as the first word when it ends
# the options, so the caller can tell `cachewrap -- CMD` from `cachewrap TOOL`.
function __cachewrap_words
    set -l tokens (commandline -opc)
    set -e tokens[1]
    while set -q tokens[1]
        # (`case --` would not do: fish reads that -- as the end of case's options)
        test "$tokens[1]" = --; and break
        switch $tokens[1]
            case --ttl --retries --stale --stale-if-error --env
                set -e tokens[1]
                set -q tokens[1]; and set -e tokens[1]
            case '--*'
                set -e tokens[1]
            case '*'
                break
        end
    end
    for token in $tokens
        printf '%s\n' $token
    end
end

# True when nothing but wrapper options precede the cursor (the subcommand or tool comes next).
function __cachewrap_at_first
    set -l words (__cachewrap_words)
    not set -q words[1]
end

# True when the cursor is right after `cachewrap` (management commands, --help and --version).
function __cachewrap_at_start
    test (count (commandline -opc)) -eq 1
end

# True when the subcommand is one of the arguments.
function __cachewrap_sub
    set -l words (__cachewrap_words)
    set -q words[1]; and contains -- $words[1] $argv
end

# True when the rest of the line belongs to another command: a tool, `--` CMD, or the tool of
# `key`/`explain` (once it is given).
function __cachewrap_handing_over
    set -l words (__cachewrap_words)
    set -q words[1]; or return 1
    switch $words[1]
        case stats ls show rm clear gc config init doctor shims
            return 1
        case key explain
            set -e words[1]
            while set -q words[1]; and string match -q -- '-*' $words[1]
                set -e words[1]
            end
            set -q words[1]
        case '*'
            return 0
    end
end

# The other command's completions for the line without cachewrap (and without its options,
# `--`, and `key [--json]`/`explain`).
function __cachewrap_complete_other
    set -l words (__cachewrap_words)
    if test "$words[1]" = --
        set -e words[1]
    end
    switch "$words[1]"
        case key explain
            set -e words[1]
            while set -q words[1]; and string match -q -- '-*' $words[1]
                set -e words[1]
            end
    end
    set -l line (string escape -- $words) (commandline -ct)
    complete -C (string join -- ' ' $line)
end

# Runs the cachewrap being completed (same binary, config and cache dir) with $argv.
function __cachewrap_run
    set -l bin (commandline -opc)[1]
    command -q $bin; or return 1
    command $bin $argv 2>/dev/null
end

# The CID prefixes of the cached entries: the first column of `cachewrap ls`.
function __cachewrap_cids
    __cachewrap_run ls | string match -r -- '^[a-z2-7]{8,}' | string match -v CID
end

# The tools the config file defines (`config --tools` lists the built-in ones first).
function __cachewrap_defined_tools
    set -l builtin $argv
    for name in (__cachewrap_run config --tools)
        contains -- $name $builtin; or echo $name\tDefined in the cachewrap config
    end
end

complete -c cachewrap -e
complete -c cachewrap -f

# Wrapper options (before the tool).
set -l first '__cachewrap_at_first'
complete -c cachewrap -n $first -l ttl -x -a '30s 1m 10m 1h 2h 1d 7d' -d 'Keep results fresh for DUR (instead of the policy TTL)'
complete -c cachewrap -n $first -l refresh -d 'Run the tool and store the new result'
complete -c cachewrap -n $first -l no-cache -d 'Run the tool; no lookup, no store'
complete -c cachewrap -n $first -l offline -d 'Replay from the cache only; never run the tool'
complete -c cachewrap -n $first -l retries -x -a '0 1 2 3 5' -d 'Retries on transient failures'
complete -c cachewrap -n $first -l stale -x -a '30s 1m 10m 1h' -d 'Replay a hit older than DUR, refresh in background'
complete -c cachewrap -n $first -l stale-if-error -x -a '1h 6h 1d 7d' -d 'Replay an entry expired less than DUR ago if all attempts fail'
complete -c cachewrap -n $first -l env -x -a '(set -n -x)' -d 'With --: also key on this environment variable'
complete -c cachewrap -n $first -l quiet -d 'No notices or warnings'
complete -c cachewrap -n $first -l status -d 'Say on stderr how the call ended (hit, miss, ...)'
complete -c cachewrap -n $first -l revalidate -d 'Ask the server whether a fresh answer changed (gh api ETags)'
complete -c cachewrap -n $first -l no-revalidate -d 'Fetch an expired answer in full; no conditional request'
complete -c cachewrap -n __cachewrap_at_start -l help -d 'Show usage'
complete -c cachewrap -n __cachewrap_at_start -l version -d 'Show the version'
complete -c cachewrap -n $first -a -- -d 'Wrap any command (generic policy)'

# Subcommands (only right after `cachewrap`: after wrapper options only a tool can come).
complete -c cachewrap -n __cachewrap_at_start -a stats -d 'What the cache saved'
complete -c cachewrap -n __cachewrap_at_start -a ls -d 'List cache entries'
complete -c cachewrap -n __cachewrap_at_start -a show -d 'Print a cached entry'
complete -c cachewrap -n __cachewrap_at_start -a rm -d 'Remove entries'
complete -c cachewrap -n __cachewrap_at_start -a clear -d 'Remove every entry'
complete -c cachewrap -n __cachewrap_at_start -a gc -d 'Drop old entries, evict to fit a size'
complete -c cachewrap -n __cachewrap_at_start -a key -d 'Print the key and CID of a call (runs nothing)'
complete -c cachewrap -n __cachewrap_at_start -a explain -d "The policy's decision for a call, and why"
complete -c cachewrap -n __cachewrap_at_start -a config -d 'The config file and effective settings'
complete -c cachewrap -n __cachewrap_at_start -a init -d 'Shell code to eval: aliases or shims'
complete -c cachewrap -n __cachewrap_at_start -a doctor -d 'Check the setup, with fixes'
complete -c cachewrap -n __cachewrap_at_start -a shims -d 'Link the tools to cachewrap in a directory'

# The tools cachewrap has a policy for.
set -l tools gh 'GitHub CLI' hf 'Hugging Face CLI' huggingface-cli 'Hugging Face CLI (legacy)' \
    vastai 'Vast.ai CLI' code 'VS Code CLI' claude 'Claude Code' gemini 'Gemini CLI' groq 'Groq Code CLI' \
    copilot 'GitHub Copilot CLI' codex 'OpenAI Codex CLI' docker 'Docker CLI' kubectl 'Kubernetes CLI'
for i in (seq 1 2 (count $tools))
    complete -c cachewrap -n $first -a $tools[$i] -d $tools[(math $i + 1)]
    complete -c cachewrap -n '__cachewrap_sub key explain; and not __cachewrap_handing_over' -a $tools[$i] -d $tools[(math $i + 1)]
end
set -l tool_names gh hf huggingface-cli vastai code claude gemini groq copilot codex docker kubectl
complete -c cachewrap -n $first -a "(__cachewrap_defined_tools $tool_names)"
complete -c cachewrap -n '__cachewrap_sub key explain; and not __cachewrap_handing_over' -a "(__cachewrap_defined_tools $tool_names)"

# Per-subcommand options.
complete -c cachewrap -n '__cachewrap_sub stats' -l json -d 'Print the counters as JSON'
complete -c cachewrap -n '__cachewrap_sub stats' -l advice -d 'TTLs worth changing, as config lines'
complete -c cachewrap -n '__cachewrap_sub stats' -l since -x -a '1h 24h 7d 30d 90d' -d 'Only the last DUR, in whole hours'
complete -c cachewrap -n '__cachewrap_sub stats' -l tool -x -a "$tool_names (__cachewrap_defined_tools $tool_names)" -d 'Only this tool'
complete -c cachewrap -n '__cachewrap_sub ls' -l tool -x -a "$tool_names (__cachewrap_defined_tools $tool_names)" -d 'Only entries of this tool'
complete -c cachewrap -n '__cachewrap_sub ls' -l json -d 'Print JSON'
complete -c cachewrap -n '__cachewrap_sub show' -l stdout -d 'Only the stored stdout bytes'
complete -c cachewrap -n '__cachewrap_sub show' -l stderr -d 'Only the stored stderr bytes'
complete -c cachewrap -n '__cachewrap_sub show' -l json -d 'The entry as JSON'
complete -c cachewrap -n '__cachewrap_sub show rm' -a '(__cachewrap_cids)' -d 'Cache entry'
complete -c cachewrap -n '__cachewrap_sub rm' -l tool -x -a "$tool_names (__cachewrap_defined_tools $tool_names)" -d 'Every entry of this tool'
complete -c cachewrap -n '__cachewrap_sub rm' -l op -x -d 'Only this operation, e.g. "pr list" (with --tool)'
complete -c cachewrap -n '__cachewrap_sub rm' -l expired -d 'Every expired entry'
complete -c cachewrap -n '__cachewrap_sub gc' -l max-size -x -a '100M 500M 1G 2G 5G' -d 'Evict least recently used entries to fit SIZE'
complete -c cachewrap -n '__cachewrap_sub config' -l path -d 'Print only the config file path'
complete -c cachewrap -n '__cachewrap_sub config' -l tools -d 'List the tools with a policy'
complete -c cachewrap -n '__cachewrap_sub init' -a 'bash zsh fish' -d 'Shell'
complete -c cachewrap -n '__cachewrap_sub init' -l shims -d 'Put PATH shims first instead of aliases'
complete -c cachewrap -n '__cachewrap_sub init' -l dir -x -a '(__fish_complete_directories)' -d 'Shim directory (with --shims)'
complete -c cachewrap -n '__cachewrap_sub shims' -x -a '(__fish_complete_directories)' -d 'Shim directory'
complete -c cachewrap -n '__cachewrap_sub key; and not __cachewrap_handing_over' -l json -d 'Print the key as JSON'

# Everything after the tool (or after `--` CMD): the other command's own completion.
complete -c cachewrap -n __cachewrap_handing_over -a '(__cachewrap_complete_other)'
