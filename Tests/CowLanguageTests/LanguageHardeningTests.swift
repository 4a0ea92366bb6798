#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CowEngine
import CowTestSupport
import Testing
@testable import CowLanguage

/// Issue 9, language hardening: each test failed before its fix.
@Suite struct LanguageHardeningTests {
    // MARK: - 1. Huge number literals

    /// A number of a million digits was echoed whole in its error (and 200 MB of digits aborted
    /// the process building the error); it is now refused with its length.
    @Test func hugeNumberIsRefusedWithItsLengthNotItsDigits() {
        let r = run("echo " + String(repeating: "7", count: 1_000_000))
        #expect(!r.ok)
        #expect(r.lines.first == "t.cow:1:6: error: number too long: 1000000 digits (the largest number is 9223372036854775807, 19 digits)")
        #expect(r.output.utf8.count < 1_000)
        #expect(!r.output.contains(String(repeating: "7", count: 200)))
    }

    @Test func hugeHexAndFractionLiteralsAreCutShortToo() {
        let hex = run("echo 0x" + String(repeating: "f", count: 100_000))
        #expect(hex.lines.first == "t.cow:1:6: error: number too long: 100002 characters (the largest number is 0x7fffffffffffffff)")
        #expect(hex.output.utf8.count < 1_000)
        let fraction = run("echo 0." + String(repeating: "5", count: 100_000))
        #expect(fraction.lines.first == "t.cow:1:6: error: number `0." + String(repeating: "5", count: 35) + "...` (100002 characters) has too many digits")
        #expect(fraction.output.utf8.count < 1_000)
    }

    // MARK: - 2. No error echoes megabytes

    /// An unknown 1 MB word in a `write` line was printed twice (message and note): 2 MB.
    @Test func unknownHugeWordIsQuotedCutShortWithItsLength() {
        let word = String(repeating: "A", count: 1_000_000)
        let r = run("spawn p\nmap p anon 0 pages 1\nwrite p 0 \(word)")
        #expect(!r.ok)
        #expect(r.output.utf8.count < 2_000)
        #expect(r.output.contains("error: unknown variable `\(String(repeating: "A", count: 37))...` (1000000 characters)"))
        #expect(r.output.contains("note: line 3 is 1000010 characters long; only its part around the error is shown"))
    }

    @Test func hugeTokenBeforeAnExpectedOneIsCutShort() {
        let r = run("library " + String(repeating: "b", count: 500_000))
        #expect(!r.ok)
        #expect(r.output.utf8.count < 2_000)
        #expect(r.lines.first == "t.cow:1:500009: error: expected `text` after `\(String(repeating: "b", count: 37))...` (500000 characters), found the end of the line")
    }

    @Test func quotedCutsLongTokensOnly() {
        #expect(Diagnostic.quoted("fork") == "`fork`")
        #expect(Diagnostic.quoted(String(repeating: "x", count: 40)) == "`" + String(repeating: "x", count: 40) + "`")
        #expect(Diagnostic.quoted(String(repeating: "x", count: 41)) == "`" + String(repeating: "x", count: 37) + "...` (41 characters)")
    }

    // MARK: - 3. Step budget

    @Test func defaultBudgetIsOneBillionSteps() {
        #expect(StepBudget.defaultLimit == 1_000_000_000)
        #expect(SessionOptions().steps == 1_000_000_000)
    }

    /// 64 nested `repeat 2` would run 2^64 times; the budget stops them.
    @Test func nestedRepeatsStopAtTheBudget() {
        let nested = String(repeating: "repeat 2\n", count: 64) + String(repeating: "end\n", count: 64)
        let r = run("set steps 10000\n" + nested)
        #expect(!r.ok)
        #expect(r.output.contains("error: step budget exhausted after "))
        #expect(r.output.contains("this run took more than 10000 steps"))
        #expect(r.output.contains("raise the budget with `set steps N`"))
    }

    @Test func hugeRepeatStopsAtTheBudgetGivenInTheOptions() {
        var options = SessionOptions(keepGoing: true)
        options.steps = 500
        let r = run("repeat 0x7ffffffff000\nend\necho \"after\"", options: options)
        #expect(!r.ok)
        #expect(r.lines.first == "t.cow:1:1: error: step budget exhausted after 500 of 140737488351232 repetitions: this run took more than 500 steps")
        #expect(!r.output.contains("after\n"))   // even --keep-going stops
    }

    @Test func budgetCountsRepetitionsAndTheirCommands() {
        // 10 repetitions of 2 commands: 30 steps.
        #expect(run("set steps 30\nrepeat 10\nlet a = 1\nlet b = 2\nend").ok)
        #expect(!run("set steps 29\nrepeat 10\nlet a = 1\nlet b = 2\nend").ok)
        #expect(!run("set steps 29\nexpect-error repeat 10\nlet a = 1\nlet b = 2\nend").ok)
    }

    @Test func eachReplLineHasAFreshBudget() {
        let sink = BufferSink()
        let session = Session(output: sink)
        #expect(session.runLine("set steps 100"))
        #expect(session.runLine("repeat 60; end"))
        #expect(session.runLine("repeat 60; end"))
        #expect(!session.runLine("repeat 101; end"))
    }

    @Test func setStepsNeedsAPositiveWholeNumber() {
        #expect(firstError("set steps 0") == "t.cow:1:11: error: the step budget must be between 1 and 9223372036854775807, found 0")
        #expect(firstError("set steps") == "t.cow:1:10: error: expected a number after `steps`, found the end of the line")
    }

    /// Ctrl-C stops nested repeats at any depth, well before the budget.
    @Test func interruptStopsDeeplyNestedRepeats() {
        let nested = String(repeating: "repeat 2\n", count: 64) + String(repeating: "end\n", count: 64)
        let sink = BufferSink()
        let session = Session(output: sink)
        let counter = Counter()
        session.isInterrupted = { counter.tick() > 300 }
        #expect(!session.run(source: nested, fileName: "t.cow"))
        #expect(sink.text.contains("error: interrupted after "))
    }

    // MARK: - 4. Terminal safety

    @Test func echoShowsControlCharactersEscaped() {
        let r = run("echo \"\u{1B}]0;pwned\u{07}\u{1B}[2J\"\nlet t = \"a\u{1B}c\"\necho t")
        #expect(r.ok)
        #expect(!r.output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(r.lines == ["\\u{1B}]0;pwned\\u{7}\\u{1B}[2J", "a\\u{1B}c"])
    }

    @Test func questionsAndHintsAreEscaped() {
        let r = run("ask \"clear\u{1B}[2J?\" 3 hint \"t\u{1B}]0;x\u{07}\"")
        #expect(r.ok)
        #expect(r.output == "Q1 (1 point): clear\\u{1B}[2J?\n")
        let question = r.session.questions.first
        #expect(question?.text == "clear\\u{1B}[2J?")
        #expect(question?.hint == "t\\u{1B}]0;x\\u{7}")
    }

    @Test func stringsInErrorsAreEscaped() {
        let r = run("let x = \"\u{1B}[31mred\"\nexpect x == \"a\"")
        #expect(!r.ok)
        #expect(!r.output.unicodeScalars.contains { $0.value == 0x1B })
        #expect(r.output.contains("note: x is \\u{1B}[31mred"))
    }

    @Test func escapingRules() {
        #expect(TerminalText.escaped("plain\ttext\nnext") == "plain\ttext\nnext")
        #expect(TerminalText.escaped("a\r\u{9B}b\u{202E}c\u{7F}") == "a\\u{D}\\u{9B}b\\u{202E}c\\u{7F}")
        #expect(TerminalText.escaped("line\nbreak", keepingNewlines: false) == "line\\u{A}break")
        let once = TerminalText.escaped("\u{1B}[0m")
        #expect(TerminalText.escaped(once) == once)
    }

    // MARK: - 5. A call needs `(` right after the name

    @Test func spacedParenthesisAfterAnUnknownNameIsNotACall() {
        let r = run("let i = 1\necho w (i + 2)")
        #expect(r.lines.prefix(3) == ["t.cow:2:6: error: unknown function `w`", "    echo w (i + 2)", "         ^"])
        #expect(r.output.contains("note: a call needs `(` right after the name"))
    }

    @Test func spacedParenthesisAfterAFunctionAsksToRemoveTheSpace() {
        #expect(firstError("spawn s\necho rss (s)") == "t.cow:2:6: error: a call needs `(` right after the function's name: write `rss(`, without a space")
        #expect(run("spawn s\necho rss(s)").ok)
    }

    /// In a command, a name then `(...)` are two operands: the address and the value.
    @Test func spacedParenthesisInACommandIsTheNextOperand() {
        let r = run("spawn s\nmap s anon 0 pages 1\nlet x = 0\nlet i = 1\nwrite s x (i + 2)\necho value(s, 0)")
        #expect(r.ok, "\(r.output)")
        #expect(r.lines.last == "3")
    }

    // MARK: - 6. Arithmetic at the edge of 64 bits

    @Test func minimumIntegerDividedByItselfIsOne() {
        let m = "let m = -9223372036854775807 - 1"
        #expect(value("m / m", after: m) == "1")
        #expect(value("-1 - m", after: m) == "9223372036854775807")
        #expect(value("m / 2", after: m) == "-4611686018427387904")
        #expect(value("(m + 1) / m", after: m).contains("arithmetic overflow"))   // denominator 2^63
        #expect(value("m / -1", after: m).contains("arithmetic overflow"))
        #expect(Rational(Int.min).divided(by: Rational(Int.min)) == Rational(1))
        #expect(Rational(6).divided(by: Rational(-4)) == Rational(-3, 2))
        #expect(Rational(Int.min).divided(by: Rational(4)) == Rational(Int.min / 4))
        #expect(Rational(-1).subtracting(Rational(Int.min)) == Rational(Int.max))
        #expect(Rational(0).subtracting(Rational(Int.min)) == nil)
    }

    // MARK: - 7. Suggestions and messages about processes

    @Test func oneLetterNamesAreNotSuggestedForUnrelatedOnes() {
        #expect(Suggestions.nearest(to: "x", in: ["p", "q"]) == nil)
        #expect(Suggestions.nearest(to: "ab", in: ["a"]) == nil)
        #expect(Suggestions.nearest(to: "frok", in: ["fork"]) == "fork")
        let r = run("spawn p\nlet q = 1\necho x")
        #expect(!r.output.contains("did you mean"))
        let process = run("spawn p\nexec z")
        #expect(!process.output.contains("did you mean"))
    }

    @Test func unknownProcessAfterEveryProcessDied() {
        #expect(firstError("spawn a\nspawn b\nexit a\nexit b\nsmaps zz")
                == "t.cow:5:7: error: no process named `zz`; no process is alive (all 2 have exited or were killed)")
        #expect(firstError("smaps zz") == "t.cow:1:7: error: no process named `zz`; there are no processes yet (create one with `spawn NAME`)")
    }

    // MARK: - 8. Where an error happened

    @Test func failedExpectInsideRepeatShowsTheLoopVariables() {
        let r = run("repeat 3 as i\n  repeat 2 as j\n    expect i + j < 3\n  end\nend")
        #expect(!r.ok)
        #expect(r.lines.suffix(3) == [
            "note: i + j is 3",
            "note: j = 1 (in repetition 2 of 2 of the `repeat` at line 2)",
            "note: i = 2 (in repetition 3 of 3 of the `repeat` at line 1)",
        ])
        let plain = run("repeat 2\n  expect false\nend")
        #expect(plain.lines.last == "note: in repetition 1 of 2 of the `repeat` at line 1")
    }

    @Test func errorInASourcedFileShowsTheChainOfSourceLines() throws {
        let directory = try #require(makeTemporaryDirectory())
        defer { removeRecursively(directory) }
        #expect(writeText(directory + "/main.cow", "spawn p\n\nsource \"lib.cow\"\n"))
        #expect(writeText(directory + "/lib.cow", "echo \"lib\"\nsource \"inner.cow\"\n"))
        #expect(writeText(directory + "/inner.cow", "echo 1\nexpect 1 == 2\n"))
        let sink = BufferSink()
        let session = Session(output: sink)
        #expect(!session.run(file: directory + "/main.cow"))
        let lines = sink.text.split(separator: "\n").map(String.init)
        #expect(lines.first { $0.contains("error:") } == "\(directory)/inner.cow:2:8: error: expectation failed: 1 == 2")
        #expect(lines.suffix(2) == ["note: sourced from \(directory)/lib.cow:2", "note: sourced from \(directory)/main.cow:3"])
    }

    // MARK: - 9. smaps on an 80-column terminal

    static let smapsSetup = "library libc text 32 data 8 cached\nspawn shell\nmap-library shell libc at 0x400000\n"
        + "map shell anon 0x10000 pages 16 rw as heap\nfork shell as ls\nwrite ls 0x10000 7\n"

    private func smaps(_ command: String, width: Int?) -> [String] {
        let sink = BufferSink()
        sink.terminalWidth = width
        let session = Session(options: SessionOptions(showEvents: false, quiet: false), output: sink)
        _ = session.run(source: Self.smapsSetup, fileName: "t.cow")
        sink.clear()
        #expect(session.runLine(command))
        return sink.text.split(separator: "\n").map(String.init)
    }

    @Test func narrowTerminalGetsTheNarrowLayout() {
        let narrow = smaps("smaps ls", width: 80)
        #expect(narrow.allSatisfy { $0.count <= 80 })
        #expect(narrow.prefix(5) == [
            "smaps of ls (pid 2), sizes in kB; Pss pages exact",
            // ls wrote one page of its heap (a fresh zero page: the parent never touched it).
            "  heap  0x10000..0x20000",
            "    Size            64  Rss            4  Pss           4",
            "    Pss pages        1  Shared_Clean   0  Shared_Dirty  0",
            "    Private_Clean    0  Private_Dirty  4  Anonymous     4",
        ])
        #expect(narrow.suffix(4) == [
            "  total",
            "    Size           224  Rss            4  Pss           4",
            "    Pss pages        1  Shared_Clean   0  Shared_Dirty  0",
            "    Private_Clean    0  Private_Dirty  4  Anonymous     4",
        ])
        #expect(smaps("smaps ls narrow", width: nil) == narrow)
    }

    @Test func filesPipesAndWideTerminalsKeepTheWideTable() {
        let wide = smaps("smaps ls", width: nil)
        #expect(wide.first == "smaps of ls (pid 2): sizes in kB as /proc/2/smaps prints them; Pss pages exact")
        #expect(wide.dropFirst().first?.hasPrefix("  region     range               Size  Rss  Pss  Pss pages  Shared_Clean") == true)
        #expect(smaps("smaps ls", width: 200) == wide)
        #expect(smaps("smaps ls wide", width: 80) == wide)
    }

    // MARK: - Helpers

    private func makeTemporaryDirectory() -> String? {
        var template = Array("/tmp/cowsim-lang-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } }.map { String(cString: $0) }
    }
}
