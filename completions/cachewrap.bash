# completions/cachewrap.bash: bash completion for cachewrap.
#
# Completes cachewrap's own subcommands and their options, the wrapper options (--ttl, --refresh,
# ...), and the known tool names; after `cachewrap [OPTIONS] TOOL`, `cachewrap [OPTIONS] --
# COMMAND`, `cachewrap key TOOL` and `cachewrap explain TOOL` it hands over to that command's own
# completion (gh's, git's, ...), because to the user `cachewrap gh pr <TAB>` is `gh pr <TAB>`.
#
# How the hand-over works: the tool's completion is loaded the way bash-completion loads it
# (`__load_completion`, else `_completion_loader`, else by sourcing the file from the usual
# completion directories), then its function is called with COMP_WORDS, COMP_CWORD, COMP_LINE and
# COMP_POINT shifted so the tool's name is word 0, as if cachewrap were not on the line.
#
# Installed by install/install.sh as PREFIX/share/bash-completion/completions/cachewrap, where
# bash-completion finds it on first use; or source this file from ~/.bashrc. Needs bash 4.1+.
# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)) is the completion idiom; words have no blanks

_cachewrap_tools="gh hf huggingface-cli vastai code claude gemini groq copilot codex docker kubectl"
_cachewrap_commands="stats ls show rm clear gc key explain config init doctor shims"
_cachewrap_wrap_options="--ttl --refresh --no-cache --offline --retries --stale --stale-if-error --env --quiet --status --revalidate --no-revalidate"
_cachewrap_durations="30s 1m 10m 1h 2h 1d 7d"

# Sets COMPREPLY to the words of $1 that start with $2.
_cachewrap_reply() {
    COMPREPLY=($(compgen -W "$1" -- "$2"))
}

# Runs the cachewrap being completed (so the same binary, config and cache dir answer) with $@.
_cachewrap_run() {
    local bin=${COMP_WORDS[0]}
    [[ $bin == "~/"* ]] && bin=$HOME/${bin#"~/"}
    "$bin" "$@" 2>/dev/null
}

# Prints the CID prefixes of the cached entries (first column of `cachewrap ls`).
_cachewrap_cids() {
    _cachewrap_run ls | awk 'NR > 1 { print $1 }'
}

# Prints the tools with a policy: the built-in ones and those the config file defines
# (`cachewrap config --tools`), or the built-in list when that cachewrap cannot say.
_cachewrap_tool_names() {
    _cachewrap_run config --tools || echo "$_cachewrap_tools"
}

# True when word $1 is a wrapper option that takes a value.
_cachewrap_takes_value() {
    case $1 in --ttl|--retries|--stale|--stale-if-error|--env) return 0 ;; esac
    return 1
}

# Completes the value of option $1 (wrapper or subcommand option) for the current word $2.
# Returns 1 when $1 takes no value.
_cachewrap_value() {
    case $1 in
        --ttl|--stale|--stale-if-error|--since) _cachewrap_reply "$_cachewrap_durations" "$2" ;;
        --retries) _cachewrap_reply "0 1 2 3 5" "$2" ;;
        --env) COMPREPLY=($(compgen -e -- "$2")) ;;
        --tool) _cachewrap_reply "$(_cachewrap_tool_names)" "$2" ;;
        --max-size) _cachewrap_reply "100M 500M 1G 2G 5G" "$2" ;;
        --op) COMPREPLY=() ;;
        --dir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$2")) ;;
        *) return 1 ;;
    esac
    return 0
}

# Hands the completion to the command whose name is COMP_WORDS[$1].
_cachewrap_delegate() {
    local start=$1 generic=$2 cur=${COMP_WORDS[COMP_CWORD]}
    if ((COMP_CWORD <= start)); then
        if [[ $generic == 1 ]]; then
            COMPREPLY=($(compgen -c -- "$cur"))
        else
            _cachewrap_reply "$(_cachewrap_tool_names)" "$cur"
        fi
        return
    fi
    local cmd=${COMP_WORDS[start]}
    local spec
    spec=$(complete -p -- "$cmd" 2>/dev/null)
    if [[ -z $spec ]]; then
        if declare -F __load_completion >/dev/null; then
            __load_completion "$cmd"
        elif declare -F _completion_loader >/dev/null; then
            _completion_loader "$cmd"
        else
            local dir file
            for dir in "${BASH_COMPLETION_USER_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bash-completion}/completions" \
                /usr/local/share/bash-completion/completions /usr/share/bash-completion/completions; do
                for file in "$dir/$cmd" "$dir/$cmd.bash" "$dir/_$cmd"; do
                    if [[ -f $file ]]; then
                        . "$file" >/dev/null 2>&1
                        break 2
                    fi
                done
            done
        fi
        spec=$(complete -p -- "$cmd" 2>/dev/null)
    fi

    # Shift the line so that the command is word 0: drop the words before it from COMP_LINE
    # (and the blanks around them), moving COMP_POINT along, then from COMP_WORDS.
    local i
    for ((i = 0; i <= start; i++)); do
        while [[ -n $COMP_LINE && $COMP_LINE != "${COMP_WORDS[i]}"* ]]; do
            COMP_LINE=${COMP_LINE:1}
            ((COMP_POINT--))
        done
        if ((i < start)); then
            COMP_LINE=${COMP_LINE#"${COMP_WORDS[i]}"}
            ((COMP_POINT -= ${#COMP_WORDS[i]}))
        fi
    done
    ((COMP_POINT < 0)) && COMP_POINT=0
    COMP_WORDS=("${COMP_WORDS[@]:start}")
    ((COMP_CWORD -= start))
    cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD - 1]}

    if [[ -z $spec ]]; then
        # No completion for this command: complete file names, as bash would.
        compopt -o default 2>/dev/null
        COMPREPLY=()
        return
    fi
    # The spec's -o options (nospace, filenames, default, ...) apply to this completion too.
    local -a words
    read -r -a words <<<"$spec"
    local func="" opt
    for ((i = 1; i < ${#words[@]}; i++)); do
        case ${words[i]} in
            -o) opt=${words[i + 1]}; compopt -o "$opt" 2>/dev/null; ((i++)) ;;
            -F) func=${words[i + 1]}; ((i++)) ;;
        esac
    done
    if [[ -n $func ]]; then
        "$func" "$cmd" "$cur" "$prev"
    else
        # -W, -A, -C, ...: let compgen evaluate the same spec.
        spec=${spec#complete}
        spec=${spec% -- "$cmd"}
        spec=${spec% "$cmd"}
        COMPREPLY=($(eval compgen "$spec" -- '"$cur"' 2>/dev/null))
    fi
}

_cachewrap() {
    COMPREPLY=()
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD - 1]}
    # `--opt=value` is split into `--opt`, `=`, `value` when = is in COMP_WORDBREAKS.
    local prev_option=$prev
    [[ $prev == "=" ]] && prev_option=${COMP_WORDS[COMP_CWORD - 2]}
    [[ $cur == "=" ]] && { prev_option=$prev; cur=""; }

    # Skip the wrapper options (and their values) to find the subcommand or tool.
    local i=1 word
    while ((i < COMP_CWORD)); do
        word=${COMP_WORDS[i]}
        if [[ $word == -- ]]; then
            _cachewrap_delegate $((i + 1)) 1
            return
        elif _cachewrap_takes_value "$word"; then
            ((i += 2))
            [[ ${COMP_WORDS[i - 1]} == "=" ]] && ((i++))
        elif [[ $word == -* ]]; then
            ((i++))
        else
            break
        fi
    done

    if ((i >= COMP_CWORD)); then
        # The current word is a wrapper option, an option's value, or the subcommand or tool.
        if _cachewrap_takes_value "$prev_option" && [[ $prev_option != "$cur" ]]; then
            _cachewrap_value "$prev_option" "$cur"
        elif [[ $cur == -* ]]; then
            if ((COMP_CWORD == 1)); then
                _cachewrap_reply "$_cachewrap_wrap_options -- --help --version" "$cur"
            else
                _cachewrap_reply "$_cachewrap_wrap_options --" "$cur"
            fi
        elif ((COMP_CWORD == 1)); then
            _cachewrap_reply "$_cachewrap_commands $(_cachewrap_tool_names)" "$cur"
        else
            # After wrapper options only a tool can follow (or -- and any command).
            _cachewrap_reply "$(_cachewrap_tool_names)" "$cur"
        fi
        return
    fi

    local sub=${COMP_WORDS[i]}
    if [[ $prev_option == --* ]] && [[ $prev_option != "$cur" ]] &&
        [[ $sub != key && $sub != explain ]] && _cachewrap_value "$prev_option" "$cur"; then
        return
    fi
    case $sub in
        stats) _cachewrap_reply "--json --tool --since --advice" "$cur" ;;
        ls) _cachewrap_reply "--tool --json" "$cur" ;;
        show)
            if [[ $cur == -* ]]; then _cachewrap_reply "--stdout --stderr --json" "$cur"
            else _cachewrap_reply "$(_cachewrap_cids)" "$cur"; fi ;;
        rm)
            if [[ $cur == -* ]]; then _cachewrap_reply "--tool --op --expired" "$cur"
            else _cachewrap_reply "$(_cachewrap_cids)" "$cur"; fi ;;
        gc) _cachewrap_reply "--max-size" "$cur" ;;
        clear | doctor) ;;
        config) _cachewrap_reply "--path --tools" "$cur" ;;
        init)
            if [[ $cur == -* ]]; then _cachewrap_reply "--shims --dir" "$cur"
            else _cachewrap_reply "bash zsh fish" "$cur"; fi ;;
        shims) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
        key | explain)
            # key [--json] TOOL ARGS...: the tool's own completion after the tool.
            local j=$((i + 1))
            while ((j < COMP_CWORD)) && [[ ${COMP_WORDS[j]} == -* ]]; do ((j++)); done
            if ((j >= COMP_CWORD)) && [[ $cur == -* ]]; then
                [[ $sub == key ]] && _cachewrap_reply "--json" "$cur"
            else
                _cachewrap_delegate "$j" 0
            fi ;;
        *) _cachewrap_delegate "$i" 0 ;;
    esac
}

complete -F _cachewrap cachewrap
