import CowLanguage
/// One question with what the student answered and what it earned.
public struct GradedQuestion: Equatable, Sendable {
    /// How an answer fared.
    public enum Outcome: String, Equatable, Sendable {
        /// The exact answer (as a fraction, `6/4` is `3/2`).
        case right
        /// A readable answer with another value.
        case wrong
        /// Not a number, fraction, hex or `none`.
        case malformed
        /// No answer was given for this question.
        case missing
    }

    /// The question (its `answer` is the correct one).
    public var question: Question
    /// The answer as the student wrote it (nil: none given).
    public var given: String?
    /// How it fared.
    public var outcome: Outcome
    /// For a malformed answer, why.
    public var message: String?
    /// The line of the answers file the answer came from (nil: typed, or none given).
    public var line: Int?

    /// Grades `given` (nil: no answer) against the question.
    public init(question: Question, given: String?, line: Int? = nil) {
        self.question = question
        self.line = line
        guard let text = given else {
            self.given = nil
            outcome = .missing
            message = "no answer given"
            return
        }
        // Never keep (or echo) an over-long answer: the message says how long it was.
        self.given = text.utf8.count > Answer.maximumLength ? nil : TerminalText.escaped(text.trimmedSpaces, keepingNewlines: false)
        switch Answer.parse(text, for: question) {
        case .success(let answer):
            outcome = answer.isRight(for: question) ? .right : .wrong
            message = nil
        case .failure(let error):
            outcome = .malformed
            message = TerminalText.escaped(error.reason, keepingNewlines: false)
        }
    }

    /// Points earned: all of them for a right answer, none otherwise.
    public var score: Int { outcome == .right ? question.points : 0 }
}

/// The result of grading a whole problem: per-question outcomes and the score.
public struct GradeReport: Sendable {
    /// The problem's file name as shown (no directories).
    public var file: String
    /// The seed the problem was generated with.
    public var seed: UInt64
    /// Every question in order.
    public var questions: [GradedQuestion]
    /// Set when the problem itself stopped with an error (the questions before it are graded).
    public var error: String?
    /// Whether correct answers (and hints) may be shown.
    public var reveals: Bool
    /// Remarks about the answers file (answers to questions the problem does not have).
    public var notes: [String] = []
    /// Lines of the answers file that could not be used.
    public var sheetProblems: [AnswerSheetError] = []
    /// Why the answers file could not be read at all (every question then counts as missing).
    public var answersFileError: String?

    /// A report from its parts.
    public init(file: String, seed: UInt64, questions: [GradedQuestion], error: String? = nil, reveals: Bool = true) {
        self.file = file
        self.seed = seed
        self.questions = questions
        self.error = error
        self.reveals = reveals
    }

    /// Points earned.
    public var score: Int { questions.reduce(0) { $0 + $1.score } }
    /// Points available.
    public var maxScore: Int { questions.reduce(0) { $0 + $1.question.points } }
    /// True when every question was answered right and the problem ran to its end: the only
    /// case in which `cowsim quiz --answers` exits 0.
    public var allRight: Bool { error == nil && answersFileError == nil && sheetProblems.isEmpty && questions.allSatisfy { $0.outcome == .right } }
    /// True when the problem could not be run to its end, or the answers file was refused or
    /// has lines that could not be used (`cowsim quiz --answers` exits 2).
    public var unusable: Bool { error != nil || answersFileError != nil || !sheetProblems.isEmpty }

    /// "Score: 5/7 (2 of 3 questions right)".
    public var scoreLine: String {
        let right = questions.filter { $0.outcome == .right }.count
        return "Score: \(score)/\(maxScore) (\(right) of \(Format.count(questions.count, "question")) right)"
    }

    /// The human-readable report `cowsim quiz --answers` prints.
    public func lines() -> [String] {
        var out: [String] = []
        for graded in questions {
            out.append(graded.question.heading)
            out += feedback(graded).map { "  " + $0 }
        }
        if let error { out.append("The problem stopped with an error: \(error)") }
        out += notes.map { "note: " + $0 }
        out.append(scoreLine)
        return out
    }

    /// What a student is told about one graded answer.
    func feedback(_ graded: GradedQuestion) -> [String] {
        let q = graded.question
        let given = graded.given.map { "`\($0)`" } ?? "none given"
        switch graded.outcome {
        case .right:
            return ["answer \(given): right (+\(Format.count(q.points, "point")))"]
        case .wrong, .malformed, .missing:
            var lines: [String]
            let given = graded.given.map { "`\($0)`" } ?? "(not shown)"
            switch graded.outcome {
            case .malformed: lines = ["answer \(given): \(graded.message ?? "not an answer") (counted as wrong)"]
            case .missing: lines = ["no answer: counted as wrong"]
            default: lines = ["answer \(given): wrong"]
            }
            if reveals {
                lines.append("the answer is \(q.answerText)")
                if let hint = q.hint { lines.append("hint: \(hint)") }
            }
            return lines
        }
    }

    /// The report for autograders: fixed key order, one object per question.
    public func json() -> JSON {
        .object([
            ("file", .string(file)),
            ("seed", .string(String(seed))),
            ("score", .int(score)),
            ("maxScore", .int(maxScore)),
            ("allRight", .bool(allRight)),
            ("error", (answersFileError ?? error).map { .string($0) } ?? .null),
            ("notes", .array(notes.map { .string($0) })),
            ("lines", .array(sheetProblems.map { .object([("line", .int($0.line)), ("message", .string($0.message))]) })),
            ("questions", .array(questions.map { g in
                .object([
                    ("number", .int(g.question.number)),
                    ("question", .string(g.question.text)),
                    ("kind", .string(g.question.kind)),
                    ("choices", .array(g.question.choices.map { .string($0) })),
                    ("points", .int(g.question.points)),
                    ("given", g.given.map { .string($0) } ?? .null),
                    ("line", g.line.map { .int($0) } ?? .null),
                    ("result", .string(g.outcome.rawValue)),
                    ("score", .int(g.score)),
                    ("expected", reveals ? .string(g.question.answerText) : .null),
                    ("message", g.message.map { .string($0) } ?? .null),
                ])
            })),
        ])
    }

    /// Who sees a Gradescope test or the submission's output: Gradescope's `visibility` values.
    public enum GradescopeVisibility: String, CaseIterable, Sendable {
        case visible, hidden
        case afterDueDate = "after_due_date"
        case afterPublished = "after_published"
    }

    /// Gradescope's autograder `results.json`: `score` (points earned), `output` (the summary),
    /// `visibility`, and one test per question with `name`, `number`, `score`, `max_score`,
    /// `status` and `output` (the same feedback `--answers` prints). Problems with the answers
    /// file or the problem go into the top-level `output`.
    public func gradescope(visibility: GradescopeVisibility = .visible) -> JSON {
        var summary = [scoreLine]
        if let answersFileError { summary.append("The answers file was refused: \(answersFileError)") }
        if let error { summary.append("The problem stopped with an error: \(error)") }
        summary += sheetProblems.map { "answers file line \($0.line): \($0.message)" }
        summary += notes.map { "note: " + $0 }
        return .object([
            ("score", .int(score)),
            ("output", .string(summary.joined(separator: "\n"))),
            ("visibility", .string(visibility.rawValue)),
            ("stdout_visibility", .string("hidden")),
            ("tests", .array(questions.map { g in
                .object([
                    ("name", .string(g.question.heading)),
                    ("number", .string(String(g.question.number))),
                    ("score", .int(g.score)),
                    ("max_score", .int(g.question.points)),
                    ("status", .string(g.outcome == .right ? "passed" : "failed")),
                    ("output", .string(feedback(g).joined(separator: "\n"))),
                    ("visibility", .string(visibility.rawValue)),
                ])
            })),
        ])
    }
}
