import CowLanguage

/// The read-eval-print loop, generic over its host so tests can drive it with a fake host and
/// a scripted line editor. One contract: read a line (more lines while a block is open), record
/// it, run it, until end of input or `quit`; then save the history and return the exit status.
final class ReplLoop<Host: ReplHost> {
    let host: Host
    let editor: LineEditor
    let history: History
    let output: OutputSink
    let banner: String

    /// `promptStyle` `.plain` switches the host's `promptShowsState` off at the start.
    init(host: Host, editor: LineEditor, history: History, output: OutputSink,
         promptStyle: PromptStyle, banner: String) {
        self.host = host
        self.editor = editor
        self.history = history
        self.output = output
        self.banner = banner
        if promptStyle == .plain { host.promptShowsState = false }
    }

    /// The prompt for a fresh command, as the host's state and `set prompt` dictate.
    var prompt: String {
        (host.promptShowsState ? PromptStyle.summary : .plain).text(summary: host.promptSummary)
    }

    /// Runs until Ctrl-D or `quit`/`exit`; always status 0 (errors in typed commands are the
    /// student's exploration, not a failure of the session).
    func run() -> Int32 {
        history.load()
        for entry in history.entries { editor.addHistory(entry) }
        host.isInterrupted = Signals.isInterrupted
        output.write(banner + "\n", style: .dim)
        var block: [String] = []     // lines of an unfinished `repeat` ... `end`
        while true {
            Signals.clearInterrupt()
            Signals.setInterruptPrompt(block.isEmpty ? nil : prompt)
            guard let line = editor.readLine(prompt: block.isEmpty ? prompt : PromptStyle.continuation) else { break }
            if Signals.interruptPending { block = [] }   // Ctrl-C abandoned the unfinished block
            record(line)
            block.append(line)
            let text = block.joined(separator: "\n")
            if host.isIncomplete(text) { continue }
            block = []
            execute(text)
            if host.quitRequested { break }
        }
        Signals.setInterruptPrompt(nil)
        if !host.quitRequested { output.write("\n", style: .plain) }   // Ctrl-D left the cursor after the prompt
        history.save()
        return 0
    }

    /// Adds a typed line to the history (file and line editor alike).
    func record(_ line: String) {
        if history.add(line) { editor.addHistory(line.trimmingWhitespace()) }
    }

    /// Runs one line or block; blank input does nothing. A Ctrl-C typed while it runs reaches
    /// the host through `isInterrupted` and is forgotten afterwards.
    func execute(_ text: String) {
        guard !text.trimmingWhitespace().isEmpty else { return }
        Signals.clearInterrupt()
        _ = host.runLine(text)
        Signals.clearInterrupt()
    }
}

/// The banner shown once when the REPL starts.
func bannerText(version: String) -> String {
    "cowsim \(version): type `help` for commands, Tab to complete, Ctrl-D to leave."
}
