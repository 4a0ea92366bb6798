import CowEngine

/// A question asked by `ask`, with the answer computed at that point of the script; the
/// homework layer (quiz, solve, grading) reads `Session.questions`.
public struct Question: Sendable, Equatable {
    /// 1, 2, 3... in the order asked.
    public var number: Int
    /// The question text, interpolation done.
    public var text: String
    /// The answer; nil means `none` (for example the frame of a page that is not present).
    public var answer: Rational?
    /// Points it is worth (default 1).
    public var points: Int
    /// Shown after a wrong answer, if given.
    public var hint: String?
    /// Where the `ask` is.
    public var file: String
    /// Its line.
    public var line: Int
    /// State that explains the answer (dump lines); filled by the homework layer when it wants.
    public var explanation: [String]

    /// A question from its parts.
    public init(number: Int, text: String, answer: Rational?, points: Int = 1, hint: String? = nil,
                file: String = "", line: Int = 0, explanation: [String] = []) {
        self.number = number
        self.text = text
        self.answer = answer
        self.points = points
        self.hint = hint
        self.file = file
        self.line = line
        self.explanation = explanation
    }

    /// The answer as a student would write it: `64/3`, `12`, `none`.
    public var answerText: String { answer?.description ?? "none" }

    /// "Q1 (2 points): How many ...?" — how a plain run prints it.
    public var heading: String {
        "Q\(number) (\(Format.count(points, "point"))): \(text)"
    }
}
