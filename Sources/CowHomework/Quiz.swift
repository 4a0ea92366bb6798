import CowLanguage
/// Where a quiz reads a student's answers: readline on a terminal (CowShell), plain lines
/// from a pipe (`LineAnswerReader`), a list in tests.
public protocol AnswerReader: AnyObject {
    /// Shows `prompt` and reads one line without its newline; nil at the end of input.
    func readAnswer(prompt: String) -> String?
}

/// Reads answers as plain lines from standard input (no terminal: no line editing). The
/// prompt and the answer read are written to the output, so a log reads like a session.
public final class LineAnswerReader: AnswerReader {
    private let output: OutputSink
    private let next: () -> String?

    /// Reads from standard input; echoes to `output`.
    public convenience init(output: OutputSink) {
        self.init(output: output) { Swift.readLine(strippingNewline: true) }
    }

    /// Reads lines from `source` (tests); echoes to `output`.
    public init(output: OutputSink, source: @escaping () -> String?) {
        self.output = output
        self.next = source
    }

    public func readAnswer(prompt: String) -> String? {
        let line = next().map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        output.write(prompt + (line ?? "") + "\n", style: .plain)
        return line
    }
}

/// How a quiz treats the student.
public struct QuizOptions: Sendable {
    /// Seed of the problem.
    public var seed: UInt64
    /// Show the correct answer after a wrong one.
    public var revealsAnswers: Bool
    /// Show the question's hint after a wrong answer.
    public var showsHints: Bool
    /// The answer prompt.
    public var prompt: String

    /// Options with the defaults of `cowsim quiz`.
    public init(seed: UInt64 = 0, revealsAnswers: Bool = true, showsHints: Bool = true, prompt: String = "answer> ") {
        self.seed = seed
        self.revealsAnswers = revealsAnswers
        self.showsHints = showsHints
        self.prompt = prompt
    }
}

/// `cowsim quiz`: runs a problem for a student. The script's visible output (its intro, the
/// dumps it shows) goes to the output as in a plain run; at each `ask` the question is shown
/// and answers are read until one can be read as a number, fraction, hex or `none`; right or
/// wrong is said at once; a score ends the quiz. Independent of the terminal: the reader
/// decides how lines are read.
public final class Quiz {
    private let options: QuizOptions
    private let reader: AnswerReader
    private let output: OutputSink
    private var graded: [GradedQuestion] = []
    private var endOfInput = false

    /// A quiz reading with `reader` and writing to `output`.
    public init(options: QuizOptions, reader: AnswerReader, output: OutputSink) {
        self.options = options
        self.reader = reader
        self.output = output
    }

    /// Runs the problem at `path` interactively; returns the graded questions.
    public func run(path: String) -> GradeReport {
        switch SourceFile.load(path: path) {
        case .failure(let failure):
            let message = "\(path): error: cannot read \(path): \(failure.reason)\n"
            output.write(message, style: .error)
            output.flush()
            return GradeReport(file: Problem.baseName(path), seed: options.seed, questions: [], error: Problem.firstLine(message))
        case .success(let file):
            return run(file)
        }
    }

    /// Runs a prepared source interactively.
    public func run(_ file: SourceFile) -> GradeReport {
        graded = []
        endOfInput = false
        let sink = CapturingSink(forwardingTo: output)
        let session = Session(options: SessionOptions(seed: options.seed), output: sink)
        session.askHandler = { [unowned self] question in self.ask(question) }
        let ok = session.run(file)
        let report = GradeReport(file: Problem.baseName(file.name), seed: options.seed, questions: graded,
                                 error: ok ? nil : Problem.firstLine(sink.errors), reveals: options.revealsAnswers)
        if !ok { output.write("The problem stopped with an error; questions after it were not asked.\n", style: .fault) }
        output.write(report.scoreLine + "\n", style: report.allRight ? .success : .heading)
        output.flush()
        return report
    }

    /// One question: show it, read until an answer can be read, grade it, say so.
    private func ask(_ question: Question) {
        guard !endOfInput else {
            graded.append(GradedQuestion(question: question, given: nil))
            return
        }
        output.write(question.heading + "\n", style: .heading)
        if !question.choices.isEmpty { output.write(question.choiceLines.joined(separator: "\n") + "\n", style: .plain) }
        if case .yesNo = question.expected { output.write("  (yes or no)\n", style: .dim) }
        while true {
            output.flush()
            guard let line = reader.readAnswer(prompt: options.prompt) else {
                endOfInput = true
                output.write("(end of input: this and any later questions count as unanswered)\n", style: .dim)
                graded.append(GradedQuestion(question: question, given: nil))
                return
            }
            if case .failure(let error) = Answer.parse(line, for: question) {
                let reason = line.trimmedSpaces.isEmpty ? "please type an answer" + (question.kind == "number" ? ": " + Answer.forms : "") : error.reason
                output.write(TerminalText.escaped(reason, keepingNewlines: false) + "; try again\n", style: .fault)
                continue
            }
            let result = GradedQuestion(question: question, given: line)
            graded.append(result)
            say(result)
            return
        }
    }

    private func say(_ result: GradedQuestion) {
        let q = result.question
        if result.outcome == .right {
            output.write("right (+\(Format.count(q.points, "point")))\n", style: .success)
            return
        }
        output.write(options.revealsAnswers ? "wrong: the answer is \(q.answerText)\n" : "wrong\n", style: .fault)
        if options.showsHints, let hint = q.hint { output.write("hint: \(hint)\n", style: .dim) }
    }
}

extension Problem {
    /// Reads an answers file (`-` is standard input) and grades it: the whole of `cowsim quiz
    /// --answers`. Always a report: when the answers file cannot be read (or is too large) the
    /// report's `error` says so and every question counts as unanswered; lines of the file that
    /// cannot be used are listed in `sheetProblems`.
    public static func grade(path: String, seed: UInt64, answersPath: String, reveals: Bool) -> GradeReport {
        let limit = AnswerSheet.maximumFileSize
        let read = answersPath == "-" ? SystemIO.readAll(fd: 0, limit: limit) : SystemIO.readFile(answersPath, limit: limit)
        let problem = load(path: path, seed: seed)
        switch read {
        case .failure(let failure):
            var report = problem.grade(AnswerSheet(), reveals: reveals)
            report.answersFileError = "cannot read \(answersPath): \(failure.reason)"
            return report
        case .success(let bytes):
            return problem.grade(AnswerSheet.parse(bytes: bytes), reveals: reveals)
        }
    }
}
