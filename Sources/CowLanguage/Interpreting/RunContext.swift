/// The step budget: how much work one run may do before it is stopped.
///
/// A step is one repetition of a `repeat` body plus one per command in that body (so 64 nested
/// `repeat 2`, or `repeat 0x7ffffffff000`, stop after `defaultLimit` steps instead of running
/// for weeks). Each script run, `-c` and REPL line starts with a fresh count; `set steps N` and
/// `--steps N` change the limit. Commands outside any `repeat` are not counted: a script can
/// only hold so many of them.
public enum StepBudget {
    /// 10^9 steps: far above every shipped and benchmark script (the largest, a million
    /// `write`s in a loop, takes 2 million), and a few seconds to a minute of work.
    public static let defaultLimit = 1_000_000_000
}

/// Per-run state of a session beside its variables: the step budget and the chain of `source`
/// commands being run (for error notes).
struct RunContext {
    /// The most steps a run may take.
    var stepLimit: Int
    /// Steps taken by the current run.
    var stepsTaken = 0
    /// The `source` commands being run, outermost first: the file and line of each.
    var sources: [(file: String, line: Int)] = []

    init(stepLimit: Int) { self.stepLimit = stepLimit }

    /// `diagnostic` with a note per `source` command it happened under, innermost first
    /// ("sourced from main.cow:3").
    func withSourceChain(_ diagnostic: Diagnostic) -> Diagnostic {
        guard !sources.isEmpty else { return diagnostic }
        var d = diagnostic
        for source in sources.reversed() { d.notes.append("sourced from \(source.file):\(source.line)") }
        return d
    }
}

extension Interpreter {
    /// Counts `n` steps of a `repeat` (at `span` of `file`, in repetition `i` of `count`);
    /// past the budget, stops the run (an error `expect-error` and `--keep-going` do not pass).
    @inline(__always)
    func takeSteps(_ n: Int, repetition i: Int, of count: Int, at span: SourceSpan, in file: SourceFile) throws(ScriptError) {
        let (taken, overflow) = runContext.stepsTaken.addingReportingOverflow(n)
        runContext.stepsTaken = taken
        guard overflow || taken > runContext.stepLimit else { return }
        throw .fatal(Diagnostic(
            "step budget exhausted after \(i) of \(count) repetitions: this run took more than \(runContext.stepLimit) steps",
            at: span, in: file,
            notes: ["a step is one repetition of a `repeat` plus one per command in it",
                    "if the work is meant, raise the budget with `set steps N` (or `--steps N` on the command line)"]))
    }

    /// A failed `expect` in repetition `i` of a `repeat`, with the loop's variable (if any) and
    /// repetition added as a note; other errors unchanged.
    func annotated(_ error: ScriptError, repetition i: Int, of count: Int, variable: String?, at span: SourceSpan) -> ScriptError {
        guard case .expectationFailed(var d) = error else { return error }
        let place = "in repetition \(i + 1) of \(count) of the `repeat` at line \(span.line)"
        d.notes.append(variable.map { "\($0) = \(i) (\(place))" } ?? place)
        return .expectationFailed(d)
    }
}
