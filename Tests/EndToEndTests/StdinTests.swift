import Foundation
import Testing

/// stdin is keyed only when it can be: data up to a limit; a device or endless input runs
/// uncached with stdin handed through; `--no-cache` never touches it.
@Suite struct StdinTests {
    /// Runs `script` with /bin/sh in the sandbox's environment, `$CW` naming the binary.
    static func shell(_ sb: TestSandbox, _ script: String, env extra: [String: String] = [:],
                      stdin: [UInt8]? = nil, timeout: Double = 60) throws -> RunResult {
        var env = sb.baseEnv()
        env["CW"] = try cachewrapBinary()
        env.merge(extra) { $1 }
        return try run("/bin/sh", ["-c", script], env: env, cwd: sb.home, stdin: stdin, timeout: timeout)
    }

    @Test func endlessStdinDoesNotHangAndMemoryStaysBounded() throws {
        let sb = try TestSandbox()
        // 1 GiB of address space: reading `yes` whole would fail long before it ends.
        let result = try Self.shell(sb, #"ulimit -v 1048576; yes | "$CW" -- head -1"#, timeout: 60)
        #expect(!result.timedOut)
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText == "y\n")
        #expect(result.stderrText.contains("CACHEWRAP_MAX_STDIN"), "a notice says why it ran uncached: \(result.stderrText)")
    }

    @Test func stdinPastTheLimitReachesTheToolWholeAndIsNotCached() throws {
        let sb = try TestSandbox()
        sb.writeTool("count", script: "wc -c")
        let input = [UInt8](repeating: 0x61, count: 300_000)
        for _ in 0..<2 {
            let result = try Self.shell(sb, #""$CW" -- count"#, env: ["CACHEWRAP_MAX_STDIN": "64K"], stdin: input)
            #expect(result.status == 0)
            #expect(result.stdoutText.trimmingCharacters(in: .whitespaces) == "300000\n", "the bytes read, then the rest")
        }
        #expect(sb.counter("count") == 2, "never cached")
        let file = sb.root + "/big.txt"
        FileManager.default.createFile(atPath: file, contents: Data(input))
        let fromFile = try Self.shell(sb, #""$CW" -- count < "$1""#.replacingOccurrences(of: "$1", with: file),
                                      env: ["CACHEWRAP_MAX_STDIN": "64K"])
        #expect(fromFile.stdoutText.trimmingCharacters(in: .whitespaces) == "300000\n" && sb.counter("count") == 3)
        for _ in 0..<2 {
            let small = try Self.shell(sb, #""$CW" -- count"#, env: ["CACHEWRAP_MAX_STDIN": "64K"], stdin: Array("abc".utf8))
            #expect(small.status == 0 && small.stdoutText.trimmingCharacters(in: .whitespaces) == "3\n")
        }
        #expect(sb.counter("count") == 4, "within the limit: keyed and cached as before")
    }

    /// Eight bytes of the device, hex: `/dev/zero` and `/dev/urandom` must never share an answer.
    @Test func aCharacterDeviceOnStdinIsHandedThroughUncached() throws {
        let sb = try TestSandbox()
        sb.writeTool("peek", script: "head -c 8 | od -An -tx1")
        let zero = try Self.shell(sb, #""$CW" -- peek < /dev/zero"#)
        let random = try Self.shell(sb, #""$CW" -- peek < /dev/urandom"#)
        let zeroAgain = try Self.shell(sb, #""$CW" -- peek < /dev/zero"#)
        #expect(zero.stdoutText.contains("00 00 00 00 00 00 00 00"))
        #expect(random.stdout != zero.stdout, "urandom is never answered with zero's bytes")
        #expect(zeroAgain.stdout == zero.stdout)
        #expect(sb.counter("peek") == 3, "a device is never keyed, so never cached")
    }

    @Test func devNullAndAnEmptyPipeKeyAlike() throws {
        let sb = try TestSandbox()
        let null = try Self.shell(sb, #""$CW" key -- cat < /dev/null | tail -1"#)
        let empty = try Self.shell(sb, #"printf '' | "$CW" key -- cat | tail -1"#)
        let data = try Self.shell(sb, #"printf 'x' | "$CW" key -- cat | tail -1"#)
        #expect(null.status == 0 && !null.stdout.isEmpty)
        #expect(null.stdout == empty.stdout, "/dev/null keys as empty")
        #expect(data.stdout != null.stdout)
    }

    @Test func noCacheLeavesATerminalStdinToTheTool() throws {
        let sb = try TestSandbox()
        let script = try TestSandbox.requireTool("script")
        sb.writeTool("ask", script: #"read answer; echo "got:$answer""#)
        var env = sb.baseEnv()
        env["CW"] = try cachewrapBinary()
        // script gives the command a terminal on stdin and stdout and types our stdin into it.
        let result = try run(script, ["-qec", #""$CW" --no-cache -- ask"#, "/dev/null"], env: env,
                             cwd: sb.home, stdin: Array("hello\n".utf8))
        #expect(result.stdoutText.contains("got:hello"), "the tool read the terminal: \(result.stdoutText)")
    }
}
