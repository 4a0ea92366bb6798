import Testing
import CowTestSupport
import CowEngine
@testable import CowLanguage
@testable import CowHomework

/// Solution sheets: the statement, the values drawn, explanations selected from engine data.
@Suite struct SolutionSheetTests {
    static let script = """
        #!/usr/bin/env cowsim
        # Problem: a heap of n pages.
        #
        # Fork it and count.
        config frames 32
        let n = random(2, 6)
        let m = n + random(1, 3)
        # not part of the statement
        ask "n?" n
        ask "twice?" choose(2, 4) * 1

        """

    @Test func statementIsTheLeadingCommentBlock() {
        let problem = Problem.load(SourceFile(name: "p.cow", text: Self.script), seed: 3)
        #expect(problem.statement == ["Problem: a heap of n pages.", "", "Fork it and count."])
        #expect(Problem.statement(of: SourceFile(name: "e.cow", text: "spawn a\n# late\n")) == [])
    }

    @Test func drawsAreListedWithTheirVariables() {
        let problem = Problem.load(SourceFile(name: "p.cow", text: Self.script), seed: 3)
        let session = Session(options: SessionOptions(seed: 3), output: BufferSink())
        _ = session.run(source: "let n = random(2, 6)\nlet k = random(1, 3)\necho choose(2, 4)", fileName: "x.cow")
        let n = session.variable("n")?.description ?? "?"
        #expect(problem.draws.map(\.variable) == ["n", nil, nil])
        #expect(problem.draws.map(\.call) == ["random(2, 6)", "random(1, 3)", "choose(2, 4)"])
        #expect(problem.draws.map(\.line) == [6, 7, 10])
        #expect(problem.draws.first?.value.description == n)
        let text = SolutionSheet(problem: problem).rendered(.text)
        #expect(text.hasPrefix("""
            Solution sheet: p.cow, seed 3: 2 questions, 2 points

            Problem:
              Problem: a heap of n pages.

              Fork it and count.

            Values drawn for seed 3:
              n = \(n)  (random(2, 6), line 6)
            """))
    }

    @Test func explanationsDoNotDependOnWhatRowsLookLike() {
        // A region named `total` used to bring in smaps's total row too (rows were picked by
        // their text); rows now come from the engine's regions.
        let script = """
            quiet
              spawn a
              map a anon 0x10000 pages 2 rw as total
              map a anon 0x20000 pages 1 rw as other
              write a 0x10000 pages 2 1
              write a 0x20000 1
            end
            ask "Pss of total?" pss(a, total)

            """
        let problem = Problem.load(SourceFile(name: "t.cow", text: script), seed: 0)
        let lines = problem.questions.first?.explanation ?? []
        #expect(lines.filter { $0.hasPrefix("  total ") }.count == 1)
        #expect(lines.first == "smaps a (total):")
        #expect(lines.dropFirst(2).first?.hasPrefix("  total   0x10000..0x12000") == true)
    }

    @Test func selectedRowsKeepTheWholeTablesAlignment() {
        var table = TextTable([.init("a"), .init("b", .right)], indent: "  ")
        table.add(["x", "1"])
        table.add(["long name", "22"])
        #expect(table.render(rowsWhere: { $0 == 0 }) == ["  a           b", "  x           1"])
    }

    @Test func sheetsDoNotChangeTheGeneratorOrTheDraws() {
        // Explaining `random(...)` inside an answer must not add a draw or move the generator.
        let script = "let a = random(1, 100)\nask \"q\" random(1, 100) + a\nlet b = random(1, 100)\necho b\n"
        let problem = Problem.load(SourceFile(name: "g.cow", text: script), seed: 9)
        #expect(problem.draws.count == 3)
        let plain = Session(options: SessionOptions(seed: 9), output: BufferSink())
        _ = plain.run(source: script, fileName: "g.cow")
        #expect(plain.draws == problem.draws)
    }
}

/// Script text and students' answers reach a terminal only escaped (issue 9, terminal safety).
@Suite struct HomeworkTerminalSafetyTests {
    static let escape = "\u{1B}"

    @Test func sheetsEscapeStatementsDrawsTextAnswersAndVariables() {
        let script = "# title \u{1B}]0;pwned\u{7}\nlet w = choose(\"a\u{1B}[2J\", \"b\u{1B}[2J\")\nask \"which?\" w\nask \"name?\" \"x\u{1B}[31m\"\n"
        let problem = Problem.load(SourceFile(name: "e.cow", text: script), seed: 0)
        for format in SolutionFormat.allCases where format != .json {
            let sheet = SolutionSheet(problem: problem).rendered(format)
            #expect(!sheet.contains(Self.escape), "\(format) sheet has a raw escape")
            #expect(sheet.contains("\\u{1B}"))
        }
    }

    @Test func reportsEscapeWhatStudentsWrote() {
        let problem = Problem.load(SourceFile(name: "hw.cow", text: SampleProblem.text), seed: 0)
        let report = problem.grade(AnswerSheet.parse("1: \u{1B}[2J\n\u{1B}x: 3\n"), reveals: true)
        let text = report.lines().joined(separator: "\n") + report.sheetProblems.map(\.message).joined()
        #expect(!text.contains(Self.escape))
        #expect(text.contains("answer `\\u{1B}[2J`: `\\u{1B}[2J` is not an answer"))
    }
}
