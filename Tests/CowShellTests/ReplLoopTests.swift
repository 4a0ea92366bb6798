#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import CowTestSupport
import CowLanguage
@testable import CowShell

/// A host that records what the loop asks of it.
final class FakeHost: ReplHost {
    var ran: [String] = []
    var quitRequested = false
    var promptShowsState = true
    var isInterrupted: @Sendable () -> Bool = { false }
    var promptSummary: String { "\(ran.count) procs, 0/64 frames" }

    func runLine(_ line: String) -> Bool {
        ran.append(line)
        if line == "quit" { quitRequested = true }
        if line == "set prompt off" { promptShowsState = false }
        if line == "set prompt on" { promptShowsState = true }
        return !line.hasPrefix("bad")
    }
    /// A block is open while more lines start with `repeat` than with `end`.
    func isIncomplete(_ text: String) -> Bool {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters() }
        return lines.filter { $0.hasPrefix("repeat") }.count > lines.filter { $0 == "end" }.count
    }
    func run(source: String, fileName: String) -> Bool { true }
    func completions(line: String, cursor: Int) -> [String] { [] }
}

/// Hands out scripted lines, then end of input; remembers prompts and history.
final class ScriptedEditor: LineEditor {
    var lines: [String]
    var prompts: [String] = []
    var history: [String] = []
    init(_ lines: [String]) { self.lines = lines }
    func readLine(prompt: String) -> String? {
        prompts.append(prompt)
        return lines.isEmpty ? nil : lines.removeFirst()
    }
    func addHistory(_ line: String) { history.append(line) }
}

extension Substring {
    func trimmingCharacters() -> String { String(self).split(separator: " ").joined(separator: " ") }
}

final class RecordingSink: OutputSink {
    var text = ""
    func write(_ text: String, style: OutputStyle) { self.text += text }
}

@Suite("REPL loop with a fake host", .serialized)   // they share the process-wide Ctrl-C flag
struct ReplLoopTests {
    func makeLoop(_ host: FakeHost, _ editor: ScriptedEditor, _ history: History, _ sink: RecordingSink,
                  style: PromptStyle = .summary) -> ReplLoop<FakeHost> {
        ReplLoop(host: host, editor: editor, history: history, output: sink, promptStyle: style, banner: "BANNER")
    }

    @Test("runs every non-blank line, goes on after an error, ends at end of input with status 0")
    func runsLinesUntilEnd() throws {
        let host = FakeHost()
        let editor = ScriptedEditor(["spawn a", "", "bad thing", "spawn b"])
        let sink = RecordingSink()
        let status = makeLoop(host, editor, History(path: nil, warn: { _ in }), sink).run()
        #expect(status == 0)
        #expect(host.ran == ["spawn a", "bad thing", "spawn b"])
        #expect(sink.text == "BANNER\n\n")   // banner, then a newline after Ctrl-D
        #expect(editor.prompts == ["cowsim[0 procs, 0/64 frames]> ", "cowsim[1 procs, 0/64 frames]> ",
                                   "cowsim[1 procs, 0/64 frames]> ", "cowsim[2 procs, 0/64 frames]> ",
                                   "cowsim[3 procs, 0/64 frames]> "])
    }

    @Test("`quit` ends the loop before the remaining lines, and the history is saved")
    func quitStopsAndSaves() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/h/history"
        writeText(directory.path + "/seed", "")
        let host = FakeHost()
        let editor = ScriptedEditor(["spawn a", "spawn a", "quit", "never run"])
        let status = makeLoop(host, editor, History(path: path, warn: { _ in }), RecordingSink(), style: .plain).run()
        #expect(status == 0)
        #expect(host.ran == ["spawn a", "spawn a", "quit"])
        #expect(editor.history == ["spawn a", "quit"])
        #expect(editor.prompts.allSatisfy { $0 == "cowsim> " })
        #expect(readText(path) == "spawn a\nquit\n")
    }

    @Test("an open `repeat` block is read with the continuation prompt and run as one text")
    func continuationLines() {
        let host = FakeHost()
        let editor = ScriptedEditor(["repeat 2", "echo \"x\"", "end", "stats"])
        _ = makeLoop(host, editor, History(path: nil, warn: { _ in }), RecordingSink()).run()
        #expect(host.ran == ["repeat 2\necho \"x\"\nend", "stats"])
        #expect(editor.prompts == ["cowsim[0 procs, 0/64 frames]> ", "   ...> ", "   ...> ",
                                   "cowsim[1 procs, 0/64 frames]> ", "cowsim[2 procs, 0/64 frames]> "])
        #expect(editor.history == ["repeat 2", "echo \"x\"", "end", "stats"])
    }

    @Test("a plain prompt style turns the host's state prompt off; `set prompt on` brings it back")
    func promptSwitches() {
        let host = FakeHost()
        let editor = ScriptedEditor(["set prompt on", "set prompt off"])
        _ = makeLoop(host, editor, History(path: nil, warn: { _ in }), RecordingSink(), style: .plain).run()
        #expect(editor.prompts == ["cowsim> ", "cowsim[1 procs, 0/64 frames]> ", "cowsim> "])
    }

    @Test("history saved earlier is loaded into the line editor first")
    func loadsHistory() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/history"
        writeText(path, "dump a\nstats\n")
        let editor = ScriptedEditor(["check"])
        _ = makeLoop(FakeHost(), editor, History(path: path, warn: { _ in }), RecordingSink()).run()
        #expect(editor.history == ["dump a", "stats", "check"])
        #expect(readText(path) == "dump a\nstats\ncheck\n")
    }

    @Test("the host's interrupt hook is the Ctrl-C flag, and a real SIGINT raises it")
    func interruptHook() {
        let host = FakeHost()
        _ = makeLoop(host, ScriptedEditor([]), History(path: nil, warn: { _ in }), RecordingSink()).run()
        #expect(Signals.installInterruptHandler())
        defer { signal(SIGINT, SIG_DFL) }
        Signals.clearInterrupt()
        #expect(host.isInterrupted() == false)
        raise(SIGINT)   // the handler unblocked SIGINT in this thread, so delivery is synchronous
        #expect(host.isInterrupted() == true)
        Signals.clearInterrupt()
        #expect(host.isInterrupted() == false)
    }
}
