/// What `cowsim FILE... -c CMD` does, kept out of the executable so it can be tested: one
/// session runs the named scripts in order (`-` is standard input), then the `-c` commands.
public enum ScriptRunner {
    /// Where a script comes from.
    public enum Input: Sendable, Equatable {
        /// A file path (`-` means standard input).
        case file(String)
        /// Commands given with `-c` (`;` separates them).
        case commands(String)
    }

    /// Runs the inputs in order in one session; returns the exit status (0 success, 1 any error).
    /// Stops at the first failing input unless `options.keepGoing`, and after `quit`.
    public static func run(_ inputs: [Input], options: SessionOptions, output: OutputSink) -> Int32 {
        let session = Session(options: options, output: output)
        return run(inputs, session: session)
    }

    /// Same, with a session prepared by the caller (the homework layer sets its hooks first).
    public static func run(_ inputs: [Input], session: Session) -> Int32 {
        var ok = true
        for input in inputs {
            let fine: Bool
            switch input {
            case .file("-"):
                switch SystemIO.readAll(fd: 0) {
                case .success(let bytes): fine = session.run(SourceFile(name: "<stdin>", bytes: bytes))
                case .failure(let failure):
                    session.output.write(Diagnostic(file: "<stdin>", message: "cannot read standard input: \(failure.reason)").rendered(), style: .error)
                    fine = false
                }
            case .file(let path): fine = session.run(file: path)
            case .commands(let text): fine = session.run(SourceFile(name: "-c", text: text))
            }
            if !fine {
                ok = false
                if !session.options.keepGoing { break }
            }
            if session.quitRequested { break }
        }
        session.output.flush()
        return ok ? 0 : 1
    }

    /// An output sink for the process's standard streams, coloured as `ColourPolicy` says; on a terminal every line appears as soon as it is written (a long
    /// script shows its progress, and Ctrl-C loses nothing), elsewhere output is buffered.
    public static func standardOutput() -> OutputSink {
        let terminal = SystemIO.isTerminal(1)
        let colour = ColourPolicy.colours(isTerminal: terminal, environment: SystemIO.environment)
        let sink = StandardOutputSink(colour: colour)
        return terminal ? LineFlushingSink(sink) : sink
    }

    /// Whether standard input is a terminal (no arguments + terminal = the REPL).
    public static var standardInputIsTerminal: Bool { SystemIO.isTerminal(0) }
}
