import ArgumentParser
import CowLanguage

/// `cowsim html SCRIPT -o lesson.html`: a self-contained web lesson that steps through a script
/// (see `Lesson` and `LessonHTML` in CowLanguage).
struct HtmlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "Write one self-contained HTML page that steps through a script: the script with the current line highlighted, the picture of the machine after it, its output and questions.",
        discussion: "The page has its CSS, JavaScript and pictures inline and works from a file:// URL. Buttons, the arrow keys and a slider step through it; #step=K in the URL opens step K. An existing file is only replaced with --replace.")

    @Argument(help: ArgumentHelp("The script (a .cow file).", valueName: "script"))
    var script: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The HTML file to write (default: the script's name with .html); - writes to standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Replace the HTML file if it exists.")
    var replace = false

    @Option(parsing: .unconditional, help: "Seed of random() and choose() (default 0).", transform: Seed.parse)
    var seed: Seed = Seed(0)

    func run() throws {
        let sink = ScriptRunner.standardOutput()
        let file: SourceFile
        switch SourceFile.load(path: script) {
        case .failure(let failure):
            sink.write("\(script): error: cannot read \(script): \(failure.reason)\n", style: .error)
            throw ExitCode(1)
        case .success(let loaded):
            file = loaded
        }
        let lesson = Lesson(file: file, options: SessionOptions(seed: seed.value))
        let page = lesson.html()
        var target = output ?? (script.hasSuffix(".cow") ? String(script.dropLast(4)) : script) + ".html"
        if target == "-" { target = "/dev/stdout" }
        if case .failure(let failure) = SystemIO.writeFile(target, page, replacing: replace || target == "/dev/stdout") {
            let reason = failure.reason == SystemIO.fileExists ? "it exists; --replace replaces it" : failure.reason
            sink.write("\(target): error: cannot write \(target): \(reason)\n", style: .error)
            throw ExitCode(1)
        }
        if target != "/dev/stdout" {
            sink.write("wrote \(target): \(lesson.steps.count) steps, \(lesson.pictures.count) different pictures, \(lesson.questions.count) questions\n",
                       style: .plain)
        }
        sink.flush()
        if let error = lesson.error {
            sink.write(error + (error.hasSuffix("\n") ? "" : "\n") + "\(script): the lesson stops at this error\n", style: .error)
            throw ExitCode(1)
        }
    }
}
