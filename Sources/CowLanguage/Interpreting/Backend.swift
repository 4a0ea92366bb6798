import CowEngine

// The backend seam (issue 12). A session always runs its script on the simulated `Machine`: the
// machine knows the script's names, regions and pids, checks every argument and places every
// error. A backend (the kernel backend of CowKernel, wired in by the executable; this layer does
// not know it) sees every command before it runs and every memory operation after the machine
// did it, performs the same operation elsewhere (on real processes), and answers the figures
// (`rss`, `frame`, `smaps`, ...) from there. Without a backend nothing of this runs.
//
// Safe by construction: a backend admits a command only by naming it; every other command, among
// them any command added later, is refused with "unsupported on the NAME backend: `CMD`".

/// What a backend does with a command, decided before the machine runs it.
public enum BackendAdmission: Sendable, Equatable {
    /// Run it: the machine runs it and hands every memory operation to `perform`.
    case perform
    /// The backend answered it itself (a report): print these lines, run nothing.
    case answered([String])
    /// It means nothing here: print this note, run nothing.
    case ignored(String)
    /// It cannot be done here: an error at the command, with this message.
    case refused(String)
}

/// A memory operation the machine has just performed, in the machine's terms (pids and page
/// numbers of the script), for a backend to perform too.
public enum MemoryOperation: Sendable, Equatable {
    case addFile(name: String, pages: Int, cached: Bool)
    case addLibrary(name: String, textPages: Int, dataPages: Int, cached: Bool)
    case spawn(PID)
    case mapAnonymous(PID, vpn: Int, pages: Int, permissions: Permissions, shared: Bool)
    case mapFile(PID, file: String, offset: Int, vpn: Int, pages: Int, permissions: Permissions, shared: Bool)
    case mapLibrary(PID, library: String, vpn: Int)
    case unmap(PID, vpn: Int, pages: Int)
    case protect(PID, vpn: Int, pages: Int, permissions: Permissions)
    case advise(PID, vpn: Int, pages: Int, advice: MemoryAdvice)
    case msync(PID, vpn: Int, pages: Int)
    case mremap(PID, vpn: Int, pages: Int, to: Int)
    /// `mremap P RANGE size N`: the region at `vpn` resized in place to `newPages`.
    case mremapResize(PID, vpn: Int, pages: Int, newPages: Int)
    /// `map ... populate`: the new mapping's pages faulted in (write faults if `write`).
    case populate(PID, vpn: Int, pages: Int, write: Bool)
    /// `mlock` (`lock`) / `munlock`.
    case mlock(PID, vpn: Int, pages: Int, lock: Bool)
    case fork(PID, child: PID)
    case vfork(PID, child: PID)
    case exec(PID)
    case exit(PID)
    case read(PID, vpns: Range<Int>)
    case write(PID, vpns: Range<Int>, value: Int64)
    case dropCaches
    /// The machine was replaced by an empty one (`reset`, `config`): everything starts over.
    case reset
}

/// What a backend's operation gave: its own report lines (its "events") and, for `read`, the
/// values it read (printed instead of the machine's).
public struct BackendOutcome: Sendable, Equatable {
    public var lines: [String]
    public var values: [Int64]?

    public init(lines: [String] = [], values: [Int64]? = nil) {
        self.lines = lines
        self.values = values
    }
}

/// A backend's error, as a sentence (placed at the command by the session).
public struct BackendFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where the running statement is, for a backend that reports per script line (`compare`).
public struct ScriptLocation: Sendable, Equatable {
    public var file: String
    public var line: Int
    /// The statement's text (its first line).
    public var text: String

    public init(file: String, line: Int, text: String) {
        self.file = file
        self.line = line
        self.text = text
    }
}

/// A place where a session's memory operations also run, and its figures come from.
public protocol MemoryBackend: AnyObject {
    /// "kernel": used in messages ("unsupported on the kernel backend: ...").
    var name: String { get }
    /// Decides what happens to `command` (`commandName` is how the script spelled it, e.g.
    /// `config frames`). The default refuses everything.
    func admit(_ command: Command, named commandName: String, on machine: Machine) -> BackendAdmission
    /// Performs `operation`, which `machine` (the state after it) has just performed.
    func perform(_ operation: MemoryOperation, on machine: Machine, at location: ScriptLocation) throws(BackendFailure) -> BackendOutcome
    /// Where the figure functions and `smaps` read from while this backend is attached.
    func figures(of machine: Machine) -> any MemoryFigures
    /// Ends everything the backend started (processes, files). Idempotent.
    func shutdown()
    /// The profile the machine beside this backend runs (the kernel backend: `linux`); nil: any.
    var simulatorProfile: Profile? { get }
}

extension MemoryBackend {
    public var simulatorProfile: Profile? { nil }

    /// Nothing is admitted unless the backend says so by name.
    public func admit(_ command: Command, named commandName: String, on machine: Machine) -> BackendAdmission {
        .refused(unsupported(commandName))
    }

    /// "unsupported on the kernel backend: `config frames`".
    public func unsupported(_ commandName: String) -> String {
        "unsupported on the \(name) backend: `\(commandName)`"
    }
}

/// Makes backends by name for `set backend NAME` (the executable registers the kernel's; this
/// layer knows none).
public struct BackendFactory: Sendable {
    /// The names `set backend` accepts besides `sim`.
    public var names: [String]
    /// Makes the backend called `name`, or says why it cannot (e.g. "needs Linux").
    public var make: @Sendable (String) throws(BackendFailure) -> any MemoryBackend

    public init(names: [String], make: @escaping @Sendable (String) throws(BackendFailure) -> any MemoryBackend) {
        self.names = names
        self.make = make
    }
}
