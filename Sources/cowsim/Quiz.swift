#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import CowHomework
import CowLanguage
import CowShell

/// The forms `cowsim quiz --answers` prints its report in.
enum GradeFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json, gradescope
}

extension GradeReport.GradescopeVisibility: ExpressibleByArgument {}

/// readline answers (CowShell) for the quiz (CowHomework); the two libraries do not know each other.
final class ReadlineQuizReader: AnswerReader {
    private let reader = ReadlineAnswerReader()
    func readAnswer(prompt: String) -> String? { reader.readAnswer(prompt: prompt) }
}

/// `cowsim quiz`: a homework problem for a student, interactive or graded from a file.
struct QuizCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quiz",
        abstract: "Run a homework problem as a quiz, or grade a file of answers.",
        discussion: """
            Interactive: each `ask` of the script shows its question (and its choices) and reads an answer (a whole number, a fraction such as 64/3, hex such as 0x1f, or none; text, yes/no, or a choice's letter where the question asks for one); a wrong answer shows the correct one and the hint unless --no-reveal / --no-hints. The score comes last.

            With --answers FILE: one answer a line, or `N: answer`; blank lines and `#` lines are skipped; any other line that cannot be used is reported with its line number. --format json (or --json) and --format gradescope always print JSON, also when the answers file is refused (its `error` field says why).

            Exit status: 0 all right, 1 some answer wrong, 2 the problem or the answers file could not be used.
            """)

    @Argument(help: ArgumentHelp("The homework problem (a .cow script).", valueName: "file"))
    var file: String

    @Option(parsing: .unconditional, help: "Seed of the problem's random() and choose() (same seed, same problem; default 0).",
            transform: Seed.parse)
    var seed: Seed = Seed(0)

    @Option(help: ArgumentHelp("Grade the answers in FILE instead of asking (`-` reads standard input).", valueName: "file"))
    var answers: String?

    @Flag(help: "With --answers: print the result as JSON (the same as --format json).")
    var json = false

    @Option(help: "With --answers: text, json (score, maxScore, one object per question) or gradescope (Gradescope's results.json).")
    var format: GradeFormat?

    @Option(help: "With --format gradescope: who sees the results (visible, hidden, after_due_date, after_published).")
    var visibility: GradeReport.GradescopeVisibility = .visible

    @Flag(help: "Do not show the correct answer after a wrong one.")
    var noReveal = false

    @Flag(help: "Do not show the hint after a wrong answer.")
    var noHints = false

    func validate() throws {
        if json && answers == nil { throw ValidationError("--json needs --answers FILE") }
        if format != nil && answers == nil { throw ValidationError("--format needs --answers FILE") }
        if json, let format, format != .json { throw ValidationError("--json and --format \(format.rawValue) cannot be combined") }
    }

    func run() throws {
        let output = ScriptRunner.standardOutput()
        guard let answers else {
            let options = QuizOptions(seed: seed.value, revealsAnswers: !noReveal, showsHints: !noHints)
            let reader: AnswerReader = isatty(STDIN_FILENO) == 1 ? ReadlineQuizReader() : LineAnswerReader(output: output)
            let report = Quiz(options: options, reader: reader, output: output).run(path: file)
            if report.error != nil { throw ExitCode(2) }
            if !report.allRight { throw ExitCode(1) }
            return
        }
        let report = Problem.grade(path: file, seed: seed.value, answersPath: answers, reveals: !noReveal)
        switch format ?? (json ? .json : .text) {
        case .text:
            if let refused = report.answersFileError {
                output.write("\(answers): error: \(refused)\n", style: .error)
                throw ExitCode(2)
            }
            for problem in report.sheetProblems { output.write("\(answers):\(problem.line): error: \(problem.message)\n", style: .error) }
            output.write(report.lines().joined(separator: "\n") + "\n", style: .plain)
        case .json:
            output.write(report.json().rendered() + "\n", style: .plain)
        case .gradescope:
            output.write(report.gradescope(visibility: visibility).rendered() + "\n", style: .plain)
        }
        output.flush()
        if report.unusable { throw ExitCode(2) }
        if !report.allRight { throw ExitCode(1) }
    }
}
