import Testing
import CowTestSupport
import CowEngine
@testable import CowLanguage
@testable import CowHomework

/// Reading students' answers, answers files, grading, and the autograder JSON.
@Suite struct HomeworkGradingTests {
    static func parsed(_ text: String) -> String {
        switch Answer.parse(text) {
        case .success(let answer): return answer.description
        case .failure(let error): return "error: " + error.reason
        }
    }

    @Test(arguments: [
        ("12", "12"), ("-3", "-3"), ("+7", "7"), ("1_024", "1024"), ("  42 ", "42"),
        ("0x1f", "31"), ("0X1F", "31"), ("-0x10", "-16"), ("0x1_0", "16"),
        ("64/3", "64/3"), ("6/4", "3/2"), (" 6 / 4 ", "3/2"), ("-1/2", "-1/2"), ("1/-2", "-1/2"), ("0x10/3", "16/3"),
        ("2.5", "5/2"), ("0.125", "1/8"), ("21.0", "21"),
        ("none", "none"), ("None", "none"), (" NONE ", "none"),
    ])
    func answersThatRead(_ input: String, _ expected: String) {
        #expect(Self.parsed(input) == expected)
    }

    @Test(arguments: [
        ("abc", "error: `abc` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none"),
        ("", "error: no answer given"),
        ("   ", "error: no answer given"),
        ("0x", "error: `0x` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none"),
        ("1__0", "error: `1__0` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none"),
        ("_1", "error: `_1` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none"),
        ("1/2/3", "error: `1/2/3` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none"),
        ("3/", "error: `3/` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none"),
        (".5", "error: `.5` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none"),
        ("1e3", "error: `1e3` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none"),
        ("1/0", "error: `1/0` divides by zero"),
        ("99999999999999999999", "error: `99999999999999999999` is too large to be an answer"),
        ("0x1ffffffffffffffff", "error: `0x1ffffffffffffffff` is too large to be an answer"),
    ])
    func malformedAnswers(_ input: String, _ expected: String) {
        #expect(Self.parsed(input) == expected)
    }

    @Test func answersCompareExactlyAsFractions() {
        let q = Question(number: 1, text: "Pss?", answer: Rational(64, 3), points: 2)
        #expect(GradedQuestion(question: q, given: "64/3").outcome == .right)
        #expect(GradedQuestion(question: q, given: "128/6").outcome == .right)
        #expect(GradedQuestion(question: q, given: "21").outcome == .wrong)
        #expect(GradedQuestion(question: q, given: "21.333").outcome == .wrong)
        #expect(GradedQuestion(question: q, given: "none").outcome == .wrong)
        #expect(GradedQuestion(question: q, given: "21 1/3").outcome == .malformed)
        #expect(GradedQuestion(question: q, given: nil).outcome == .missing)
        #expect(GradedQuestion(question: q, given: "64/3").score == 2)
        #expect(GradedQuestion(question: q, given: "21").score == 0)
        let none = Question(number: 2, text: "frame?", answer: nil)
        #expect(GradedQuestion(question: none, given: "none").outcome == .right)
        #expect(GradedQuestion(question: none, given: "0").outcome == .wrong)
        let hex = Question(number: 3, text: "address?", answer: Rational(0x10000))
        #expect(GradedQuestion(question: hex, given: "0x10000").outcome == .right)
        #expect(GradedQuestion(question: hex, given: "65536").outcome == .right)
    }

    // MARK: - Answers files

    static func sheet(_ text: String) -> String {
        let sheet = AnswerSheet.parse(text)
        if let error = sheet.problems.first { return "line \(error.line): \(error.message)" }
        return sheet.answers.keys.sorted().map { "\($0)=\(sheet.answers[$0] ?? "")" }.joined(separator: " ")
    }

    @Test func oneAnswerPerLine() {
        #expect(Self.sheet("5\n17/2\nnone\n") == "1=5 2=17/2 3=none")
        #expect(Self.sheet("# my answers\n5\n\n   \n0x10\n") == "1=5 2=0x10")
        #expect(Self.sheet("5\r\n6\r\n") == "1=5 2=6")
    }

    @Test func numberedAnswers() {
        #expect(Self.sheet("2: 4\n1: 3\n") == "1=3 2=4")
        #expect(Self.sheet("Q3: 7/2\nq1:1") == "1=1 3=7/2")
        // A plain line continues after the previous one's number.
        #expect(Self.sheet("3: 9\n10\n1: 1") == "1=1 3=9 4=10")
        // An empty answer is kept (and will be graded as malformed).
        #expect(Self.sheet("2:") == "2=")
    }

    @Test func badAnswersFiles() {
        #expect(Self.sheet("1: 3\n2: 4\n1: 5") == "line 3: question 1 is answered twice (lines 1 and 3); the first answer counts")
        #expect(Self.sheet("4\n1: 5") == "line 2: question 1 is answered twice (lines 1 and 2); the first answer counts")
        #expect(Self.sheet("x: 3") == "line 1: `x` is not a question number (write `3: answer`)")
        #expect(Self.sheet("0: 3") == "line 1: `0` is not a question number (write `3: answer`)")
    }

    // MARK: - Reports

    static func report(_ answers: String, reveals: Bool = true) throws -> GradeReport {
        let problem = Problem.load(SourceFile(name: "dir/hw.cow", text: SampleProblem.text), seed: 7)
        let sheet = AnswerSheet.parse(answers)
        if let problem = sheet.problems.first { throw problem }
        return problem.grade(sheet, reveals: reveals)
    }

    @Test func gradedReportText() throws {
        let report = try Self.report("2\n1\nabc\n")
        #expect(report.score == 2 && report.maxScore == 4 && !report.allRight)
        #expect(report.lines() == [
            "Q1 (2 points): What is the Pss of b?",
            "  answer `2`: right (+2 points)",
            "Q2 (1 point): Which frame does b map at 0x10000?",
            "  answer `1`: wrong",
            "  the answer is 0",
            "  hint: b has not copied this page",
            "Q3 (1 point): What frame does b map at 0x20000?",
            "  answer `abc`: `abc` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none (counted as wrong)",
            "  the answer is none",
            "Score: 2/4 (1 of 3 questions right)",
        ])
    }

    @Test func allRightAndExtraAnswers() throws {
        let report = try Self.report("1: 4/2\n2: 0x0\n3: none\n5: 1\n")
        #expect(report.allRight)
        #expect(report.lines().suffix(2) == [
            "note: the problem has 3 questions; the answer to 5 was ignored",
            "Score: 4/4 (3 of 3 questions right)",
        ])
    }

    @Test func gradedJSONHasAFixedShape() throws {
        let report = try Self.report("2: 0\n3: 7\n", reveals: false)
        #expect(report.json().rendered() == """
            {
              "file": "hw.cow",
              "seed": "7",
              "score": 1,
              "maxScore": 4,
              "allRight": false,
              "error": null,
              "notes": [],
              "lines": [],
              "questions": [
                {
                  "number": 1,
                  "question": "What is the Pss of b?",
                  "kind": "number",
                  "choices": [],
                  "points": 2,
                  "given": null,
                  "line": null,
                  "result": "missing",
                  "score": 0,
                  "expected": null,
                  "message": "no answer given"
                },
                {
                  "number": 2,
                  "question": "Which frame does b map at 0x10000?",
                  "kind": "number",
                  "choices": [],
                  "points": 1,
                  "given": "0",
                  "line": 1,
                  "result": "right",
                  "score": 1,
                  "expected": null,
                  "message": null
                },
                {
                  "number": 3,
                  "question": "What frame does b map at 0x20000?",
                  "kind": "number",
                  "choices": [],
                  "points": 1,
                  "given": "7",
                  "line": 2,
                  "result": "wrong",
                  "score": 0,
                  "expected": null,
                  "message": null
                }
              ]
            }
            """)
    }

    @Test func aProblemThatStopsEarlyIsReported() throws {
        let problem = Problem.load(SourceFile(name: "bad.cow", text: "ask \"one?\" 1\nforc\nask \"two?\" 2\n"), seed: 0)
        #expect(problem.questions.map(\.text) == ["one?"])
        #expect(problem.error?.hasPrefix("bad.cow:2:1: error: unknown command `forc`\n") == true)
        let sheet = AnswerSheet.parse("1")
        let report = problem.grade(sheet, reveals: true)
        #expect(report.error == "bad.cow:2:1: error: unknown command `forc`")
        #expect(!report.allRight && report.score == 1)
    }
}
