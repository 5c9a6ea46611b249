import Glibc

/// What `stats` reads from the hourly counters (Store/HourlyCounters.swift): the `--since` window
/// per tool, one row per local day, and each tool's last hour (for `PolicySpec.hourlyLimit`).
/// A window is whole hours: every hour that overlaps the last DUR, from the start of the hour
/// holding now−DUR to now, so it covers at least DUR and less than DUR + 1h, the current hour
/// counting as far as it has gone. Days are the local calendar's (TZ), an hour counting on
/// the day it starts on.
struct StatsHistory {
    struct Day: Equatable {
        /// `2026-12-01`, local.
        var date: String
        var counters: CounterSet
    }

    /// `--since` in seconds, and the first hour of its window; nil without `--since`.
    var sinceSeconds: Int64?
    var fromHour: Int64?
    /// Each tool's counters over the window (empty without `--since`: the lifetime counters apply).
    var window: [String: CounterSet] = [:]
    /// The window's days, or the last seven without `--since`, oldest first, days without a
    /// count included.
    var days: [Day] = []
    /// Each tool's counters in the hours overlapping the last hour, the first of which is
    /// `lastHourFrom`.
    var lastHour: [String: CounterSet] = [:]
    var lastHourFrom: Int64 = 0

    static let reportedDays = 7

    /// No history: a report made without a store.
    init() {}

    init(_ store: Store, tool: String?, sinceSeconds: Int64?, nowMs: Int64) throws(CachewrapError) {
        let nowHour = Store.hour(ofMs: nowMs)
        let lastHourFrom = Store.hour(ofMs: nowMs - Store.hourMs)
        self.lastHourFrom = lastHourFrom
        self.sinceSeconds = sinceSeconds
        let dayHours: [Int64]
        if let sinceSeconds {
            let from = Store.hour(ofMs: nowMs - sinceSeconds * 1000)
            fromHour = from
            dayHours = Array(from...nowHour)
        } else {
            let midnight = LocalDay.start(daysBefore: Self.reportedDays - 1, seconds: nowMs / 1000)
            dayHours = Array(Store.hour(ofMs: midnight * 1000)...nowHour)
        }
        var dayOfHour: [Int64: Int] = [:]
        for hour in dayHours {
            let date = LocalDay.date(seconds: hour * 3600)
            if days.last?.date != date { days.append(Day(date: date, counters: CounterSet())) }
            dayOfHour[hour] = days.count - 1
        }
        if sinceSeconds == nil, days.count > Self.reportedDays {
            // The hour holding local midnight began the day before (a zone offset by half an hour).
            days.removeFirst()
            dayOfHour = dayOfHour.compactMapValues { $0 > 0 ? $0 - 1 : nil }
        }
        for row in try store.hourlyCounts(fromHour: min(dayHours.first ?? nowHour, lastHourFrom), tool: tool) {
            if let from = fromHour, row.hour >= from { window[row.tool, default: CounterSet()].add(row.counters) }
            if let day = dayOfHour[row.hour] { days[day].counters.add(row.counters) }
            if row.hour >= lastHourFrom { lastHour[row.tool, default: CounterSet()].add(row.counters) }
        }
    }

    /// What a tool's saved calls of the last hour stand for against its service's hourly limit.
    struct LimitShare: Equatable {
        var tool: String
        var limit: HourlyLimit
        var callsSaved: Int64
        /// Requests answered 304 (`revalidated`): made, but not counted against the limit.
        var revalidated: Int64
        var share: Double
    }

    /// The shares of the `tools` whose policy names an hourly limit (`PolicySpec.hourlyLimit`).
    func limitShares(_ tools: [String]) -> [LimitShare] {
        tools.compactMap { tool in
            guard let limit = Policies.builtIn(tool)?.hourlyLimit, limit.requests > 0 else { return nil }
            let saved = lastHour[tool]?[.callsSaved] ?? 0, free = lastHour[tool]?[.revalidated] ?? 0
            return LimitShare(tool: tool, limit: limit, callsSaved: saved, revalidated: free,
                              share: Double(saved + free) / Double(limit.requests))
        }
    }
}

/// Days of the local calendar, through the C library (which reads TZ, else /etc/localtime).
enum LocalDay {
    /// The local date at `seconds` since the epoch: `2026-12-01`.
    static func date(seconds: Int64) -> String {
        let tm = local(seconds)
        return "\(tm.tm_year + 1900)-" + twoDigits(tm.tm_mon + 1) + "-" + twoDigits(tm.tm_mday)
    }

    /// The local time of day at `seconds`: `09:00`.
    static func time(seconds: Int64) -> String {
        let tm = local(seconds)
        return twoDigits(tm.tm_hour) + ":" + twoDigits(tm.tm_min)
    }

    /// When the local day `days` days before the one holding `seconds` began (seconds since
    /// the epoch); mktime settles month ends and daylight saving.
    static func start(daysBefore days: Int, seconds: Int64) -> Int64 {
        var tm = local(seconds)
        tm.tm_mday -= Int32(days)
        tm.tm_hour = 0
        tm.tm_min = 0
        tm.tm_sec = 0
        tm.tm_isdst = -1
        return Int64(mktime(&tm))
    }

    private static func local(_ seconds: Int64) -> tm {
        var time = time_t(seconds)
        var out = tm()
        localtime_r(&time, &out)
        return out
    }

    private static func twoDigits(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
