import Testing
import CowTestSupport
import CowEngine
@testable import CowLanguage
@testable import CowHomework

/// `ask` with yes/no, text and multiple-choice answers: the language records them, `quiz` shows
/// the choices and grades them, answers files grade them, sheets show them.
@Suite struct AnswerKindsTests {
    static let problem = """
        quiet
          spawn a
          map a anon 0x10000 pages 2 rw as heap
          write a 0x10000 pages 2 1
          fork a as b
          write b 0x10000 5
        end
        ask "Does a read 5 at 0x10000?" value(a, 0x10000) == 5
        ask "Who made the copy (a name)?" "b" points 2
        ask "What does fork copy?" "page-table entries" choices "pages" "page-table entries" "nothing at all" hint "not the pages"

        """

    static func questions() -> [Question] {
        Problem.load(SourceFile(name: "k.cow", text: problem), seed: 0).questions
    }

    @Test func theLanguageRecordsEachKind() {
        let q = Self.questions()
        #expect(q.map(\.expected) == [.yesNo(false), .text("b"), .choice(1)])
        #expect(q.map(\.kind) == ["yes/no", "text", "choice"])
        #expect(q[2].choices == ["pages", "page-table entries", "nothing at all"])
        #expect(q.map(\.answerText) == ["no", "b", "b (page-table entries)"])
    }

    @Test func aPlainRunShowsTheChoices() {
        let sink = BufferSink()
        #expect(Session(output: sink).run(source: Self.problem, fileName: "k.cow"))
        #expect(sink.text.hasSuffix("""
            Q3 (1 point): What does fork copy?
              a) pages
              b) page-table entries
              c) nothing at all

            """))
    }

    @Test(arguments: [
        (0, "no", "right"), (0, " N ", "right"), (0, "false", "right"), (0, "yes", "wrong"), (0, "maybe", "malformed"),
        (1, "b", "right"), (1, "  B ", "right"), (1, "a", "wrong"),
        (2, "b", "right"), (2, "B)", "right"), (2, "b) page-table entries", "right"), (2, "a) page-table entries", "malformed"), (2, "Page-Table  Entries", "right"), (2, "a", "wrong"), (2, "d", "malformed"),
    ])
    func answersAreGradedByKind(_ index: Int, _ given: String, _ outcome: String) {
        let q = Self.questions()[index]
        #expect(GradedQuestion(question: q, given: given).outcome.rawValue == outcome)
    }

    @Test func malformedAnswersSayWhatToWrite() {
        let q = Self.questions()
        #expect(GradedQuestion(question: q[0], given: "maybe").message == "`maybe` is not an answer: write yes or no")
        #expect(GradedQuestion(question: q[2], given: "d").message == "`d` is not one of the choices: write a letter, a to c")
    }

    @Test func theQuizShowsChoicesAndAsksAgainAfterAnUnreadableAnswer() {
        let sink = BufferSink()
        var lines = ["yes", "b", "x", "b"]
        let reader = LineAnswerReader(output: sink) { lines.isEmpty ? nil : lines.removeFirst() }
        let report = Quiz(options: QuizOptions(), reader: reader, output: sink).run(SourceFile(name: "k.cow", text: Self.problem))
        #expect(report.questions.map(\.outcome) == [.wrong, .right, .right])
        #expect(sink.text.contains("Q1 (1 point): Does a read 5 at 0x10000?\n  (yes or no)\nanswer> yes\n"))
        #expect(sink.text.contains("""
            Q3 (1 point): What does fork copy?
              a) pages
              b) page-table entries
              c) nothing at all
            answer> x
            `x` is not one of the choices: write a letter, a to c; try again
            answer> b
            right (+1 point)

            """))
    }

    @Test func sheetsShowChoicesAndAnswers() {
        let sheet = SolutionSheet(problem: Problem.load(SourceFile(name: "k.cow", text: Self.problem), seed: 0)).rendered(.markdown)
        #expect(sheet.contains("""
            ## Q3 (1 point)

            What does fork copy?

            - a) pages
            - b) page-table entries
            - c) nothing at all

            **Answer: b (page-table entries)**
            """))
        #expect(sheet.contains("**Answer: no**"))
    }

    @Test(arguments: [
        ("ask \"q\" \"x\" choices \"a\"", "t.cow:1:24: error: expected at least two choices in quotes after `choices`, found the end of the line"),
        ("ask \"q\" \"c\" choices \"a\" \"b\"", "t.cow:1:9: error: the answer of a multiple-choice question must be the text of one of its choices, found text (c)"),
        ("ask \"q\" 1 choices \"a\" \"b\"", "t.cow:1:9: error: the answer of a multiple-choice question must be the text of one of its choices, found a number (1)"),
        ("ask \"q\" \"\"", "t.cow:1:9: error: the answer of a question cannot be empty text"),
        ("ask \"q\" \"a\" choices \"a\" \"b\" choices \"a\" \"b\"", "t.cow:1:29: error: `choices` is given twice"),
    ])
    func badQuestionsAreRefused(_ script: String, _ error: String) {
        let sink = BufferSink()
        #expect(!Session(output: sink).run(source: script, fileName: "t.cow"))
        #expect(sink.text.split(separator: "\n").first.map(String.init) == error)
    }
}
