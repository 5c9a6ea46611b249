/// `cachewrap init bash|zsh|fish [--shims [--dir DIR]]`: shell code for the user's rc file.
///
/// Without `--shims`: one alias (fish: function) per supported tool installed now, each calling
/// this binary by absolute path, so it works whatever PATH becomes later. Aliases expand only in
/// interactive shells, so `--shims` instead links the tools in a shim directory (see
/// `ShimDirectory`) and prints code that moves that directory to the front of PATH, once, however
/// often it is evaluated. Either way the code exports `CACHEWRAP_INIT` (`bash`, or `bash-shims`
/// with `--shims`): a child process cannot see its parent's aliases, and this marker is how
/// `cachewrap doctor` tells that they were set up.
enum InitCommand {
    /// The shells `init` writes code for.
    enum Shell: String {
        case bash, zsh, fish
    }

    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        let parsed = try CommandArguments(args, command: "init", flags: ["--shims"], valued: ["--dir"], maxPositionals: 1)
        let name = parsed.positionals.first ?? ""
        guard let shell = Shell(rawValue: name) else { throw .unsupportedShell(name) }
        if parsed.values["--dir"] != nil && !parsed.has("--shims") {
            throw .usage("'cachewrap init --dir DIR' goes with --shims")
        }
        if parsed.has("--shims") {
            let dir = parsed.values["--dir"].map(ShimDirectory.absolute) ?? ShimDirectory.defaultPath()
            let changes = try ShimDirectory.refresh(dir)
            let linked = changes.filter { $0.kind != .removed && $0.kind != .skipped }.map(\.tool)
            Console.output(shimCode(shell, dir: dir, tools: linked))
        } else {
            let tools = ShimDirectory.installedTools().map(\.tool)
            Console.output(aliasCode(shell, binary: ShimDirectory.selfExecutable(), tools: tools))
        }
        return 0
    }

    /// The marker `doctor` reads: which shell ran init, and in which mode.
    static func marker(_ shell: Shell, shims: Bool) -> String {
        shell.rawValue + (shims ? "-shims" : "")
    }

    /// Aliases (bash, zsh) or wrapper functions (fish) for `tools`, calling `binary`.
    static func aliasCode(_ shell: Shell, binary: String, tools: [String]) -> String {
        var lines = [
            "# cachewrap init \(shell.rawValue): \(describe(tools)), calling \(binary).",
            "# Aliases work in interactive shells; for scripts, CI and agents use: cachewrap init \(shell.rawValue) --shims",
        ]
        switch shell {
        case .bash, .zsh:
            lines.append("export CACHEWRAP_INIT=\(marker(shell, shims: false))")
            for tool in tools {
                lines.append("alias \(tool)=" + Display.quote(Display.quote(binary) + " " + tool))
            }
        case .fish:
            lines.append("set -gx CACHEWRAP_INIT \(marker(shell, shims: false))")
            for tool in tools {
                // Named like the tool, so fish keeps offering the tool's own completions.
                lines += ["function \(tool) --description \(fishQuote("\(tool) through cachewrap"))",
                          "    \(fishQuote(binary)) \(tool) $argv",
                          "end"]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Code that puts `dir` first on PATH: every copy already on PATH is dropped first, so
    /// evaluating it twice (a re-sourced rc, a nested shell) leaves one entry, and the first.
    static func shimCode(_ shell: Shell, dir: String, tools: [String]) -> String {
        let header = "# cachewrap init \(shell.rawValue) --shims: \(describe(tools)), by shims in \(dir) (first on PATH)."
        switch shell {
        case .bash, .zsh:
            // POSIX parameter expansion only, so bash and zsh (and sh) read it alike; the quoted
            // "$__cachewrap_dir" inside the patterns is matched literally, whatever it contains.
            return """
                \(header)
                export CACHEWRAP_INIT=\(marker(shell, shims: true))
                __cachewrap_dir=\(Display.quote(dir))
                __cachewrap_path=":$PATH:"
                while :; do
                  case "$__cachewrap_path" in
                    *":$__cachewrap_dir:"*) __cachewrap_path="${__cachewrap_path%%:"$__cachewrap_dir":*}:${__cachewrap_path#*:"$__cachewrap_dir":}" ;;
                    *) break ;;
                  esac
                done
                __cachewrap_path="${__cachewrap_path#:}"
                __cachewrap_path="${__cachewrap_path%:}"
                export PATH="$__cachewrap_dir${__cachewrap_path:+:$__cachewrap_path}"
                unset __cachewrap_dir __cachewrap_path

                """
        case .fish:
            return """
                \(header)
                set -gx CACHEWRAP_INIT \(marker(shell, shims: true))
                set -l __cachewrap_path
                for __cachewrap_entry in $PATH
                    test "$__cachewrap_entry" = \(fishQuote(dir)); or set -a __cachewrap_path $__cachewrap_entry
                end
                set -gx PATH \(fishQuote(dir)) $__cachewrap_path
                set -e __cachewrap_entry

                """
        }
    }

    /// "wraps gh, hf" for the comment at the top, or a note that nothing was found.
    private static func describe(_ tools: [String]) -> String {
        tools.isEmpty ? "no supported tool (\(Policies.names.joined(separator: ", "))) on PATH, nothing to wrap"
            : "wraps " + tools.joined(separator: ", ")
    }

    /// A fish single-quoted string: inside one, only backslash and quote are special.
    static func fishQuote(_ text: String) -> String {
        var out = "'"
        for char in text {
            if char == "\\" || char == "'" { out.append("\\") }
            out.append(char)
        }
        return out + "'"
    }
}
