import CowEngine

/// A question asked by `ask`, with the answer computed at that point of the script; the
/// homework layer (quiz, solve, grading) reads `Session.questions`.
public struct Question: Sendable, Equatable {
    /// What kind of answer a question expects, and the expected answer.
    public enum Expected: Sendable, Equatable {
        /// A number (students may write fractions, hex, decimals).
        case number(Rational)
        /// `none` (for example the frame of a page that is not present).
        case none
        /// A word or phrase (compared ignoring case and extra blanks).
        case text(String)
        /// Yes or no (the answer expression was a condition).
        case yesNo(Bool)
        /// One of `choices`, by its index (0 is choice `a`).
        case choice(Int)
    }

    /// 1, 2, 3... in the order asked.
    public var number: Int
    /// The question text, interpolation done.
    public var text: String
    /// The expected answer and its kind.
    public var expected: Expected
    /// The choices of a multiple-choice question (empty for every other kind), interpolated.
    public var choices: [String]
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

    /// A question with a numeric answer (nil means `none`).
    public init(number: Int, text: String, answer: Rational?, points: Int = 1, hint: String? = nil,
                file: String = "", line: Int = 0, explanation: [String] = []) {
        self.init(number: number, text: text, expected: answer.map { .number($0) } ?? .none, points: points, hint: hint,
                  file: file, line: line, explanation: explanation)
    }

    /// A question of any kind.
    public init(number: Int, text: String, expected: Expected, choices: [String] = [], points: Int = 1, hint: String? = nil,
                file: String = "", line: Int = 0, explanation: [String] = []) {
        self.number = number
        self.text = text
        self.expected = expected
        self.choices = choices
        self.points = points
        self.hint = hint
        self.file = file
        self.line = line
        self.explanation = explanation
    }

    /// The numeric answer (nil for `none` and for questions that are not numeric).
    public var answer: Rational? {
        if case .number(let r) = expected { return r }
        return nil
    }

    /// `a`, `b`, ... for choice `index`.
    public static func letter(_ index: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return index >= 0 && index < letters.count ? String(letters[index]) : "\(index + 1)"
    }

    /// The most choices a question may have (one letter each).
    public static let maximumChoices = 26

    /// The answer as a student would write it: `64/3`, `12`, `none`, `yes`, `b (shared)`, the text.
    public var answerText: String {
        switch expected {
        case .number(let r): return r.description
        case .none: return "none"
        case .text(let t): return t
        case .yesNo(let yes): return yes ? "yes" : "no"
        case .choice(let i): return Self.letter(i) + (i < choices.count ? " (\(choices[i]))" : "")
        }
    }

    /// What kind of answer it takes, for tools: number, text, yes/no, choice.
    public var kind: String {
        switch expected {
        case .number, .none: return "number"
        case .text: return "text"
        case .yesNo: return "yes/no"
        case .choice: return "choice"
        }
    }

    /// "Q1 (2 points): How many ...?" — how a plain run prints it.
    public var heading: String {
        "Q\(number) (\(Format.count(points, "point"))): \(text)"
    }

    /// The choices as shown under the heading: "  a) shared", "  b) private".
    public var choiceLines: [String] {
        choices.enumerated().map { "  \(Self.letter($0.offset))) \($0.element)" }
    }
}
