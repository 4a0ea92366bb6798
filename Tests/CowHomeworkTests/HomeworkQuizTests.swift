import Testing
import CowTestSupport
import CowEngine
@testable import CowLanguage
@testable import CowHomework

/// The interactive quiz (driven by a scripted line reader), solution sheets and their
/// explanations, and seeded problems.
@Suite struct HomeworkQuizTests {
    /// Answers from a list, then end of input.
    final class ScriptedLines {
        var lines: [String]
        init(_ lines: [String]) { self.lines = lines }
        func next() -> String? { lines.isEmpty ? nil : lines.removeFirst() }
    }

    static func quiz(_ answers: [String], options: QuizOptions = QuizOptions()) -> (GradeReport, String) {
        let sink = BufferSink()
        let lines = ScriptedLines(answers)
        let reader = LineAnswerReader(output: sink, source: lines.next)
        let report = Quiz(options: options, reader: reader, output: sink)
            .run(SourceFile(name: "hw.cow", text: SampleProblem.text))
        return (report, sink.text)
    }

    @Test func interactiveQuizAsksAgainAfterMalformedAnswers() {
        let (report, text) = Self.quiz(["abc", "", "6/3", "1", "NONE"])
        #expect(report.score == 3 && report.maxScore == 4)
        #expect(report.questions.map(\.outcome) == [.right, .wrong, .right])
        #expect(text == """
            a forks b; b writes one page
            Q1 (2 points): What is the Pss of b?
            answer> abc
            `abc` is not an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none; try again
            answer> 
            please type an answer: write a whole number (12), a fraction (64/3), hex (0x1f) or none; try again
            answer> 6/3
            right (+2 points)
            Q2 (1 point): Which frame does b map at 0x10000?
            answer> 1
            wrong: the answer is 0
            hint: b has not copied this page
            Q3 (1 point): What frame does b map at 0x20000?
            answer> NONE
            right (+1 point)
            Score: 3/4 (2 of 3 questions right)

            """)
    }

    @Test func noRevealAndNoHints() {
        let (_, text) = Self.quiz(["2", "5", "6"], options: QuizOptions(revealsAnswers: false, showsHints: false))
        #expect(text.contains("answer> 5\nwrong\nQ3"))
        #expect(text.contains("answer> 6\nwrong\nScore: 2/4 (1 of 3 questions right)\n"))
        #expect(!text.contains("the answer is") && !text.contains("hint"))
    }

    @Test func endOfInputLeavesTheRestUnanswered() {
        let (report, text) = Self.quiz(["2"])
        #expect(report.questions.map(\.outcome) == [.right, .missing, .missing])
        #expect(text.hasSuffix("""
            right (+2 points)
            Q2 (1 point): Which frame does b map at 0x10000?
            answer> 
            (end of input: this and any later questions count as unanswered)
            Score: 2/4 (1 of 3 questions right)

            """))
    }

    @Test func quizOfAFailingProblemSaysSo() {
        let sink = BufferSink()
        let lines = ScriptedLines(["1"])
        let report = Quiz(options: QuizOptions(), reader: LineAnswerReader(output: sink, source: lines.next), output: sink)
            .run(SourceFile(name: "bad.cow", text: "ask \"one?\" 1\nforc\n"))
        #expect(report.error == "bad.cow:2:1: error: unknown command `forc`")
        #expect(sink.text.hasSuffix("""
            note: did you mean `fork`?
            The problem stopped with an error; questions after it were not asked.
            Score: 1/1 (1 of 1 question right)

            """))
    }

    // MARK: - Solution sheets and explanations

    @Test func explanationShowsTheStateBehindEachAnswer() {
        let problem = Problem.load(SourceFile(name: "hw.cow", text: SampleProblem.text), seed: 0)
        #expect(problem.error == nil)
        #expect(problem.questions.map(\.answerText) == ["2", "0", "none"])
        #expect(problem.questions[0].explanation == [
            "smaps b (heap):",
            "  region  range             Size  Rss  Pss  Pss pages  Shared_Clean  Shared_Dirty  Private_Clean  Private_Dirty  Anonymous",
            "  heap    0x10000..0x13000    12   12    8          2             0             8              0              4         12",
            "dump b (heap):",
            "  address  pages  frame  flags   mapcount  shared with  region",
            "  0x10000      1      0  P-UCDA         2  a            heap",
            "  0x11000      1      3  PWU-DA         1  -            heap",
            "  0x12000      1      2  P-UCDA         2  a            heap",
            "b heap: 3 pages present: 1 with mapcount 1, 2 with mapcount 2; Pss = 1 + 2/2 = 2",
        ])
        #expect(problem.questions[1].explanation == [
            "dump b (0x10000):",
            "  address  frame  flags   region",
            "  0x10000      0  P-UCDA  heap",
            "dump frames (frame 0):",
            "  frame  kind       holds  mapcount  dirty  value  mapped by",
            "  0      anonymous                2  yes        1  a 0x10000, b 0x10000",
        ])
        #expect(problem.questions[2].explanation == ["b 0x20000: no page present"])
    }

    @Test func explanationNamesVariablesAndDoesNotDisturbTheGenerator() {
        let script = """
            let n = random(1, 1000)
            quiet
              spawn p
              map p anon 0 pages 4
              write p 0 pages 2 1
            end
            ask "rss?" rss(p) + n - n + random(0, 0)
            echo random(1, 1000000)
            """
        let withHandler = Problem.load(SourceFile(name: "v.cow", text: script), seed: 11)
        #expect(withHandler.questions.first?.explanation.first?.hasPrefix("n = ") == true)
        #expect(withHandler.questions.first?.answer == Rational(2))
        // The same script without a listening handler draws the same numbers afterwards.
        let plain = BufferSink()
        let a = Session(options: SessionOptions(seed: 11), output: plain)
        _ = a.run(source: script, fileName: "v.cow")
        let listened = BufferSink()
        let b = Session(options: SessionOptions(seed: 11), output: listened)
        b.askHandler = { _ in }
        _ = b.run(source: script, fileName: "v.cow")
        #expect(plain.text.split(separator: "\n").last == listened.text.split(separator: "\n").last)
    }

    @Test func textSheet() {
        let problem = Problem.load(SourceFile(name: "some/dir/hw.cow", text: SampleProblem.text), seed: 3)
        let text = SolutionSheet(problem: problem).rendered(.text)
        #expect(text.hasPrefix("""
            Solution sheet: hw.cow, seed 3: 3 questions, 4 points

            Q1 (2 points): What is the Pss of b?
              answer: 2
              hint: two pages are shared by two
              state at line 9:
                smaps b (heap):

            """))
        #expect(text.hasSuffix("""
            Q3 (1 point): What frame does b map at 0x20000?
              answer: none
              state at line 11:
                b 0x20000: no page present

            """))
    }

    @Test func markdownAndJSONSheets() {
        let problem = Problem.load(SourceFile(name: "hw.cow", text: "ask \"Six?\" 6 points 3 hint \"count\"\n"), seed: 0)
        #expect(SolutionSheet(problem: problem).rendered(.markdown) == """
            # Solution sheet: hw.cow

            Seed 0, 1 question, 3 points. Generated by `cowsim solve hw.cow --seed 0 --format markdown`;
            another seed gives other numbers.

            ## Q1 (3 points)

            Six?

            **Answer: 6**

            Hint: count

            """)
        #expect(SolutionSheet(problem: problem).rendered(.json) == """
            {
              "file": "hw.cow",
              "seed": "0",
              "maxScore": 3,
              "statement": [],
              "draws": [],
              "questions": [
                {
                  "number": 1,
                  "question": "Six?",
                  "kind": "number",
                  "choices": [],
                  "points": 3,
                  "answer": "6",
                  "hint": "count",
                  "line": 1,
                  "explanation": []
                }
              ]
            }

            """)
    }

    // MARK: - Seeds

    static func homework(_ name: String, seed: UInt64) -> Problem {
        Problem.load(path: repositoryRoot + "/Scripts/homework/" + name, seed: seed)
    }

    @Test func sameSeedSameProblem() {
        for seed: UInt64 in [0, 1, 42, 123_456_789] {
            let a = Self.homework("02-three-generations.cow", seed: seed)
            let b = Self.homework("02-three-generations.cow", seed: seed)
            #expect(a.error == nil)
            #expect(a.questions == b.questions)
            #expect(SolutionSheet(problem: a).rendered(.markdown) == SolutionSheet(problem: b).rendered(.markdown))
        }
    }

    @Test func differentSeedsDifferentProblems() {
        let sheets = (1...4).map { SolutionSheet(problem: Self.homework("02-three-generations.cow", seed: UInt64($0))).rendered(.text) }
        #expect(Set(sheets).count == 4)
    }

    /// Seed 1 draws a heap of 8 pages, b writes pages 0-4, c writes pages 6-7, a then writes
    /// page 3. Worked by hand: pages 0-4 are a's alone (a's frames) and b+c's copies; page 5 is
    /// shared by all three; pages 6-7 are c's copies plus a frame shared by a and b.
    @Test func seedOneOfThreeGenerationsWorkedByHand() throws {
        let sink = BufferSink()
        let session = Session(options: SessionOptions(seed: 1), output: sink)
        #expect(session.run(file: repositoryRoot + "/Scripts/homework/02-three-generations.cow"))
        #expect(sink.text.contains("Process a has a private heap of 8 pages at 0x10000"))
        #expect(sink.text.contains("b writes the FIRST 5 pages") && sink.text.contains("c writes the LAST 2 pages"))
        #expect(sink.text.contains("Finally a writes the value 4 into heap page 3."))
        let answers = session.questions.map(\.answerText)
        // frames: 8 + 5 + 2; copies(c) 2; Pss a = 5 + 1/3 + 2/2; b = 5/2 + 1/3 + 2/2; c = 5/2 + 1/3 + 2;
        // sum = frames; a's write to page 3 reuses its frame: no copy, still 15 frames.
        #expect(answers == ["15", "2", "19/3", "23/6", "29/6", "15", "0", "15"])
    }

    @Test func everyShippedProblemIsAProblem() throws {
        let names = ["01-seed-story.cow", "02-three-generations.cow", "03-shared-library.cow",
                     "04-zero-page.cow", "05-eager-vs-cow.cow", "06-shared-vs-private.cow",
                     "08-translation-walk.cow", "11-belady.cow", "12-lru-vs-opt.cow"]
        for name in names {
            let text = try #require(readRepositoryFile("Scripts/homework/" + name))
            #expect(text.contains("random(") || text.contains("choose("), "\(name) does not vary with the seed")
            #expect(text.contains("echo \""), "\(name) has no introduction")
            let problem = Self.homework(name, seed: 0)
            #expect(problem.error == nil, "\(name): \(problem.error ?? "")")
            #expect(problem.questions.count >= 5, "\(name)")
            #expect(problem.questions.allSatisfy { !$0.explanation.isEmpty }, "\(name) has a question without explanation")
            #expect(problem.questions.contains { $0.hint != nil } && problem.questions.contains { $0.points > 1 }, "\(name)")
            let other = (1...3).map { Self.homework(name, seed: UInt64($0)).questions.map(\.answer) }
            #expect(other.contains { $0 != problem.questions.map(\.answer) }, "\(name): seeds 0-3 give the same answers")
        }
    }
}
