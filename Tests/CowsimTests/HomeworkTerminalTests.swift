import Testing
import CowTestSupport

/// `cowsim quiz` on a real pseudo-terminal (the shared `PseudoTerminal`): the answer prompt is
/// readline's. Every wait has a timeout, so the test cannot hang.
@Suite("cowsim quiz on a terminal", .serialized)
struct HomeworkTerminalTests {
    @Test("the quiz prompts with readline, re-asks after a malformed answer, and scores")
    func quizOnATerminal() throws {
        let binary = try #require(CowsimBinary.path())
        let dir = try TemporaryDirectory(prefix: "cowsim-homework")
        dir.write("hw.cow", SampleProblem.text)
        let terminal = try PseudoTerminal(executable: binary, arguments: ["quiz", dir.path + "/hw.cow"],
                                          environment: ["HOME": dir.path, "TERM": "xterm", "NO_COLOR": "1", "LANG": "C.UTF-8"])
        #expect(terminal.waitFor(suffix: "Q1 (2 points): What is the Pss of b?\nanswer> "))
        terminal.send("two\r")
        #expect(terminal.waitFor(suffix: "`two` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none; try again\nanswer> "))
        // Line editing: type a wrong digit, erase it with backspace, type the right one.
        terminal.send("3\u{7F}2\r")
        #expect(terminal.waitFor(suffix: "right (+2 points)\nQ2 (1 point): Which frame does b map at 0x10000?\nanswer> "))
        terminal.send("0\r")
        #expect(terminal.waitFor(suffix: "answer> "))
        terminal.send("none\r")
        #expect(terminal.waitForExit() == 0)
        #expect(terminal.screenText.hasSuffix("right (+1 point)\nScore: 4/4 (3 of 3 questions right)\n"), "\(terminal.screenText)")
    }
}
