#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import CowTestSupport
@testable import CowShell

/// Bugs found by QA in the terminal-facing parts, one test each, expected values written by hand.
@Suite("QA regressions (terminal)", .serialized)
struct RegressionQATerminalTests {
    /// Writes `text` to `name` in a fresh HOME and starts the built `cowsim` on a terminal with
    /// the arguments `arguments(path of the file)`. The directory must outlive the terminal.
    func startOnTerminal(_ name: String, _ text: String,
                         arguments: (String) -> [String]) throws -> (TemporaryDirectory, PseudoTerminal) {
        let binary = try #require(CowsimBinary.path(), "the built cowsim binary was not found")
        let home = try TemporaryDirectory()
        let file = home.path + "/" + name
        writeText(file, text)
        let terminal = try PseudoTerminal(executable: binary, arguments: arguments(file),
                                          environment: ["HOME": home.path, "NO_COLOR": "1", "TERM": "xterm", "PATH": "/usr/bin:/bin"])
        return (home, terminal)
    }

    /// `cowsim script.cow` on a terminal buffered its output (64 KiB), so a long script showed
    /// nothing while it ran, and Ctrl-C, which ends a script at once, threw all of it away. On a
    /// terminal every line now appears as it is written.
    @Test("a script on a terminal shows its first lines while a long repeat still runs; Ctrl-C keeps them")
    func scriptOutputIsLiveOnATerminal() throws {
        let (home, terminal) = try startOnTerminal(
            "long.cow", "echo \"started\"\nspawn a\nrepeat 9223372036854775807 as i\n  let x = i\nend\n") { [$0] }
        defer { withExtendedLifetime(home) {} }
        #expect(terminal.waitFor("spawn  a (pid 1)", timeout: .seconds(20)), "seen: \(terminal.screenText)")
        #expect(terminal.screenText.hasPrefix("started\n"), "seen: \(terminal.screenText)")
        terminal.send("\u{03}")   // Ctrl-C: SIGINT ends the script
        _ = terminal.waitForExit(timeout: .seconds(10))
        #expect(terminal.screenText.contains("started"))
    }

    /// In `cowsim quiz` on a terminal, Ctrl-C on a half-typed answer killed the quiz (no score,
    /// status 130) where the REPL discards the line. It now discards the answer and asks again.
    @Test("Ctrl-C in a quiz discards the typed answer and asks again; the quiz goes on")
    func quizCtrlCDiscardsAnswer() throws {
        let (home, terminal) = try startOnTerminal("q.cow", "ask \"What is 6 * 7?\" 6 * 7\n") { ["quiz", $0] }
        defer { withExtendedLifetime(home) {} }
        #expect(terminal.waitFor("answer> "))
        terminal.mark()
        terminal.send("41")
        #expect(terminal.waitFor("41"))
        terminal.send("\u{03}")
        #expect(terminal.waitFor("answer> "), "seen: \(terminal.screenText)")
        terminal.send("42\r")
        #expect(terminal.waitFor("Score: 1/1"), "seen: \(terminal.screenText)")
        #expect(terminal.waitForExit() == 0)
        #expect(!terminal.screenText.contains("41\nwrong"), "seen: \(terminal.screenText)")
    }

    /// A history file with millions of lines (written by something else) took time quadratic in
    /// its length to load, because every line past the cap shifted the whole array.
    @Test("loading a huge history file keeps its newest 1000 entries, quickly")
    func hugeHistoryFile() throws {
        let home = try TemporaryDirectory()
        let path = home.path + "/history"
        var text = ""
        text.reserveCapacity(200_000 * 12)
        for index in 1...200_000 { text += "echo \(index)\n" }
        writeText(path, text)
        let history = History(path: path, warn: { _ in })
        let start = ContinuousClock.now
        history.load()
        let elapsed = ContinuousClock.now - start
        #expect(history.entries.count == 1000)
        #expect(history.entries.first == "echo 199001")
        #expect(history.entries.last == "echo 200000")
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }
}
