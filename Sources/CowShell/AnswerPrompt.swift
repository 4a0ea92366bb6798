#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CowLanguage

/// Reads a student's quiz answers with GNU readline: line editing, and Up-arrow recalls the
/// answers typed earlier in this quiz (nothing is saved to the history file). Ctrl-C discards
/// a half-typed answer and asks again, as at the REPL prompt (it used to end the whole quiz,
/// score lost); Ctrl-D still ends the quiz with the remaining questions unanswered.
public final class ReadlineAnswerReader {
    private let editor: ReadlineEditor

    /// A reader for the terminal on standard input (only one readline user at a time).
    public init() {
        Signals.installInterruptHandler()
        editor = ReadlineEditor(historyCapacity: 100, completer: { _, _ in [] })
    }

    /// One answer as typed (non-blank ones become recallable with Up-arrow); nil after Ctrl-D.
    public func readAnswer(prompt: String) -> String? {
        let line = editor.readLine(prompt: prompt)
        if let line, !line.trimmingWhitespace().isEmpty { editor.addHistory(line) }
        return line
    }
}
