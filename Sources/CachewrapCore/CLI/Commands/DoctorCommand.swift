/// `cachewrap doctor`: checks the setup and prints one line per check — `OK`, `WARN` or `FAIL`,
/// what was looked at, and for WARN and FAIL the command or edit that fixes it on the next line.
/// `--` marks a line that only informs (a supported tool that is not installed).
///
/// Exit status: 0 when nothing FAILed (warnings included), 1 when something did, so scripts and
/// install checks can run `cachewrap doctor || …`. The report is the command's data: stdout,
/// coloured only on a terminal and never with NO_COLOR. Doctor only looks: it creates no cache
/// directory or database and changes no file (the fixes say what to run).
enum DoctorCommand {
    static func run(_ args: [Argument]) throws(CachewrapError) -> Int32 {
        _ = try CommandArguments(args, command: "doctor")
        let checks = allChecks()
        Console.output(render(checks, style: .forStdout()))
        return checks.contains { $0.status == .fail } ? 1 : 0
    }

    /// Every check, in the order a user would fix them: storage first, then shell, then config.
    static func allChecks() -> [DoctorCheck] {
        let location = CacheLocation.fromEnvironment()
        var checks = DoctorStoreChecks(location: location).checks()
        checks += DoctorShellChecks().checks()
        checks += DoctorShellChecks.config()
        if let remote = DoctorShellChecks.remote(cacheDirectory: location.directory) { checks.append(remote) }
        return checks
    }

    /// The report: status column, subject and detail, an indented fix, and a closing tally.
    static func render(_ checks: [DoctorCheck], style: TerminalStyle) -> String {
        var lines: [String] = []
        for check in checks {
            let label = TextColumns.pad(check.status.rawValue, 5)
            let tone: TerminalStyle.Tone = switch check.status {
            case .ok: .good
            case .warn: .warning
            case .fail: .bad
            case .info: .faint
            }
            lines.append(style.paint(label, tone) + " " + check.subject + ": " + check.detail)
            if let fix = check.fix, check.status == .warn || check.status == .fail {
                lines.append("      fix: " + fix)
            }
        }
        let failures = checks.filter { $0.status == .fail }.count
        let warnings = checks.filter { $0.status == .warn }.count
        lines.append("")
        if failures + warnings == 0 {
            lines.append(style.paint("all checks passed", .good))
        } else {
            let tally = "\(failures) \(failures == 1 ? "failure" : "failures"), \(warnings) \(warnings == 1 ? "warning" : "warnings")"
            lines.append(style.paint(tally, failures > 0 ? .bad : .warning))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The outcome of one doctor check: what it looked at, what it found, and how to fix it.
struct DoctorCheck: Equatable {
    /// The column the user scans first; raw values are what is printed.
    enum Status: String {
        case ok = "OK"
        case warn = "WARN"
        case fail = "FAIL"
        case info = "--"
    }

    var status: Status
    /// What was checked: "cache dir", "database", "gh", "config"...
    var subject: String
    var detail: String
    /// The command or edit that fixes a WARN or FAIL; nil for OK.
    var fix: String?

    static func ok(_ subject: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(status: .ok, subject: subject, detail: detail)
    }

    static func info(_ subject: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(status: .info, subject: subject, detail: detail)
    }

    static func warn(_ subject: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(status: .warn, subject: subject, detail: detail, fix: fix)
    }

    static func fail(_ subject: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(status: .fail, subject: subject, detail: detail, fix: fix)
    }
}
