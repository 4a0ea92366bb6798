import ArgumentParser
import CowLanguage
import CowShell

/// `cowsim quiz`: a homework problem for a student, interactive or graded from a file.
struct QuizCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quiz",
        abstract: "Run a homework problem as a quiz, or grade a file of answers.",
        discussion: """
            Interactive: each `ask` of the script shows its question and reads an answer (a whole number, a fraction such as 64/3, hex such as 0x1f, or none); a wrong answer shows the correct one and the hint unless --no-reveal / --no-hints. The score comes last.

            With --answers FILE: one answer a line, or `N: answer`; blank lines and `#` lines are skipped.

            Exit status: 0 all right, 1 some answer wrong, 2 the problem or the answers file could not be used.
            """)

    @Argument(help: ArgumentHelp("The homework problem (a .cow script).", valueName: "file"))
    var file: String

    @Option(help: "Seed of the problem's random() and choose() (same seed, same problem).")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Grade the answers in FILE instead of asking (`-` reads standard input).", valueName: "file"))
    var answers: String?

    @Flag(help: "With --answers: print the result as JSON (score, maxScore, one object per question).")
    var json = false

    @Flag(help: "Do not show the correct answer after a wrong one.")
    var noReveal = false

    @Flag(help: "Do not show the hint after a wrong answer.")
    var noHints = false

    func validate() throws {
        if json && answers == nil { throw ValidationError("--json needs --answers FILE") }
    }

    func run() throws {
        let output = ScriptRunner.standardOutput()
        guard let answers else {
            let options = QuizOptions(seed: seed, revealsAnswers: !noReveal, showsHints: !noHints)
            let report = Quiz(options: options, reader: AnswerPrompt.standardInput(output: output), output: output).run(path: file)
            if report.error != nil { throw ExitCode(2) }
            if !report.allRight { throw ExitCode(1) }
            return
        }
        switch Problem.grade(path: file, seed: seed, answersPath: answers, reveals: !noReveal) {
        case .failure(let error):
            output.write("\(answers)\(error.line > 0 ? ":\(error.line)" : ""): error: \(error.message)\n", style: .error)
            throw ExitCode(2)
        case .success(let report):
            output.write((json ? report.json().rendered() : report.lines().joined(separator: "\n")) + "\n", style: .plain)
            output.flush()
            if report.error != nil { throw ExitCode(2) }
            if !report.allRight { throw ExitCode(1) }
        }
    }
}
