import CowEngine

/// How an interpreter reaches files: `source` reads a script, `save` writes one. The session
/// supplies it (`.system`: the real file system); the interpreter itself does no I/O.
public struct ScriptFiles: Sendable {
    /// Reads the script at a (resolved) path.
    public var read: @Sendable (_ path: String) -> Result<SourceFile, SystemIO.Failure>
    /// Writes `text` to a (resolved) path, atomically; an existing file only if `replacing`
    /// (otherwise the failure's reason is `SystemIO.fileExists`).
    public var write: @Sendable (_ path: String, _ text: String, _ replacing: Bool) -> Result<Void, SystemIO.Failure>

    public init(read: @escaping @Sendable (String) -> Result<SourceFile, SystemIO.Failure>,
                write: @escaping @Sendable (String, String, Bool) -> Result<Void, SystemIO.Failure>) {
        self.read = read
        self.write = write
    }

    /// The real file system (`SourceFile.load`, `SystemIO.writeFile`).
    public static let system = ScriptFiles(read: { SourceFile.load(path: $0) },
                                           write: { SystemIO.writeFile($0, $1, replacing: $2) })
}

/// One session of the language, the I/O side: it owns an `Interpreter` (machine, variables,
/// evaluation; no I/O) and gives it its output sink and file access, reads the script files it
/// is asked to run, and turns REPL lines into sources. Scripts, `-c` commands and the REPL all
/// drive a session; everything about the language's state is forwarded to `interpreter`.
public final class Session {
    /// The language's state and evaluation.
    public let interpreter: Interpreter

    /// A fresh session with an empty default machine, printing to `output`; `source` and `save`
    /// use `files`.
    public init(options: SessionOptions = .init(), output: OutputSink, files: ScriptFiles = .system) {
        interpreter = Interpreter(options: options, output: output, files: files)
    }

    // MARK: - I/O

    /// Where output goes (replaceable, e.g. to capture one statement's output).
    public var output: OutputSink {
        get { interpreter.sink }
        set { interpreter.sink = newValue }
    }

    /// Runs a whole script text. Stops at the first error (unless keepGoing). Returns false on any
    /// error or failed `expect`.
    public func run(source: String, fileName: String) -> Bool {
        interpreter.run(SourceFile(name: fileName, text: source, directory: ""))
    }

    /// Runs a script file; relative `source` paths inside resolve against its directory.
    public func run(file path: String) -> Bool {
        switch interpreter.files.read(path) {
        case .failure(let failure):
            interpreter.report(Diagnostic(file: path, message: "cannot read \(path): \(failure.reason)"))
            interpreter.sink.flush()
            return false
        case .success(let file):
            return interpreter.run(file)
        }
    }

    /// Runs a prepared source.
    public func run(_ file: SourceFile) -> Bool { interpreter.run(file) }

    /// Runs one REPL line (may hold several commands separated by `;`). Errors are printed as
    /// diagnostics (file name "<repl>"). Returns false on error.
    public func runLine(_ line: String) -> Bool {
        let ok = interpreter.runStatements(of: SourceFile(name: "<repl>", text: line, directory: ""))
        interpreter.drawAfterCommand()
        interpreter.sink.flush()
        return ok
    }

    /// Runs one parsed statement of `file` (for tools that parse first, such as transcript
    /// checks). Errors are printed; returns false on error.
    public func execute(_ statement: Statement, in file: SourceFile) -> Bool {
        interpreter.execute(statement, in: file)
    }

    /// Whether `text` opens a block (`repeat`, `quiet`, `show`) it does not close, so the REPL
    /// should read more lines before running it: the parser's own verdict
    /// (`Parser.completeness`). A block that already has an error other than its missing `end`
    /// (`repeat (1`) is complete: the REPL shows the error at once.
    public func isIncomplete(_ text: String) -> Bool {
        Parser.completeness(of: SourceFile(name: "<repl>", text: text)) == .incomplete
    }

    /// Tab completion candidates (see `Interpreter.completions`).
    public func completions(line: String, cursor: Int) -> [String] {
        interpreter.completions(line: line, cursor: cursor)
    }

    // MARK: - The interpreter's state, forwarded

    /// The options given at creation.
    public var options: SessionOptions { interpreter.options }
    /// The simulated machine.
    public var machine: Machine { interpreter.machine }
    /// Polled by long-running commands; when it returns true the command stops with "interrupted".
    public var isInterrupted: @Sendable () -> Bool {
        get { interpreter.isInterrupted }
        set { interpreter.isInterrupted = newValue }
    }
    /// Set by `quit` (or `exit` with no argument).
    public var quitRequested: Bool { interpreter.quitRequested }
    /// Hook for `ask` (see `Interpreter.askHandler`).
    public var askHandler: ((Question) -> Void)? {
        get { interpreter.askHandler }
        set { interpreter.askHandler = newValue }
    }
    /// Hook for solution sheets (see `Interpreter.questionExplainer`).
    public var questionExplainer: ((Interpreter, Expr) -> [String])? {
        get { interpreter.questionExplainer }
        set { interpreter.questionExplainer = newValue }
    }
    /// The values `random` and `choose` drew so far.
    public var draws: [Draw] { interpreter.draws }
    /// Every question asked so far.
    public var questions: [Question] { interpreter.questions }
    /// `set prompt on|off`.
    public var promptShowsState: Bool {
        get { interpreter.promptShowsState }
        set { interpreter.promptShowsState = newValue }
    }
    /// `set draw on|off` (see `Interpreter.drawsAfterCommands`).
    public var drawsAfterCommands: Bool {
        get { interpreter.drawsAfterCommands }
        set { interpreter.drawsAfterCommands = newValue }
    }
    /// Short state for the prompt (see `Interpreter.promptSummary`).
    public var promptSummary: String { interpreter.promptSummary }
    /// Successful commands of the session, as source text, for `save FILE`.
    public var transcript: [String] { interpreter.transcript }
    /// A variable's value (nil if unset).
    public func variable(_ name: String) -> Value? { interpreter.variable(name) }
}
