/// Where the end of one wrapped call is told: one line on stderr for `--status` or
/// CACHEWRAP_STATUS=1, one JSON line appended to the file CACHEWRAP_LOG names
/// (docs/event-log.md). Both are read once, when the call starts; when neither is asked for,
/// `report` builds nothing, so a hit pays two getenv calls for them and no formatting.
struct CallReporter {
    /// `--status` or CACHEWRAP_STATUS=1; and CACHEWRAP_LOG. Both off in a background refresh.
    private let status: Bool
    private let logPath: String?
    /// The tool as the report names it: as typed, then the policy's name once a policy decided.
    private(set) var tool: String
    private(set) var operation: String?

    init(tool: String, options: WrapOptions) {
        self.tool = tool
        let status = options.status || Environment.flag("CACHEWRAP_STATUS")
        let logPath = Environment.get("CACHEWRAP_LOG").flatMap { $0.isEmpty ? nil : $0 }
        // A background refresh is no call of the user's: the call that started it has reported.
        let heard = (status || logPath != nil) && !BackgroundRefresh.isBackground
        self.status = heard && status
        self.logPath = heard ? logPath : nil
    }

    /// The call as its policy names it (`gh`, `pr list`).
    mutating func name(tool: String, operation: String) {
        self.tool = tool
        self.operation = operation
    }

    /// Tells how the call ended: `fill` adds what this end knows to the tool, operation and
    /// outcome. It runs only when someone listens, after the answer is out and before the call
    /// exits (or execs, or dies by a signal). The log fails open: at most one warning.
    func report(_ outcome: CallReport.Outcome, _ fill: (inout CallReport) -> Void) {
        guard status || logPath != nil else { return }
        var report = CallReport(outcome: outcome, tool: tool, operation: operation)
        fill(&report)
        if status { Console.status(report.statusLine) }
        if let logPath { EventLog.append(report.jsonLine(nowMs: Clock.nowMs()), to: logPath) }
    }
}
