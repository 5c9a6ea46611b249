/// What an LLM answer cost to make, as the tool itself reported it in its JSON output: each
/// replay of the answer saves that much again (`stats`: `cost_saved_usd`, `tokens_saved`). Read
/// once, when a run's answer is stored, from the recorded stdout alone (a pure function of the
/// bytes, like every policy closure); an answer that is not the tool's JSON costs nothing here.
public struct AnswerCost: Equatable, Sendable {
    /// Micro-dollars (0.05 USD is 50,000), so sums stay exact integers in the store.
    public var micros: Int64
    public var tokens: Int64

    /// `claude -p --output-format json` prints one object, `{"type": "result", ...,
    /// "total_cost_usd": 0.05, "usage": {"input_tokens": .., "output_tokens": ..,
    /// "cache_read_input_tokens": .., "cache_creation_input_tokens": ..}}`; with `stream-json`
    /// the same object is the last line. Tokens are the four usage counts added up.
    @Sendable static func claude(_ transcript: Transcript) -> AnswerCost? {
        lastDocument(of: transcript) { json in
            guard JSONLookup.string(at: ["type"], in: json) == .string("result") else { return nil }
            let micros = number(["total_cost_usd"], in: json).flatMap(microDollars)
            let usage = ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"]
                .compactMap { number(["usage", $0], in: json).flatMap(count) }
            guard micros != nil || !usage.isEmpty else { return nil }
            return AnswerCost(micros: micros ?? 0, tokens: usage.reduce(0) { $0.addingSaturating($1) })
        }
    }

    /// `gemini -p --output-format json` prints `{"response": .., "stats": {"models": {NAME:
    /// {"tokens": {"prompt": .., "candidates": .., "total": ..}}}}}` (tokens, no price), the
    /// totals of every model used added up; with `stream-json` the last line is
    /// `{"type": "result", "stats": {"total_tokens": ..}}`, already added up.
    @Sendable static func gemini(_ transcript: Transcript) -> AnswerCost? {
        lastDocument(of: transcript) { json in
            if JSONLookup.string(at: ["type"], in: json) == .string("result") {
                return number(["stats", "total_tokens"], in: json).flatMap(count).map { AnswerCost(micros: 0, tokens: $0) }
            }
            guard case .string = JSONLookup.string(at: ["response"], in: json),
                  case .members(let models) = JSONLookup.members(at: ["stats", "models"], in: json) else { return nil }
            // Keys match ignoring ASCII case: two spellings of one name are one model, counted once.
            var seen: Set<[UInt8]> = []
            let names = models.filter { seen.insert($0.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }).inserted }
            let totals = names.compactMap { number(["stats", "models", $0, "tokens", "total"], in: json).flatMap(count) }
            guard !totals.isEmpty else { return nil }
            return AnswerCost(micros: 0, tokens: totals.reduce(0) { $0.addingSaturating($1) })
        }
    }

    /// `read` applied to the whole of stdout (one JSON document, perhaps pretty-printed), else to
    /// its last non-empty line (the result event of a stream of JSON lines).
    private static func lastDocument(of transcript: Transcript, _ read: ([UInt8]) -> AnswerCost?) -> AnswerCost? {
        let stdout = transcript.stream(1)
        if let whole = read(stdout) { return whole }
        let blank: Set<UInt8> = [0x20, 0x09, 0x0D]
        let lines = stdout.split(separator: UInt8(ascii: "\n")).filter { line in !line.allSatisfy(blank.contains) }
        guard lines.count > 1, let last = lines.last else { return nil }
        return read(Array(last))
    }

    private static func number(_ path: [String], in json: [UInt8]) -> String? {
        guard case .number(let text) = JSONLookup.number(at: path, in: json) else { return nil }
        return text
    }

    /// A price past a million dollars per answer is no price a tool reports: refused, so no
    /// sum of them can overflow.
    static let maxMicros: Int64 = 1_000_000 * 1_000_000

    /// Dollars as micro-dollars, rounded; nil for what is not a price (negative, not finite, huge).
    static func microDollars(_ dollars: String) -> Int64? {
        guard let value = Double(dollars), value.isFinite, value >= 0, value * 1_000_000 <= Double(maxMicros) else {
            return nil
        }
        return Int64((value * 1_000_000).rounded())
    }

    /// A token count: a whole number, at most `maxMicros` as well (no answer is that long).
    static func count(_ text: String) -> Int64? {
        WholeNumber.parse(text[...]).flatMap { $0 <= maxMicros ? $0 : nil }
    }
}
