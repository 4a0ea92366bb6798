import CowLanguage
/// A homework problem: a script whose `ask` questions get their answers (and the state that
/// explains them) from a run with a given seed. `cowsim solve` and `cowsim quiz --answers`
/// start here; the same seed gives the same questions and answers on every machine.
public struct Problem: Sendable {
    /// The problem's name as sheets print it: the file name without directories, so a sheet
    /// does not depend on where it was generated.
    public var name: String
    /// The seed it was generated with.
    public var seed: UInt64
    /// Every question asked, with answer and explanation.
    public var questions: [Question]
    /// Diagnostics if the script stopped with an error (the questions before it are kept).
    public var error: String?
    /// The problem's statement: the script's leading comment block (after a `#!` line), each
    /// line without its `#` and the one blank after it.
    public var statement: [String] = []
    /// The values `random` and `choose` drew for this seed, in order.
    public var draws: [Draw] = []

    /// Runs the script at `path` silently with `seed`.
    public static func load(path: String, seed: UInt64) -> Problem {
        switch SourceFile.load(path: path) {
        case .failure(let failure):
            return Problem(name: baseName(path), seed: seed, questions: [],
                           error: "\(path): error: cannot read \(path): \(failure.reason)\n")
        case .success(let file):
            return load(file, seed: seed)
        }
    }

    /// Runs a prepared source silently with `seed`.
    public static func load(_ file: SourceFile, seed: UInt64) -> Problem {
        let sink = CapturingSink(forwardingTo: nil)
        let session = Session(options: SessionOptions(seed: seed, showEvents: false, quiet: true), output: sink)
        session.askHandler = { _ in }
        session.questionExplainer = Explainer.explain
        let ok = session.run(file)
        return Problem(name: baseName(file.name), seed: seed, questions: session.questions,
                       error: ok ? nil : (sink.errors.isEmpty ? "\(file.name): error: the script failed\n" : sink.errors),
                       statement: statement(of: file), draws: session.draws)
    }

    /// The leading comment block of a script: the `#` lines before the first other line (a
    /// first `#!` line and `#>` lines are not comments), without `#` and one blank after it.
    static func statement(of file: SourceFile) -> [String] {
        var lines: [String] = []
        var start = 0
        let bytes = file.bytes
        var first = true
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            var line = String(decoding: bytes[start..<end], as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            start = end + 1
            defer { first = false }
            if first && line.hasPrefix("#!") { continue }
            guard line.hasPrefix("#"), !line.hasPrefix("#>") else { break }
            var text = line.dropFirst()
            if text.first == " " { text = text.dropFirst() }
            lines.append(TerminalText.escaped(String(text), keepingNewlines: false))
        }
        return lines
    }

    /// Points available.
    public var maxScore: Int { questions.reduce(0) { $0 + $1.points } }

    /// Grades an answers file against this problem.
    public func grade(_ sheet: AnswerSheet, reveals: Bool) -> GradeReport {
        let graded = questions.map { GradedQuestion(question: $0, given: sheet.answer(for: $0.number), line: sheet.lineOf[$0.number]) }
        var report = GradeReport(file: name, seed: seed, questions: graded, error: error.map(Problem.firstLine), reveals: reveals)
        report.sheetProblems = sheet.problems
        let extra = sheet.extraNumbers(beyond: questions.count)
        if !extra.isEmpty {
            let list = extra.map(String.init).joined(separator: ", ")
            report.notes.append("the problem has \(Format.count(questions.count, "question")); "
                                + "\(extra.count == 1 ? "the answer" : "answers") to \(list) \(extra.count == 1 ? "was" : "were") ignored")
        }
        return report
    }

    static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
    }
}
