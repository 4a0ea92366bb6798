import CowEngine

extension PolicyWorkloads {
    /// Replays `refs` under `policy`: the seconds of the trace alone, and its summary.
    public static func run(_ policy: ReplacementPolicy, _ refs: [Int]) throws -> (seconds: Double, summary: TraceSummary) {
        var (m, p) = try machine(policy)
        var summary = TraceSummary()
        let seconds = try Measure.seconds { summary = try m.trace(p, base: 0x100, pages: refs, write: true) }
        guard summary.killed == nil, summary.accesses == refs.count else { throw WorkloadError.scriptFailed("trace \(policy)") }
        return (seconds, summary)
    }
}
