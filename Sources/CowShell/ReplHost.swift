/// What the REPL needs from the thing that runs commands. `Session` (CowLanguage) conforms in
/// SessionHost.swift; tests use a fake so the loop can be checked without a terminal.
public protocol ReplHost: AnyObject {
    /// Runs one typed line (it may hold several commands separated by `;`, or a whole block).
    /// Errors are printed by the host as diagnostics; the REPL goes on either way.
    /// Returns false on error.
    func runLine(_ line: String) -> Bool
    /// Runs a whole script text (used when standard input is not a terminal).
    func run(source: String, fileName: String) -> Bool
    /// Whether `text` opens a block (`repeat` ... `end`) it does not close: the REPL then reads
    /// more lines, with a continuation prompt, before running it.
    func isIncomplete(_ text: String) -> Bool
    /// Candidates for the word that ends at `cursor`, a UTF-8 byte offset into `line`
    /// (readline's own unit).
    func completions(line: String, cursor: Int) -> [String]
    /// Short machine state for the prompt, e.g. "3 procs, 41/64 frames".
    var promptSummary: String { get }
    /// Whether the prompt shows `promptSummary` (the language's `set prompt on|off`).
    var promptShowsState: Bool { get set }
    /// True once `quit` / `exit` (no argument) ran: the REPL then ends with status 0.
    var quitRequested: Bool { get }
    /// Polled by long-running commands; the REPL points it at the Ctrl-C flag.
    var isInterrupted: @Sendable () -> Bool { get set }
}
