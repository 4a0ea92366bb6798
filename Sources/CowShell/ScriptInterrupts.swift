import CowLanguage

/// Running script files and `-c` commands with Ctrl-C handled: the running command stops where
/// it polls (a `repeat` says "interrupted after N of M repetitions", otherwise the script stops
/// before its next command, `x.cow:3:1: error: interrupted before this command`), the output so
/// far is flushed, and the process exits with status 130 (128 + SIGINT), as shells expect of a
/// program stopped by Ctrl-C. A second Ctrl-C before the first was acted on ends the process
/// at once.
public enum ScriptInterrupts {
    /// Exit status after Ctrl-C.
    public static let interruptedStatus: Int32 = 130

    /// `ScriptRunner.run` with the SIGINT handler installed; returns the exit status.
    public static func run(_ inputs: [ScriptRunner.Input], options: SessionOptions, output: OutputSink) -> Int32 {
        run(inputs, session: Session(options: options, output: output))
    }

    /// Same, with a session prepared by the caller (e.g. with a backend attached).
    public static func run(_ inputs: [ScriptRunner.Input], session: Session) -> Int32 {
        Signals.installInterruptHandler(.script)
        session.isInterrupted = Signals.isInterrupted
        let status = ScriptRunner.run(inputs, session: session)
        guard Signals.interruptPending else { return status }
        session.output.flush()
        return interruptedStatus
    }
}
