/// The team cache's side of `Scope`: per-scope counters under `cw:v1:<namespace>:mark:<name>`,
/// moved by INCR when a mutation runs and read in the same round trip as every lookup.
/// Counters, not times: every machine compares the same numbers, so clock skew between machines
/// cannot make a value made before a mutation look newer than it.
extension RemoteCache {
    /// The marks' counts from their GET replies (a missing mark is 0); nil when any reply is
    /// not a count, so nothing is judged or written against marks that cannot be read.
    static func marks(_ replies: ArraySlice<RESPValue>) -> [Int64]? {
        var out: [Int64] = []
        for reply in replies {
            switch reply {
            case .bulk(nil): out.append(0)
            case .bulk(let bytes?):
                guard let count = Int64(String(decoding: bytes, as: UTF8.self)) else { return nil }
                out.append(count)
            default: return nil
            }
        }
        return out
    }

    /// A mutation of a scope: INCR its marks (`Scope.marksChanged`) in one round trip, before the
    /// command runs and again after it ends. Tried in `ro` mode too: a mark only ever refuses
    /// answers, so it cannot poison the cache. The error text when it did not happen.
    public func mark(_ names: [String]) -> String? {
        guard settings.mode != .off, !names.isEmpty else { return nil }
        let permit = breaker.permit()
        guard case .go(let ticket) = permit else { return Self.pausedText(permit) }
        do {
            let replies = try exchange(names.map { [Array("INCR".utf8), Array(settings.markKey($0).utf8)] })
            breaker.recordSuccess(ticket)
            for case .error(let text) in replies { return text }
            return nil
        } catch {
            breaker.recordFailure(error.message, ticket)
            return error.message
        }
    }
}
