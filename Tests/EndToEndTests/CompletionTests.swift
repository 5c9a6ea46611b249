import Foundation
import Testing

// The completions under completions/, tried in the real shells (issue 5, "Must show" 3):
//
// - bash: `complete -p cachewrap` after sourcing the file, then the completion function called
//   the way readline calls it (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT set by hand, as
//   bash-completion's own test suite does), reading COMPREPLY.
// - zsh: completion only runs inside ZLE, so a harness starts `zsh -f -i` on a pseudo-terminal
//   with the zsh/zpty module, runs compinit there, wraps `compadd` so every candidate zsh accepts
//   (after matching against the word being completed) is appended to a file, then types each
//   line followed by TAB and ^X (bound to a widget that writes a "done" file, so the harness
//   knows the completion finished without parsing the terminal). Needs only zsh itself.
// - fish: `complete -C 'LINE'`, which prints the candidates (TAB description) for LINE.
//
// Hand-over to the tool's own completion is checked twice: with a fake completion for a known
// tool name (vastai, which ships none) that reports the words it was given, so the shift of the
// command line is checked exactly; and with gh's real completion (gh ships bash and zsh
// completions on Debian, fish ships one that asks gh), which calls `gh __complete`.

/// Where the completion files live.
let completionDir = installPackageRoot + "/completions"

/// The blocks of `=== LINE` headers and candidate lines a harness printed, by LINE.
func completionBlocks(_ output: String) -> [String: [String]] {
    var blocks: [String: [String]] = [:]
    var current: String?
    for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if line.hasPrefix("=== ") {
            current = String(line.dropFirst(4))
            blocks[current!, default: []] += []
        } else if let key = current, !line.isEmpty {
            // fish prints "candidate<TAB>description": keep the candidate.
            blocks[key, default: []].append(String(line.split(separator: "\t", maxSplits: 1).first ?? ""))
        }
    }
    return blocks
}

/// One expectation: completing `line` offers every word of `has` and none of `lacks`.
struct CompletionCase: Sendable {
    let line: String
    let has: [String]
    var lacks: [String] = []
}

/// Cases every shell must pass alike: cachewrap's own words.
let sharedCompletionCases: [CompletionCase] = [
    CompletionCase(line: "cachewrap ", has: ["stats", "ls", "show", "rm", "clear", "gc", "key", "explain", "config",
                                             "init", "doctor", "shims", "gh", "hf", "huggingface-cli", "vastai",
                                             "code", "claude", "gemini", "groq", "copilot", "codex", "docker", "kubectl"]),
    CompletionCase(line: "cachewrap st", has: ["stats"], lacks: ["show", "gh"]),
    CompletionCase(line: "cachewrap --", has: ["--ttl", "--refresh", "--no-cache", "--offline", "--retries", "--stale",
                                               "--stale-if-error", "--env", "--quiet", "--help", "--version"]),
    CompletionCase(line: "cachewrap --ttl ", has: ["30s", "10m", "2h", "7d"], lacks: ["stats", "gh"]),
    CompletionCase(line: "cachewrap --ttl 2h ", has: ["gh", "hf", "vastai", "claude"], lacks: ["stats", "doctor"]),
    CompletionCase(line: "cachewrap --refresh --", has: ["--ttl", "--offline", "--quiet"], lacks: ["--help", "--version"]),
    CompletionCase(line: "cachewrap stats --", has: ["--json", "--tool"], lacks: ["--ttl"]),
    CompletionCase(line: "cachewrap stats --tool h", has: ["hf", "huggingface-cli"], lacks: ["gh"]),
    CompletionCase(line: "cachewrap ls --", has: ["--tool", "--json"], lacks: ["--ttl"]),
    CompletionCase(line: "cachewrap show --", has: ["--stdout", "--stderr", "--json"]),
    CompletionCase(line: "cachewrap rm --", has: ["--tool", "--op", "--expired"]),
    CompletionCase(line: "cachewrap gc --", has: ["--max-size"]),
    CompletionCase(line: "cachewrap key --", has: ["--json"]),
    CompletionCase(line: "cachewrap key ", has: ["gh", "vastai", "claude"], lacks: ["stats"]),
    CompletionCase(line: "cachewrap explain ", has: ["gh", "hf", "copilot"], lacks: ["stats"]),
    CompletionCase(line: "cachewrap init ", has: ["bash", "zsh", "fish"], lacks: ["gh"]),
    CompletionCase(line: "cachewrap init bash --", has: ["--shims"]),
    CompletionCase(line: "cachewrap config --", has: ["--path", "--tools"]),
    // A tool the sandbox's config file defines (`completionEnvironment`), offered like a built-in one.
    CompletionCase(line: "cachewrap my", has: ["mytool"], lacks: ["gh"]),
    CompletionCase(line: "cachewrap --ttl 2h my", has: ["mytool"]),
    CompletionCase(line: "cachewrap explain my", has: ["mytool"]),
    CompletionCase(line: "cachewrap ls --tool m", has: ["mytool"], lacks: ["gh"]),
]

/// Checks `blocks` against `cases`, naming the shell in failures.
func checkCompletions(_ shell: String, _ blocks: [String: [String]], _ cases: [CompletionCase],
                      sourceLocation: SourceLocation = #_sourceLocation) {
    for c in cases {
        guard let got = blocks[c.line] else {
            Issue.record("\(shell): no result for '\(c.line)'", sourceLocation: sourceLocation)
            continue
        }
        for word in c.has {
            #expect(got.contains(word), "\(shell) '\(c.line)<TAB>' lacks \(word): \(got)", sourceLocation: sourceLocation)
        }
        for word in c.lacks {
            #expect(!got.contains(word), "\(shell) '\(c.line)<TAB>' offers \(word): \(got)", sourceLocation: sourceLocation)
        }
    }
}

/// A sandbox for a shell: HOME and XDG dirs inside it, the built cachewrap first on PATH, and a
/// config file defining the tool `mytool`.
func completionEnvironment(_ sb: TestSandbox) throws -> [String: String] {
    let binary = try cachewrapBinary()
    try? FileManager.default.createSymbolicLink(atPath: sb.binDir + "/cachewrap", withDestinationPath: binary)
    var env = sb.baseEnv()
    env["XDG_DATA_HOME"] = sb.home + "/.local/share"
    env["XDG_CACHE_HOME"] = sb.home + "/.cache"
    env["TERM"] = "xterm"
    env["GH_NO_UPDATE_NOTIFIER"] = "1"
    env["GH_CONFIG_DIR"] = sb.root + "/ghconfig"
    let config = sb.root + "/cachewrap-config.toml"
    try "[tools.mytool]\ncacheable = [\"list\"]\n".write(toFile: config, atomically: true, encoding: .utf8)
    env["CACHEWRAP_CONFIG"] = config
    return env
}

/// Writes a fixture file (a fake completion, the zsh harness), making its directory.
func writeCompletionFixture(_ path: String, _ text: String) throws {
    try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                            withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

@Suite("completions in real bash, zsh and fish")
struct CompletionTests {
    // MARK: bash

    /// Sources the completion (after bash-completion when `withLoader`), checks its
    /// registration, then completes each line as readline would and prints the candidates.
    static func bash(_ lines: [String], sb: TestSandbox, withLoader: Bool = false,
                     env given: [String: String]? = nil) throws -> RunResult {
        let bash = try TestSandbox.requireTool("bash")
        var script = ""
        if withLoader { script += "source /usr/share/bash-completion/bash_completion\n" }
        script += """
            source \(TestSandbox.shellQuote(completionDir + "/cachewrap.bash"))
            spec=$(complete -p cachewrap) || exit 3
            echo "spec: $spec"
            func=${spec#*-F }
            func=${func%% *}
            comp() {
              local line=$1
              COMP_LINE=$line
              COMP_POINT=${#line}
              read -r -a COMP_WORDS <<<"$line"
              [[ $line == *" " ]] && COMP_WORDS+=("")
              COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
              COMPREPLY=()
              "$func" cachewrap "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>>"$ERRLOG"
              printf '=== %s\\n' "$line"
              [ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\\n' "${COMPREPLY[@]}"
            }
            for line in "$@"; do comp "$line"; done

            """
        var env = try given ?? completionEnvironment(sb)
        env["ERRLOG"] = sb.logDir + "/bash-errors"
        return try run(bash, ["--norc", "--noprofile", "-c", script, "bash"] + lines, env: env, cwd: sb.root)
    }

    /// A fake completion for vastai in the user's bash-completion directory: its candidates say
    /// what COMP_* it was called with (blanks in COMP_LINE shown as _).
    static func writeFakeBashCompletion(_ sb: TestSandbox) throws {
        try writeCompletionFixture(sb.home + "/.local/share/bash-completion/completions/vastai", """
            _fake_vastai() {
              COMPREPLY=("cword=$COMP_CWORD" "w0=${COMP_WORDS[0]}" "cur=$2" "prev=$3" "line=${COMP_LINE// /_}" "point=$COMP_POINT")
            }
            complete -F _fake_vastai vastai

            """)
    }

    static let bashHandOver: [CompletionCase] = [
        CompletionCase(line: "cachewrap --ttl 1h vastai show inst",
                       has: ["cword=2", "w0=vastai", "cur=inst", "prev=show", "line=vastai_show_inst", "point=16"]),
        CompletionCase(line: "cachewrap vastai ", has: ["cword=1", "w0=vastai", "line=vastai_", "point=7"]),
        CompletionCase(line: "cachewrap --refresh -- vastai logs ", has: ["cword=2", "w0=vastai", "prev=logs"]),
        CompletionCase(line: "cachewrap key --json vastai sh", has: ["cword=1", "w0=vastai", "cur=sh", "line=vastai_sh"]),
    ]

    @Test func bashRegistersAndCompletesCachewrapsOwnWords() throws {
        let sb = try TestSandbox()
        let result = try Self.bash(sharedCompletionCases.map(\.line), sb: sb)
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText.hasPrefix("spec: complete -F _cachewrap cachewrap\n"), "\(result.stdoutText)")
        checkCompletions("bash", completionBlocks(result.stdoutText), sharedCompletionCases)
        #expect((sb.log("bash-errors") ?? "").isEmpty, "errors: \(sb.log("bash-errors") ?? "")")
    }

    /// Without bash-completion: the file finds and loads the tool's completion by itself.
    @Test func bashHandsOverToTheToolsCompletionWithTheLineShifted() throws {
        let sb = try TestSandbox()
        try Self.writeFakeBashCompletion(sb)
        let result = try Self.bash(Self.bashHandOver.map(\.line), sb: sb)
        #expect(result.status == 0, "\(result.stderrText)")
        checkCompletions("bash", completionBlocks(result.stdoutText), Self.bashHandOver)
    }

    /// With bash-completion loaded, its `__load_completion` finds the tool's completion.
    @Test func bashHandsOverThroughBashCompletionsLoader() throws {
        try TestSandbox.requireOrSkip(FileManager.default.fileExists(atPath: "/usr/share/bash-completion/bash_completion"),
                                      "the bash-completion package (/usr/share/bash-completion/bash_completion)")
        let sb = try TestSandbox()
        try Self.writeFakeBashCompletion(sb)
        let result = try Self.bash(Self.bashHandOver.map(\.line) + ["cachewrap st"], sb: sb, withLoader: true)
        #expect(result.status == 0, "\(result.stderrText)")
        checkCompletions("bash", completionBlocks(result.stdoutText),
                         Self.bashHandOver + [CompletionCase(line: "cachewrap st", has: ["stats"])])
    }

    /// `cachewrap gh pr l<TAB>` is `gh pr l<TAB>`: gh's own completion (it asks `gh __complete`).
    @Test func bashHandsOverToGhsRealCompletion() throws {
        let gh = try TestSandbox.requireTool("gh")
        try TestSandbox.requireOrSkip(FileManager.default.fileExists(atPath: "/usr/share/bash-completion/bash_completion"),
                                      "the bash-completion package (gh's bash completion needs it)")
        let sb = try TestSandbox()
        try FileManager.default.createSymbolicLink(atPath: sb.binDir + "/gh", withDestinationPath: gh)
        let cases = [CompletionCase(line: "cachewrap gh pr l", has: ["list"]),
                     CompletionCase(line: "cachewrap --ttl 1h gh is", has: ["issue"]),
                     CompletionCase(line: "cachewrap explain gh re", has: ["repo", "release"])]
        let result = try Self.bash(cases.map(\.line), sb: sb, withLoader: true)
        #expect(result.status == 0, "\(result.stderrText)")
        checkCompletions("bash", completionBlocks(result.stdoutText), cases)
    }

    // MARK: zsh

    /// The zpty harness (see the top of this file). Arguments: the setup file, the output file,
    /// then the lines; prints `=== LINE` and the candidates for each.
    static let zshHarness = #"""
        zmodload zsh/zpty || { print -u2 'zsh/zpty is missing'; exit 2 }
        setup=$1 out=$2
        shift 2
        export CW_OUT=$out
        zpty cw zsh -f -i
        zpty -w cw "source ${(q)setup}"
        local line junk
        integer i
        for line in "$@"; do
          rm -f -- $out $out.done
          zpty -w -n cw "$line"$'\t\x18'
          for (( i = 0; i < 300; i++ )); do
            [[ -e $out.done ]] && break
            zpty -r -t cw junk 2>/dev/null
            sleep 0.05
          done
          [[ -e $out.done ]] || { print -u2 "timed out completing: $line"; zpty -d cw; exit 1 }
          print -r -- "=== $line"
          [[ -e $out ]] && cat -- $out
          zpty -w -n cw $'\x15'   # ^U: clear the line for the next one
        done
        zpty -d cw
        """#

    /// Sourced by the interactive zsh under test: compinit with our directory (and the fakes)
    /// first on fpath, a compadd wrapper that records candidates, ^X to say "done".
    static func zshSetup(fpath: [String]) -> String {
        """
        PS1='' PROMPT='' RPROMPT=''
        unsetopt auto_list auto_menu list_beep beep
        LISTMAX=100000
        fpath=(\(fpath.map(TestSandbox.shellQuote).joined(separator: " ")) $fpath)
        autoload -Uz compinit && compinit -u -D
        compadd() {
          # calls that only ask for matches (-O, -A, -D) are not adding candidates
          if (( ${@[(I)-[OAD]*]} )); then builtin compadd "$@"; return; fi
          local -a __cw_hits
          builtin compadd -O __cw_hits "$@"
          (( $#__cw_hits )) && print -rl -- $__cw_hits >> $CW_OUT
          builtin compadd "$@"
        }
        _cw_done() { : > $CW_OUT.done }
        zle -N _cw_done
        bindkey '^X' _cw_done
        bindkey '^I' complete-word

        """
    }

    static func zsh(_ lines: [String], sb: TestSandbox, extraFpath: [String] = [],
                    env given: [String: String]? = nil) throws -> RunResult {
        let zsh = try TestSandbox.requireTool("zsh")
        let harness = sb.root + "/zsh-harness.zsh", setup = sb.root + "/zsh-setup.zsh"
        try writeCompletionFixture(harness, zshHarness)
        try writeCompletionFixture(setup, zshSetup(fpath: extraFpath + [completionDir]))
        let env = try given ?? completionEnvironment(sb)
        return try run(zsh, ["-f", harness, setup, sb.root + "/zsh-out"] + lines, env: env, cwd: sb.root, timeout: 120)
    }

    @Test func zshCompletesCachewrapsOwnWords() throws {
        let sb = try TestSandbox()
        let result = try Self.zsh(sharedCompletionCases.map(\.line), sb: sb)
        #expect(result.status == 0, "\(result.stderrText)")
        checkCompletions("zsh", completionBlocks(result.stdoutText), sharedCompletionCases)
    }

    @Test func zshHandsOverWithWordsShifted() throws {
        let sb = try TestSandbox()
        let fake = sb.root + "/zfuncs"
        // The fake's candidates say what `words` and CURRENT it saw (all start with the empty
        // word being completed, so compadd's matching keeps them).
        try writeCompletionFixture(fake + "/_vastai", """
            #compdef vastai
            compadd -- "current-$CURRENT" "word1-$words[1]" "word2-$words[2]"

            """)
        let cases = [
            CompletionCase(line: "cachewrap --ttl 1h vastai show ", has: ["current-3", "word1-vastai", "word2-show"]),
            CompletionCase(line: "cachewrap -- vastai ", has: ["current-2", "word1-vastai"]),
            CompletionCase(line: "cachewrap explain vastai logs ", has: ["current-3", "word1-vastai", "word2-logs"]),
        ]
        let result = try Self.zsh(cases.map(\.line), sb: sb, extraFpath: [fake])
        #expect(result.status == 0, "\(result.stderrText)")
        checkCompletions("zsh", completionBlocks(result.stdoutText), cases)
    }

    @Test func zshHandsOverToGhsRealCompletion() throws {
        let gh = try TestSandbox.requireTool("gh")
        try TestSandbox.requireOrSkip(FileManager.default.fileExists(atPath: "/usr/share/zsh/vendor-completions/_gh"),
                                      "gh's zsh completion (/usr/share/zsh/vendor-completions/_gh, from Debian's gh)")
        let sb = try TestSandbox()
        try FileManager.default.createSymbolicLink(atPath: sb.binDir + "/gh", withDestinationPath: gh)
        let cases = [CompletionCase(line: "cachewrap gh pr l", has: ["list"]),
                     CompletionCase(line: "cachewrap --ttl 1h gh is", has: ["issue"])]
        let result = try Self.zsh(cases.map(\.line), sb: sb)
        #expect(result.status == 0, "\(result.stderrText)")
        checkCompletions("zsh", completionBlocks(result.stdoutText), cases)
    }

    // MARK: fish

    static func fish(_ lines: [String], sb: TestSandbox, env given: [String: String]? = nil) throws -> RunResult {
        let fish = try TestSandbox.requireTool("fish")
        let script = """
            source \(TestSandbox.shellQuote(completionDir + "/cachewrap.fish")); or exit 3
            for line in $argv
                echo "=== $line"
                complete -C $line
            end
            """
        return try run(fish, ["-c", script] + lines, env: try given ?? completionEnvironment(sb), cwd: sb.root, timeout: 120)
    }

    @Test func fishCompletesCachewrapsOwnWords() throws {
        let sb = try TestSandbox()
        let result = try Self.fish(sharedCompletionCases.map(\.line), sb: sb)
        #expect(result.status == 0, "\(result.stderrText)")
        checkCompletions("fish", completionBlocks(result.stdoutText), sharedCompletionCases)
    }

    @Test func fishHandsOverWithCachewrapStripped() throws {
        let sb = try TestSandbox()
        sb.writeTool("vastai", script: "exit 0")  // fish loads completions only for commands that exist
        // The fake's candidates say what command line it saw.
        try writeCompletionFixture(sb.home + "/.config/fish/completions/vastai.fish", """
            complete -c vastai -f -a '(set -l t (commandline -opc); printf "%s\\n" tokens-(count $t) first-$t[1] last-$t[-1])'

            """)
        let cases = [
            CompletionCase(line: "cachewrap --ttl 1h vastai show ", has: ["tokens-2", "first-vastai", "last-show"]),
            CompletionCase(line: "cachewrap --refresh -- vastai ", has: ["tokens-1", "first-vastai"]),
            CompletionCase(line: "cachewrap key --json vastai logs ", has: ["tokens-2", "first-vastai", "last-logs"]),
        ]
        let result = try Self.fish(cases.map(\.line), sb: sb)
        #expect(result.status == 0, "\(result.stderrText)")
        checkCompletions("fish", completionBlocks(result.stdoutText), cases)
    }

    @Test func fishHandsOverToGhsRealCompletion() throws {
        let gh = try TestSandbox.requireTool("gh")
        let sb = try TestSandbox()
        try FileManager.default.createSymbolicLink(atPath: sb.binDir + "/gh", withDestinationPath: gh)
        let cases = [CompletionCase(line: "cachewrap gh pr l", has: ["list"]),
                     CompletionCase(line: "cachewrap --ttl 1h gh is", has: ["issue"])]
        let result = try Self.fish(cases.map(\.line), sb: sb)
        #expect(result.status == 0, "\(result.stderrText)")
        checkCompletions("fish", completionBlocks(result.stdoutText), cases)
    }

    // MARK: values from the cache and the environment

    /// `show`/`rm` complete the CID prefixes `cachewrap ls` lists (from the cachewrap being
    /// completed, on this cache dir); `--env` completes exported variable names.
    @Test func cidPrefixesAndVariableNamesInEveryShell() throws {
        let sb = try TestSandbox()
        var env = try completionEnvironment(sb)
        env["CW_TEST_VARIABLE"] = "1"
        #expect(try cachewrap(["--", "echo", "hi"], env: env, cwd: sb.root).status == 0)
        let ls = try cachewrap(["ls"], env: env).stdoutText
        let cid = ls.split(separator: "\n").dropFirst().first.flatMap { $0.split(separator: " ").first }.map(String.init) ?? ""
        try #require(cid.count >= 8, "no entry in `cachewrap ls`: \(ls)")
        let cases = [CompletionCase(line: "cachewrap show ", has: [cid]),
                     CompletionCase(line: "cachewrap rm ", has: [cid]),
                     CompletionCase(line: "cachewrap --env CW_TEST_V", has: ["CW_TEST_VARIABLE"])]
        let lines = cases.map(\.line)
        for (shell, result) in [("bash", try Self.bash(lines, sb: sb, env: env)), ("zsh", try Self.zsh(lines, sb: sb, env: env)),
                                ("fish", try Self.fish(lines, sb: sb, env: env))] {
            #expect(result.status == 0, "\(shell): \(result.stderrText)")
            checkCompletions(shell, completionBlocks(result.stdoutText), cases)
        }
    }

    // MARK: in step with the binary

    /// Every subcommand and wrapper option `cachewrap --help` lists is in all three completions,
    /// so a new subcommand cannot be forgotten here.
    @Test func completionsKnowEverythingTheHelpLists() throws {
        let help = try cachewrap(["--help"], env: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"]).stdoutText
        var commands: Set<String> = []
        for line in help.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count >= 2, words[0] == "cachewrap", let word = words.dropFirst().first,
               word.first?.isLetter == true {
                commands.insert(String(word))
            }
        }
        #expect(commands.isSuperset(of: ["stats", "ls", "show", "rm", "clear", "gc", "key", "explain", "config"]),
                "parsed \(commands) from --help")
        let options = Set(help.split(whereSeparator: { " ,()|[]".contains($0) || $0 == "\n" })
            .filter { $0.hasPrefix("--") && $0.count > 2 && $0.dropFirst(2).allSatisfy { $0.isLetter || $0 == "-" } }
            .map(String.init))
        let files = ["cachewrap.bash", "_cachewrap", "cachewrap.fish"]
        for file in files {
            let text = try String(contentsOfFile: completionDir + "/" + file, encoding: .utf8)
            for command in commands {
                #expect(text.contains(" \(command)") || text.contains("'\(command):") || text.contains("\"\(command) "),
                        "\(file) lacks subcommand \(command)")
            }
            for option in options {
                let bare = option.dropFirst(2)
                #expect(text.contains(option) || text.contains("-l \(bare) ") || text.contains("-l \(bare)\n"),
                        "\(file) lacks option \(option)")
            }
        }
    }
}
