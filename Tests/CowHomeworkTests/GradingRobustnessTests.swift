import Testing
import CowTestSupport
import CowEngine
@testable import CowLanguage
@testable import CowHomework

/// Answers files as a class's grading run meets them: byte-order marks, junk lines, huge
/// numbers, unreadable files. One bad submission never stops the report.
@Suite struct GradingRobustnessTests {
    static func problem() -> Problem { Problem.load(SourceFile(name: "hw.cow", text: SampleProblem.text), seed: 0) }

    @Test func aByteOrderMarkIsIgnored() {
        let sheet = AnswerSheet.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("1: 2\n0\n".utf8))
        #expect(sheet.problems.isEmpty)
        #expect(sheet.answers == [1: "2", 2: "0"])
    }

    @Test func unusableLinesAreReportedByLineAndTheRestIsGraded() {
        let sheet = AnswerSheet.parse("# mine\nx: 3\n2: 0\n2: 1\nnone\n")
        #expect(sheet.problems == [
            AnswerSheetError(line: 2, message: "`x` is not a question number (write `3: answer`)"),
            AnswerSheetError(line: 4, message: "question 2 is answered twice (lines 3 and 4); the first answer counts"),
        ])
        let report = Self.problem().grade(sheet, reveals: true)
        #expect(report.questions.map(\.outcome) == [.missing, .right, .right])
        #expect(report.questions.map(\.line) == [nil, 3, 5])
        #expect(report.unusable && !report.allRight)
        let json = report.json().rendered()
        #expect(json.contains("""
              "lines": [
                {
                  "line": 2,
                  "message": "`x` is not a question number (write `3: answer`)"
                },
            """))
    }

    @Test func aLineThatIsNotAnAnswerTakesNoQuestionsPlace() {
        let sheet = AnswerSheet.parse("Name: Alice\n2\n0\n")
        #expect(sheet.answers == [1: "2", 2: "0"])
        #expect(sheet.problems.map(\.line) == [1])
    }

    @Test func aNumberOfMillionsOfDigitsIsRefusedShortly() {
        let digits = String(repeating: "9", count: 2_000_000)
        guard case .failure(let error) = Answer.parse(digits) else {
            Issue.record("accepted")
            return
        }
        #expect(error.reason == "the answer is too long (2000000 bytes; at most 200)")
        let sheet = AnswerSheet.parse("1: " + digits + "\n0\n")
        #expect(sheet.problems == [AnswerSheetError(line: 1, message: "line too long (2000003 bytes; an answer line has at most 264)")])
        #expect(sheet.answers == [2: "0"])
        let graded = GradedQuestion(question: Question(number: 1, text: "q", answer: .zero), given: String(repeating: "1", count: 300))
        #expect(graded.outcome == .malformed && graded.given == nil)
        #expect(graded.message == "the answer is too long (300 bytes; at most 200)")
    }

    @Test func anUnreadableAnswersFileStillGivesAReport() throws {
        let dir = try TemporaryDirectory(prefix: "cowsim-grading")
        dir.write("hw.cow", SampleProblem.text)
        let report = Problem.grade(path: dir.path + "/hw.cow", seed: 0, answersPath: dir.path + "/none.txt", reveals: true)
        #expect(report.answersFileError == "cannot read \(dir.path)/none.txt: No such file or directory")
        #expect(report.questions.count == 3 && report.questions.allSatisfy { $0.outcome == .missing })
        #expect(report.unusable)
        #expect(report.json().rendered().contains("\"error\": \"cannot read \(dir.path)/none.txt: No such file or directory\""))
    }

    @Test func gradescopeResultsLayout() {
        let report = Self.problem().grade(AnswerSheet.parse("2\n5\nnone\n"), reveals: true)
        #expect(report.gradescope(visibility: .afterDueDate).rendered() == """
            {
              "score": 3,
              "output": "Score: 3/4 (2 of 3 questions right)",
              "visibility": "after_due_date",
              "stdout_visibility": "hidden",
              "tests": [
                {
                  "name": "Q1 (2 points): What is the Pss of b?",
                  "number": "1",
                  "score": 2,
                  "max_score": 2,
                  "status": "passed",
                  "output": "answer `2`: right (+2 points)",
                  "visibility": "after_due_date"
                },
                {
                  "name": "Q2 (1 point): Which frame does b map at 0x10000?",
                  "number": "2",
                  "score": 0,
                  "max_score": 1,
                  "status": "failed",
                  "output": "answer `5`: wrong\\nthe answer is 0\\nhint: b has not copied this page",
                  "visibility": "after_due_date"
                },
                {
                  "name": "Q3 (1 point): What frame does b map at 0x20000?",
                  "number": "3",
                  "score": 1,
                  "max_score": 1,
                  "status": "passed",
                  "output": "answer `none`: right (+1 point)",
                  "visibility": "after_due_date"
                }
              ]
            }
            """)
    }
}
