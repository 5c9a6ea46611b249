extension CachedRun {
    /// A cacheable command whose stdin cannot be keyed (a device, or more than the limit): run
    /// once with that stdin handed through, output live, nothing looked up, stored or retried
    /// (the input is consumed as it is read).
    func runUncached(stdin: ToolStdin) -> Int32 {
        let child = ChildProcess(path: toolPath, arguments: request.commandLine, stdin: stdin, terminal: invocation.terminal,
                                 recordLimit: 0)
        do {
            let outcome = try child.run()
            reporter.report(.uncached) { call in
                call.durationMs = outcome.durationMs
                call.bytes = Int64(outcome.outputBytes)
                call.exit = outcome.callStatus(failure: outcome.writeFailure)
                call.detail = "stdin not keyed"
            }
            if let signal = outcome.interruptedBy { SignalForwarding.dieBy(signal) }
            if let failure = outcome.writeFailure { return failure.end() }
            return outcome.status
        } catch {
            Console.error(error.message)
            return error.exitCode
        }
    }
}
