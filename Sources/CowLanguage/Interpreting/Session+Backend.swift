import CowEngine

/// The session's end of the backend seam (see Backend.swift): the attached backend and where
/// the running statement is.
final class BackendLink {
    let backend: any MemoryBackend
    var location = ScriptLocation(file: "", line: 0, text: "")

    init(_ backend: any MemoryBackend) { self.backend = backend }
}

extension Interpreter {
    /// The attached backend (nil: the simulator alone).
    public var backend: (any MemoryBackend)? { backendLink?.backend }

    /// Makes backends for `set backend NAME` (the executable sets it; nil: only `sim`).
    public var backendFactory: BackendFactory? {
        get { backendFactoryStorage }
        set { backendFactoryStorage = newValue }
    }

    /// Attaches `backend` (nil detaches): from now on every command is admitted by it, every
    /// memory operation is also performed by it and figures come from it. The machine's own
    /// events are not shown while a backend is attached (they are the simulator's, not the
    /// backend's); literal `read`/`write` lines take the general path, which the seam sees.
    /// A backend detached or replaced is shut down.
    public func attach(backend: (any MemoryBackend)?) {
        if let old = backendLink?.backend, old !== backend { old.shutdown() }
        backendLink = backend.map(BackendLink.init)
        usesFastPath = backend == nil
        withMachine { $0.recordsEvents = backend == nil && options.showEvents && !quiet }
        if let profile = backend?.simulatorProfile { withMachine { $0.setProfile(profile) } }
    }

    /// Ends the attached backend's processes and files (exit, error, Ctrl-C); the session keeps
    /// running on the simulator alone.
    public func shutdownBackend() {
        backendLink?.backend.shutdown()
    }

    /// How a statement names its command in messages: the first word, with the second for
    /// commands named by two (`config frames`, `set fork`, `dump frames`).
    func commandName(of statement: Statement) -> String {
        let text = currentFile.text(from: statement.span.start, to: statement.span.end)
        let firstLine = text.split(separator: "\n", maxSplits: 1).first ?? ""
        let words = firstLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ";" })
        guard let first = words.first else { return "" }
        if ["config", "set", "dump"].contains(first), words.count > 1 { return "\(first) \(words[1])" }
        return String(first)
    }

    /// Asks the backend about a command before it runs: true to run it; false when the backend
    /// answered or ignored it (its lines printed here); an error when it refused.
    func admitToBackend(_ command: Command, statement: Statement, keyword: SourceSpan) throws(ScriptError) -> Bool {
        guard let link = backendLink else { return true }
        let text = currentFile.text(from: statement.span.start, to: statement.span.end)
        link.location = ScriptLocation(file: currentFile.name, line: keyword.line,
                                       text: String(text.split(separator: "\n", maxSplits: 1).first ?? ""))
        switch link.backend.admit(command, named: commandName(of: statement), on: machine) {
        case .perform: return true
        case .answered(let lines):
            say(lines: lines)
            return false
        case .ignored(let note):
            say(note, style: .dim)
            return false
        case .refused(let message):
            throw fail(message, at: keyword)
        }
    }

    /// Hands an operation the machine has just performed to the backend; prints the backend's
    /// lines. Its failure is an error at `span`. Without a backend: nothing, nil.
    @discardableResult
    func mirror(_ operation: MemoryOperation, at span: SourceSpan) throws(ScriptError) -> BackendOutcome? {
        guard let link = backendLink else { return nil }
        let outcome: BackendOutcome
        do {
            outcome = try link.backend.perform(operation, on: machine, at: link.location)
        } catch {
            throw fail(error.message, at: span)
        }
        say(lines: outcome.lines, style: .dim)
        return outcome
    }

    /// `read` with a backend attached: the machine reads (its events unshown), the backend reads
    /// the same pages, and the backend's values are printed.
    func readThroughBackend(_ vpns: Range<Int>, of info: (pid: PID, name: String), spans: ErrorSpans) throws(ScriptError) {
        _ = try engine(spans) { (m: inout Machine) throws(EngineError) in try m.read(info.pid, vpns: vpns) }
        let outcome = try mirror(.read(info.pid, vpns: vpns), at: spans.command)
        let values = outcome?.values ?? []
        if values.count == 1 && vpns.count == 1 {
            say("\(info.name) \(Format.hex(vpns.lowerBound * machine.pageSize)) = \(values[0])")
        } else {
            sayValues(info.name, start: vpns.lowerBound, values)
        }
    }

    /// `set backend NAME`: `sim` detaches; another name is made by the factory. Either way the
    /// machine starts empty, with a note saying so.
    func switchBackend(to name: Name) throws(ScriptError) {
        let newBackend: (any MemoryBackend)?
        if name.text == "sim" {
            newBackend = nil
        } else {
            guard let factory = backendFactory, factory.names.contains(name.text) else {
                let known = ["sim"] + (backendFactory?.names ?? [])
                throw fail("unknown backend `\(name.text)`; backends: " + known.joined(separator: ", "), at: name.span)
            }
            do {
                newBackend = try factory.make(name.text)
            } catch {
                throw fail(error.message, at: name.span)
            }
        }
        attach(backend: nil)
        replaceMachine(Machine(config: machine.config))
        attach(backend: newBackend)
        say("backend \(name.text): " + (newBackend == nil
            ? "the simulator (the machine was reset)"
            : "every memory operation also runs on the \(name.text) backend, figures come from it (the machine was reset)"), style: .dim)
    }
}

extension Session {
    /// The attached backend (nil: the simulator alone).
    public var backend: (any MemoryBackend)? { interpreter.backend }

    /// Makes backends for `set backend NAME` (the executable sets it; nil: only `sim`).
    public var backendFactory: BackendFactory? {
        get { interpreter.backendFactory }
        set { interpreter.backendFactory = newValue }
    }

    /// See `Interpreter.attach(backend:)`.
    public func attach(backend: (any MemoryBackend)?) { interpreter.attach(backend: backend) }

    /// See `Interpreter.shutdownBackend()`.
    public func shutdownBackend() { interpreter.shutdownBackend() }
}
