import CowEngine

/// Options fixed for a whole session (they come from the command line).
public struct SessionOptions: Sendable {
    /// `--json`: `dump`, `smaps` and `stats` print JSON instead of tables.
    public var json: Bool
    /// `--keep-going`: report an error and go on with the next command instead of stopping.
    public var keepGoing: Bool
    /// `--seed`: the seed of `random` and `choose`.
    public var seed: UInt64
    /// Whether events (faults, copies, kills) are printed after each command.
    public var showEvents: Bool
    /// `--steps`: the step budget of each run (see `StepBudget`).
    public var steps: Int = StepBudget.defaultLimit
    /// `--quiet`: start as inside a `quiet` block (only errors and questions print; `show`
    /// still shows). Unlike a block around the whole script, it costs no memory.
    public var quiet: Bool

    /// Options with the defaults of a plain `cowsim script.cow`.
    public init(json: Bool = false, keepGoing: Bool = false, seed: UInt64 = 0, showEvents: Bool = true, quiet: Bool = false) {
        self.json = json
        self.keepGoing = keepGoing
        self.seed = seed
        self.showEvents = showEvents
        self.quiet = quiet
    }
}

/// The language's state and evaluation, apart from any I/O: the machine, variables, the seeded
/// generator and its draws, the questions asked, the pid index, `quiet`, the step budget, and
/// the statement loop that runs parsed statements against them. It writes what it prints to an
/// `OutputSink` it is handed, and reaches files only through `files` (`source` reads a script,
/// `save` writes one): the `Session` that owns it decides where output goes and does the I/O.
///
/// Commands are run by `Interpreter.run(_:keyword:)` (Interpreter.swift), one case per command.
public final class Interpreter {
    /// The options given at creation.
    public let options: SessionOptions
    /// The simulated machine. Its accesses skip the run-time exclusivity check: each `read` and
    /// `write` of a long script accesses it once (`withMachineShowingEvents`) and the check
    /// (`swift_beginAccess`, a thread-local lookup) cost about 3 % of a line; no access to it
    /// overlaps another (every test ran with the checks on before they were dropped).
    @exclusivity(unchecked) public private(set) var machine: Machine
    /// Polled by long-running commands; when it returns true the command stops with "interrupted".
    public var isInterrupted: @Sendable () -> Bool = { false }
    /// Set by `quit` (or `exit` with no argument); the REPL ends, a script stops (successfully).
    public internal(set) var quitRequested = false
    /// Hook for `ask` (homework). Default (nil): the question is printed numbered, answer hidden.
    public var askHandler: ((Question) -> Void)?
    /// Hook for solution sheets: the lines that explain an `ask`'s answer expression, computed
    /// at the moment of the `ask` (the homework layer supplies it; nil: no explanation).
    public var questionExplainer: ((Interpreter, Expr) -> [String])?
    /// The values `random` and `choose` drew so far, in order (the first `maximumDraws`).
    public internal(set) var draws: [Draw] = []
    /// Every question asked so far, with its computed answer, in order.
    public private(set) var questions: [Question] = []
    /// `set prompt on|off`: whether the REPL shows the state summary in its prompt.
    public var promptShowsState = true
    /// The backend the session's memory operations also run on (issue 12; Session+Backend.swift).
    var backendLink: BackendLink?
    var backendFactoryStorage: BackendFactory?
    /// `set draw on|off`: whether the REPL draws the machine after every line (`drawAfterCommand`).
    public var drawsAfterCommands = false
    /// How `source` reads a script and `save` (and `draw ... to`) write one (the session's file access).
    let files: ScriptFiles

    var variables: [String: Value] = [:]
    var random: SplitMix64
    var quiet = false
    /// The step budget, and the `source` lines being run (see `RunContext`).
    var runContext: RunContext
    var sourceDepth = 0
    /// Blocks and prefixes being run, across sourced files (execution recurses; see
    /// `maximumExecutionDepth`).
    var executionDepth = 0
    /// The most blocks that may be running inside one another, counting those of sourced files.
    static let maximumExecutionDepth = 256
    /// Set when an error that stops everything (Ctrl-C, a nesting limit) was reported inside a
    /// sourced file: the `source` commands around it stop too, and `expect-error` cannot catch it.
    var stopping = false
    /// Whether literal `read`/`write` lines take the fast path (FastPath/); switched off only by
    /// the test that compares both ways.
    var usesFastPath = true
    /// Successful top-level statements, for `save`. Appended once per statement, only by
    /// `record` (no access to it overlaps another), so its accesses skip the run-time exclusivity
    /// check (one per line of a long script); moving it out and back instead cost two releases.
    @exclusivity(unchecked) var transcriptLog = TranscriptLog()
    /// Blocks (and `expect-error` statements) that failed after running some of their commands:
    /// `save` leaves them out, so it warns that its script may not rebuild the same state.
    var partlyFailedStatements = 0
    /// Latest pid of each process name (kept in step by spawn, fork, vfork, reset, config).
    var pidByName: [String: PID] = [:] { didSet { lastPidLookup = PidLookup() } }
    /// The last name looked up (a script usually names the same process many times in a row).
    var lastPidLookup = PidLookup()

    /// A process found by name, and the name also as a `ShortName` (what resolved accesses hold).
    struct PidLookup {
        var pid: PID = 0
        var name = ""
        var shortName: ShortName?
    }
    /// The source whose statement is running (diagnostics point into it).
    var currentFile = SourceFile(name: "<none>", text: "")
    /// Where output goes (the session chooses it). Internal, so its accesses need no run-time
    /// exclusivity check: the compiler sees them all.
    var sink: OutputSink
    /// The machine's page size and address-space end, kept beside it: every `read` and
    /// `write` needs them, and reading them through `machine` costs a run-time exclusivity
    /// check each time. They can only change when the machine is replaced.
    private(set) var geometry: Geometry

    /// See `geometry`.
    struct Geometry {
        /// Bytes per page.
        var pageSize: Int
        /// Virtual page numbers run below this.
        var vpnLimit: Int
        /// Bits of a virtual address (48 unless the page-table layout says otherwise).
        var addressBits: Int

        init(_ machine: Machine) {
            pageSize = machine.pageSize
            vpnLimit = machine.vpnLimit
            addressBits = machine.tableLayout.virtualBits
        }
    }

    /// A fresh interpreter with an empty default machine, printing to `output` and reaching
    /// files through `files`.
    public init(options: SessionOptions = .init(), output: OutputSink, files: ScriptFiles = .system) {
        self.options = options
        self.sink = output
        self.files = files
        self.machine = Machine()
        self.geometry = Geometry(machine)
        self.random = SplitMix64(seed: options.seed)
        self.quiet = options.quiet
        self.runContext = RunContext(stepLimit: options.steps)
        machine.recordsEvents = options.showEvents && !options.quiet
    }

    /// Where output goes.
    public var output: OutputSink {
        get { sink }
        set { sink = newValue }
    }

    /// Runs a prepared source: every statement, stopping at the first error unless
    /// `keepGoing`. Returns false on any error or failed `expect`.
    public func run(_ file: SourceFile) -> Bool {
        quitRequested = false
        let ok = runStatements(of: file)
        sink.flush()
        return ok
    }

    /// Runs one parsed statement of `file` (for tools that parse first, such as transcript
    /// checks). Errors are printed; returns false on error.
    public func execute(_ statement: Statement, in file: SourceFile) -> Bool {
        do {
            try execute(statement, file: file)
            record(statement, file: file)
            sink.flush()
            return true
        } catch {
            handle(error)
            sink.flush()
            return false
        }
    }

    /// Short state for the prompt, e.g. "3 procs, 41/64 frames"; O(1) (the prompt shows it
    /// after every command, so it reads counters instead of `stats`, which walks page tables).
    public var promptSummary: String {
        let live = machine.liveProcessCount
        let procs = live == 1 ? "1 proc" : "\(live) procs"
        return "\(procs), \(machine.usedFrameCount)/\(machine.frameCount) frames"
    }

    /// Successful commands of the session, as source text, for `save FILE`: replaying them
    /// rebuilds the same state. `source` is replaced by the commands it ran; `save`, `help` and
    /// `quit` are left out.
    public var transcript: [String] { transcriptLog.lines }

    /// A variable's value (nil if unset).
    public func variable(_ name: String) -> Value? { variables[name] }

    // MARK: - The statement loop

    /// Runs every statement of `file`; true when none failed.
    func runStatements(of file: SourceFile) -> Bool {
        if sourceDepth == 0 {
            stopping = false
            runContext.stepsTaken = 0
        }
        var parser = Parser(file: file, fastPath: usesFastPath)
        var ok = true
        // Read once (only the host sets it, between runs): calling it through the property
        // retained and released its context before every statement.
        let interrupted = isInterrupted
        while true {
            switch parser.step() {
            case .end:
                return ok
            case .failure(let diagnostic):
                if let end = endBeforeNext(of: file, ok: ok, interrupted: interrupted) { return end }
                report(diagnostic)
                ok = false
                if parser.stoppedFatally {
                    stopping = true
                    return false
                }
                if !options.keepGoing { return false }
            case .statement(let statement):
                if let end = endBeforeNext(of: file, ok: ok, interrupted: interrupted, at: statement.span) { return end }
                do {
                    try execute(statement, file: file)
                    record(statement, file: file)
                } catch {
                    handle(error)
                    ok = false
                    if statement.mayFailPartWay { partlyFailedStatements += 1 }
                    if error.stopsEverything {
                        stopping = true
                        return false
                    }
                    if !options.keepGoing { return false }
                }
            }
        }
    }

    /// What `runStatements` returns if it must end before the next statement: `ok` after
    /// `quit`, false (reported) on Ctrl-C; nil to go on. Ctrl-C is reported at `span`, the
    /// statement that will not run, so a script says where it stopped (`x.cow:3:1`).
    private func endBeforeNext(of file: SourceFile, ok: Bool, interrupted: () -> Bool, at span: SourceSpan? = nil) -> Bool? {
        if quitRequested { return ok }
        if interrupted() {
            if let span {
                report(Diagnostic("interrupted before this command", at: span, in: file))
            } else {
                report(Diagnostic(file: file.name, message: "interrupted"))
            }
            stopping = true
            return false
        }
        return nil
    }

    /// Prints an error unless it was printed already.
    func handle(_ error: ScriptError) {
        switch error {
        case .failed(let d), .expectationFailed(let d): report(d)
        case .reported: break
        case .interrupted(let d), .fatal(let d): report(d)
        case .stopped: break
        }
    }

    /// Prints a diagnostic (always, even inside `quiet`).
    func report(_ diagnostic: Diagnostic) {
        sink.write(runContext.withSourceChain(diagnostic).rendered(), style: .error)
    }

    /// Remembers a successful top-level statement for `transcript`.
    func record(_ statement: Statement, file: SourceFile) {
        guard statement.isReplayable else { return }
        // Appended in place: `transcriptLog` is not checked for exclusivity at run time (see there).
        transcriptLog.append(statement.span, of: file)
    }

    // MARK: - Output helpers

    /// Writes one line unless output is suppressed by `quiet`.
    func say(_ line: String, style: OutputStyle = .plain) {
        guard !quiet else { return }
        sink.write(line + "\n", style: style)
    }

    /// Writes several lines unless suppressed.
    func say(lines: [String], style: OutputStyle = .plain) {
        guard !quiet, !lines.isEmpty else { return }
        sink.write(lines.joined(separator: "\n") + "\n", style: style)
    }

    /// Replaces the machine (config, reset).
    func replaceMachine(_ newMachine: Machine) {
        let recording = machine.recordsEvents
        machine = newMachine
        geometry = Geometry(newMachine)
        machine.recordsEvents = recording
        pidByName.removeAll()
    }

    /// Lets the interpreter mutate the machine in place.
    func withMachine<T, E: Error>(_ body: (inout Machine) throws(E) -> T) throws(E) -> T {
        try body(&machine)
    }

    /// Sets the quit flag.
    func requestQuit() { quitRequested = true }

    /// Adds a question to the list.
    func appendQuestion(_ q: Question) { questions.append(q) }
}

/// Why a statement failed.
enum ScriptError: Error {
    /// An error to print.
    case failed(Diagnostic)
    /// A failed `expect` (to print; a `repeat` adds which repetition it was in).
    case expectationFailed(Diagnostic)
    /// An error already printed (inside a sourced file).
    case reported
    /// Ctrl-C: stop even with --keep-going.
    case interrupted(Diagnostic)
    /// A limit that protects cowsim itself (nesting depth): stop even with --keep-going, and
    /// `expect-error` cannot catch it.
    case fatal(Diagnostic)
    /// An `.interrupted` or `.fatal` error already printed (inside a sourced file).
    case stopped

    /// Whether the error ends the whole run (not caught by `expect-error`, not skipped by
    /// --keep-going).
    var stopsEverything: Bool {
        switch self {
        case .interrupted, .fatal, .stopped: return true
        case .failed, .expectationFailed, .reported: return false
        }
    }
}

/// The text of every successful top-level statement, as places in their sources: a million-line
/// script records a million of them, so each is three integers in one flat array, and the
/// statements of one file share its entry in `files`.
struct TranscriptLog {
    /// The sources, in the order they were first recorded from.
    private var files: [SourceFile] = []
    /// (index in `files`, start, end) for each statement, flat.
    private var entries: [Int] = []
    /// The last of `files` (it stays alive in `files`, so its identifier is not reused): compared
    /// without taking `files.last`, which retained and released it for every statement.
    private var lastFile: ObjectIdentifier?

    /// Records the statement at `span` of `file`.
    mutating func append(_ span: SourceSpan, of file: SourceFile) {
        if lastFile != ObjectIdentifier(file) {
            files.append(file)
            lastFile = ObjectIdentifier(file)
        }
        entries.append(files.count - 1)
        entries.append(span.start)
        entries.append(span.end)
    }

    /// The statements' texts, in order.
    var lines: [String] {
        stride(from: 0, to: entries.count - 2, by: 3).map { k in
            files[entries[k]].text(from: entries[k + 1], to: entries[k + 2])
        }
    }
}
