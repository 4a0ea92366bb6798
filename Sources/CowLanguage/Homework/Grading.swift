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

    /// Grades `given` (nil: no answer) against the question.
    public init(question: Question, given: String?) {
        self.question = question
        self.given = given?.trimmedSpaces
        guard let text = given else {
            outcome = .missing
            message = "no answer given"
            return
        }
        switch Answer.parse(text) {
        case .success(let answer):
            outcome = answer.isRight(for: question) ? .right : .wrong
            message = nil
        case .failure(let error):
            outcome = .malformed
            message = error.reason
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
    public var allRight: Bool { error == nil && questions.allSatisfy { $0.outcome == .right } }

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
            ("error", error.map { .string($0) } ?? .null),
            ("notes", .array(notes.map { .string($0) })),
            ("questions", .array(questions.map { g in
                .object([
                    ("number", .int(g.question.number)),
                    ("question", .string(g.question.text)),
                    ("points", .int(g.question.points)),
                    ("given", g.given.map { .string($0) } ?? .null),
                    ("result", .string(g.outcome.rawValue)),
                    ("score", .int(g.score)),
                    ("expected", reveals ? .string(g.question.answerText) : .null),
                    ("message", g.message.map { .string($0) } ?? .null),
                ])
            })),
        ])
    }
}
