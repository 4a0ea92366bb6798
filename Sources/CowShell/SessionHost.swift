#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CowLanguage

/// `Session` already has every member the REPL needs (the contract is in ReplHost.swift).
extension Session: ReplHost {}

extension REPL {
    /// Starts the REPL on a new `Session`: banner, prompt, readline editing and history,
    /// completion, Ctrl-C handling and colour. Returns the exit status (0 after Ctrl-D or `quit`).
    ///
    /// - Parameters:
    ///   - options: banner version, prompt style (`--plain-prompt` -> `.plain`), colour, history file.
    ///   - sessionOptions: passed to the `Session` (e.g. `--json`).
    ///   - prepare: called with the session before the first prompt (the executable registers
    ///     the kernel backend for `set backend kernel` here); the session's backend, if any, is
    ///     shut down when the REPL ends.
    public static func run(options: REPLOptions = REPLOptions(),
                           sessionOptions: SessionOptions = SessionOptions(),
                           prepare: (Session) -> Void = { _ in }) -> Int32 {
        let environment = currentEnvironment()
        let colour = options.colour.isEnabled(environment: environment,
                                              stdoutIsTerminal: isatty(STDOUT_FILENO) == 1)
        let sink = TerminalSink(colour: colour)
        let session = Session(options: sessionOptions, output: sink)
        prepare(session)
        defer { session.shutdownBackend() }
        return run(host: session, options: options, output: sink, environment: environment)
    }
}
