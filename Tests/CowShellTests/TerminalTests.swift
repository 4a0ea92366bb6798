#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import CowTestSupport

/// The built `cowsim` in a real pseudo-terminal: what a student gets when typing at the REPL.
/// Each test starts its own process with HOME and XDG_STATE_HOME in a fresh temporary directory.
@Suite("REPL in a pseudo-terminal", .serialized)
struct TerminalTests {
    /// A running REPL plus the directory that holds its history.
    final class Shell {
        let home: TemporaryDirectory
        let terminal: PseudoTerminal
        var historyPath: String { home.path + "/state/cowsim/history" }

        init(home: TemporaryDirectory? = nil, environment extra: [String: String] = [:]) throws {
            let binary = try CowsimBinary.require()
            let home = try home ?? TemporaryDirectory()
            var environment = [
                "HOME": home.path,
                "XDG_STATE_HOME": home.path + "/state",
                "TERM": "xterm",
                "NO_COLOR": "1",
                "LANG": "C.UTF-8",
                "PATH": "/usr/bin:/bin",
            ]
            for (key, value) in extra { environment[key] = value }
            self.home = home
            terminal = try PseudoTerminal(executable: binary, environment: environment)
        }

        /// True once a prompt is the last thing on the screen since the last mark.
        func waitForPrompt(timeout: Duration = .seconds(10)) -> Bool {
            terminal.waitUntil(timeout: timeout) { terminal in
                let last = terminal.textSinceMark.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
                return last.hasPrefix("cowsim") && last.hasSuffix("> ")
            }
        }

        /// Types `line` and Enter, and waits for the next prompt. Returns the output lines in
        /// between (the echoed command line first).
        func run(_ line: String) -> [String] {
            type(line + "\r")
            _ = waitForPrompt()
            return lines()
        }

        /// Starts a new mark and types `text`, so the next waits look only at what answers it.
        func type(_ text: String) {
            terminal.mark()
            terminal.send(text)
        }

        /// Output since the last mark, as lines.
        func lines() -> [String] {
            terminal.textSinceMark.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test("starts with a one-line banner naming `help`, then a prompt with the machine state")
    func bannerAndPrompt() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        let screen = shell.terminal.screenText
        let banner = screen.split(separator: "\n").first.map(String.init) ?? ""
        #expect(banner.hasPrefix("cowsim "))
        #expect(banner.contains("`help`"))
        let prompt = shell.lines().last ?? ""
        #expect(prompt.hasPrefix("cowsim[") && prompt.hasSuffix("]> "), "prompt was \(prompt)")
    }

    @Test("COWSIM_PROMPT=plain gives the fixed prompt `cowsim> `")
    func plainPrompt() throws {
        let shell = try Shell(environment: ["COWSIM_PROMPT": "plain"])
        #expect(shell.waitForPrompt())
        #expect(shell.lines().last == "cowsim> ")
    }

    @Test("a command prints its output and a new prompt follows")
    func commandAndOutput() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        let lines = shell.run("echo \"hello from the terminal\"")
        #expect(lines.contains("hello from the terminal"), "saw \(lines)")
    }

    @Test("several commands on one line separated by `;`")
    func multiCommandLine() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        let lines = shell.run("echo \"first\"; echo \"second\"")
        let outputs = lines.filter { $0 == "first" || $0 == "second" }
        #expect(outputs == ["first", "second"], "saw \(lines)")
    }

    @Test("Tab completes a command name at the start of the line")
    func tabCompletesCommand() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        shell.type("spaw\t")
        #expect(shell.terminal.waitFor("spawn "), "screen: \(shell.terminal.textSinceMark)")
        shell.terminal.send("shell\r")
        #expect(shell.waitForPrompt())
        #expect(!shell.terminal.textSinceMark.contains("error"), "saw \(shell.terminal.textSinceMark)")
    }

    @Test("Tab completes a process name where a process is expected")
    func tabCompletesProcessName() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        _ = shell.run("spawn shell")
        shell.type("fork sh\t")
        #expect(shell.terminal.waitFor("fork shell "), "screen: \(shell.terminal.textSinceMark)")
        shell.terminal.send("\u{15}")   // Ctrl-U: clear the line again
    }

    @Test("Tab completes a function name with its opening parenthesis and no space")
    func tabCompletesFunctionCall() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        _ = shell.run("spawn shell")
        shell.type("echo rs\t")
        #expect(shell.terminal.waitFor("echo rss("), "screen: \(shell.terminal.textSinceMark)")
        shell.terminal.send("sh\t")
        #expect(shell.terminal.waitFor("echo rss(shell "), "screen: \(shell.terminal.textSinceMark)")
        shell.terminal.send("\u{8})\r")     // Backspace over the space, close the call
        #expect(shell.terminal.waitFor("\n0"), "screen: \(shell.terminal.textSinceMark)")
        #expect(shell.waitForPrompt())
    }

    @Test("file names are completed after `source`, and nowhere else")
    func fileNamesOnlyAfterSource() throws {
        let shell = try Shell()
        writeText(shell.home.path + "/homework-one.cow", "echo \"from the file\"\n")
        #expect(shell.waitForPrompt())
        shell.type("source \(shell.home.path)/homework-o\t")
        #expect(shell.terminal.waitFor("homework-one.cow"), "screen: \(shell.terminal.textSinceMark)")
        let lines = shell.run("")
        #expect(lines.contains("from the file"), "saw \(lines)")

        shell.type("spawn \(shell.home.path)/homework-o\t")
        #expect(!shell.terminal.waitFor("homework-one", timeout: .milliseconds(300)))
        shell.terminal.send("\u{15}")   // Ctrl-U
    }

    @Test("Up-arrow recalls the previous line and Enter runs it again")
    func upArrowRecallsPreviousLine() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        _ = shell.run("echo \"once more\"")
        shell.type("\u{1B}[A")
        #expect(shell.terminal.waitFor("echo \"once more\""), "screen: \(shell.terminal.textSinceMark)")
        shell.terminal.send("\r")
        #expect(shell.waitForPrompt())
        #expect(shell.lines().contains("once more"), "saw \(shell.lines())")
    }

    @Test("Ctrl-C discards a half-typed line and shows a fresh prompt")
    func controlCDiscardsLine() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        shell.type("echo \"discarded\"")
        #expect(shell.terminal.waitFor("echo \"discarded\""))   // echoed before Ctrl-C (see notes)
        shell.type("\u{03}")
        #expect(shell.waitForPrompt(), "screen: \(shell.terminal.textSinceMark)")
        let lines = shell.run("echo \"kept\"")
        #expect(lines.contains("kept"), "saw \(lines)")
        #expect(!shell.terminal.screenText.split(separator: "\n").contains("discarded"))
        #expect(shell.terminal.waitForExit(timeout: .milliseconds(100)) == nil, "the REPL must still be running")
    }

    @Test("a `repeat` block spans lines; Ctrl-C inside it abandons the whole block")
    func blocksAndControlC() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        shell.type("repeat 2\r")
        #expect(shell.terminal.waitFor("...> "))
        let lines = shell.run("echo \"twice\"\rend")
        #expect(lines.filter { $0 == "twice" }.count == 2, "saw \(lines)")

        shell.type("repeat 3\r")
        #expect(shell.terminal.waitFor("...> "))
        shell.terminal.send("echo \"abandoned\"")
        #expect(shell.terminal.waitFor("echo \"abandoned\""))
        shell.type("\u{03}")
        #expect(shell.waitForPrompt(), "back at the normal prompt: \(shell.terminal.textSinceMark)")
        let after = shell.run("echo \"once\"")
        #expect(after.filter { $0 == "once" }.count == 1, "saw \(after)")
        #expect(!shell.terminal.screenText.split(separator: "\n").contains("abandoned"))
    }

    @Test("Ctrl-C during a long command interrupts it cleanly; the machine stays consistent")
    func controlCInterruptsLongCommand() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        _ = shell.run("spawn a; map a anon 0x10000 pages 1 rw")
        shell.type("repeat 1000000000; write a 0x10000 1; end\r")
        #expect(shell.terminal.waitFor("demand-zero"), "screen: \(shell.terminal.textSinceMark)")
        shell.terminal.send("\u{03}")
        #expect(shell.terminal.waitFor("interrupted"), "screen: \(shell.terminal.textSinceMark)")
        #expect(shell.waitForPrompt())
        #expect(shell.lines().contains { $0.hasPrefix("<repl>:1:1: error: interrupted") }, "saw \(shell.lines())")
        let check = shell.run("check")
        #expect(check.contains { $0.hasPrefix("check: ok") }, "saw \(check)")
    }

    @Test("an error prints a diagnostic and the next command still works")
    func errorThenWorkingCommand() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        let errorLines = shell.run("frobnicate shell")
        #expect(errorLines.contains { $0.contains("error:") }, "saw \(errorLines)")
        let lines = shell.run("echo \"still here\"")
        #expect(lines.contains("still here"), "saw \(lines)")
    }

    @Test("errors are coloured on a terminal, and not when NO_COLOR is set")
    func colourUnlessNoColour() throws {
        let coloured = try Shell(environment: ["NO_COLOR": ""])
        #expect(coloured.waitForPrompt())
        _ = coloured.run("frobnicate")
        #expect(coloured.terminal.rawOutput.contains("\u{1B}[1;31m"))

        let plain = try Shell()
        #expect(plain.waitForPrompt())
        _ = plain.run("frobnicate")
        #expect(plain.terminal.screenText.contains("error:"))
        #expect(!plain.terminal.rawOutput.contains("\u{1B}[1;31m"))
    }

    @Test("Ctrl-D at an empty prompt leaves with status 0")
    func controlDExits() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        shell.terminal.send("\u{04}")
        #expect(shell.terminal.waitForExit() == 0)
    }

    @Test("`quit` leaves with status 0 and writes the history file, mode 0600, one line per entry")
    func historyFileWritten() throws {
        let shell = try Shell()
        #expect(shell.waitForPrompt())
        _ = shell.run("echo \"one\"")
        _ = shell.run("echo \"two\"")
        _ = shell.run("echo \"two\"")       // a repeat is not recorded twice
        shell.terminal.send("quit\r")
        #expect(shell.terminal.waitForExit() == 0)
        #expect(readText(shell.historyPath) == "echo \"one\"\necho \"two\"\nquit\n")
        #expect(fileMode(shell.historyPath) == 0o600)
    }

    @Test("history from an earlier run is recalled with Up-arrow")
    func historyPersistsAcrossRuns() throws {
        let home = try TemporaryDirectory()
        do {
            let first = try Shell(home: home)
            #expect(first.waitForPrompt())
            _ = first.run("echo \"from the first run\"")
            first.terminal.send("\u{04}")
            #expect(first.terminal.waitForExit() == 0)
        }
        let second = try Shell(home: home)
        #expect(second.waitForPrompt())
        second.type("\u{1B}[A\r")
        #expect(second.waitForPrompt())
        #expect(second.lines().contains("from the first run"), "saw \(second.lines())")
    }

    @Test("a history file that cannot be written gives one warning, never a crash")
    func unwritableHistoryWarnsOnce() throws {
        let home = try TemporaryDirectory()
        writeText(home.path + "/state", "a plain file where a directory should be\n")
        let shell = try Shell(home: home)
        #expect(shell.waitForPrompt())
        _ = shell.run("echo \"fine\"")
        shell.terminal.send("\u{04}")
        #expect(shell.terminal.waitForExit() == 0)
        let warnings = shell.terminal.screenText.split(separator: "\n").filter { $0.contains("warning:") && $0.contains("history") }
        #expect(warnings.count == 1, "saw \(shell.terminal.screenText)")
    }
}

@Suite("cowsim without a terminal")
struct PipedInputTests {
    @Test("piped standard input: no banner, no prompt, no readline echo; lines run as a script")
    func pipedInputRunsAsScript() throws {
        let binary = try #require(CowsimBinary.path(), "the built cowsim binary")
        let home = try TemporaryDirectory()
        let result = try ProcessRunner.run(binary, input: "echo \"first\"\necho \"second\"\n",
                                           environment: ["HOME": home.path, "PATH": "/usr/bin:/bin", "TERM": "xterm"],
                                           standardErrorToOutput: true, timeout: .seconds(10))
        #expect(result.status == 0)
        #expect(result.stdout == "first\nsecond\n")
    }
}
