import ArgumentParser
import CowHomework
import CowLanguage

extension SolutionFormat: ExpressibleByArgument {}

/// `cowsim solve`: the solution sheet of a homework problem.
struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a homework problem's solution sheet: each question, its answer, and the state that explains it.")

    @Argument(help: ArgumentHelp("The homework problem (a .cow script).", valueName: "file"))
    var file: String

    @Option(parsing: .unconditional, help: "Seed of the problem's random() and choose() (same seed, same sheet; default 0).",
            transform: Seed.parse)
    var seed: Seed = Seed(0)

    @Option(help: "text, markdown or json.")
    var format: SolutionFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the sheet to FILE instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Replace the sheet file if it exists.")
    var replace = false

    func run() throws {
        let sink = ScriptRunner.standardOutput()
        let problem = Problem.load(path: file, seed: seed.value)
        if let error = problem.error {
            sink.write(error, style: .error)
            throw ExitCode(1)
        }
        let sheet = SolutionSheet(problem: problem).rendered(format)
        guard let output else {
            sink.write(sheet, style: .plain)
            return
        }
        // Like `cowsim html`: an existing file (a typo could name the problem itself) is only
        // replaced when asked.
        if case .failure(let failure) = SystemIO.writeFile(output, sheet, replacing: replace || output == "/dev/stdout") {
            let reason = failure.reason == SystemIO.fileExists ? "it exists; --replace replaces it" : failure.reason
            sink.write("\(output): error: cannot write \(output): \(reason)\n", style: .error)
            throw ExitCode(1)
        }
    }
}
