import CowLanguage
import CowEngine

/// A student's answer read as a value. For a numeric question: a number (compared exactly, as a
/// fraction) or `none`; students type whole numbers (`12`, `-3`, `1_024`), fractions (`64/3`),
/// hexadecimal (`0x1f`), decimals (`2.5`, exactly 5/2) or `none`; `6/4` and `3/2` are the same
/// answer. For a text question: the text (compared ignoring case and extra blanks); yes/no:
/// `yes`/`y`/`true` or `no`/`n`/`false`; multiple choice: the choice's letter (`b`) or its text.
public enum Answer: Equatable, Sendable, CustomStringConvertible {
    /// A number.
    case number(Rational)
    /// `none` (for example the frame of a page that is not present).
    case none
    /// Text, normalised (lower case, blanks collapsed).
    case text(String)
    /// Yes or no.
    case yesNo(Bool)
    /// A choice, by index (0 is `a`).
    case choice(Int)

    /// The answer a numeric question expects (`Question.answer` is nil for `none`).
    public init(_ expected: Rational?) {
        self = expected.map { .number($0) } ?? .none
    }

    /// The answer a question expects.
    public init(expected: Question.Expected) {
        switch expected {
        case .number(let r): self = .number(r)
        case .none: self = .none
        case .text(let t): self = .text(Answer.normalised(t))
        case .yesNo(let b): self = .yesNo(b)
        case .choice(let i): self = .choice(i)
        }
    }

    /// As a student would write it: `64/3`, `12`, `none`, `yes`, `b`.
    public var description: String {
        switch self {
        case .number(let r): return r.description
        case .none: return "none"
        case .text(let t): return t
        case .yesNo(let b): return b ? "yes" : "no"
        case .choice(let i): return Question.letter(i)
        }
    }

    /// Whether this answer is right for `question` (exact comparison).
    public func isRight(for question: Question) -> Bool { self == Answer(expected: question.expected) }

    /// What a malformed answer is told, after quoting it.
    public static let forms = "write a whole number (12), a fraction (64/3), hex (0x1f) or none"

    /// The longest answer read, in bytes: longer text is refused without being quoted (a
    /// number of millions of digits must not cost memory or flood a report).
    public static let maximumLength = 200

    /// Lower case, blanks trimmed and runs of blanks made one space.
    static func normalised(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// Reads an answer to `question`, as its kind of answer says.
    public static func parse(_ text: String, for question: Question) -> Result<Answer, AnswerError> {
        if let refused = refuseLong(text) { return .failure(refused) }
        let trimmed = text.trimmedSpaces
        if trimmed.isEmpty { return .failure(AnswerError(text: trimmed, reason: "no answer given")) }
        switch question.expected {
        case .number, .none:
            return parse(text)
        case .text:
            return .success(.text(normalised(trimmed)))
        case .yesNo:
            switch trimmed.lowercased() {
            case "yes", "y", "true": return .success(.yesNo(true))
            case "no", "n", "false": return .success(.yesNo(false))
            default: return .failure(AnswerError(text: trimmed, reason: "`\(trimmed)` is not an answer: write yes or no"))
            }
        case .choice:
            let lower = normalised(trimmed)
            let letters = question.choices.indices.map { Question.letter($0) }
            if let i = letters.firstIndex(of: lower.hasSuffix(")") ? String(lower.dropLast()) : lower) { return .success(.choice(i)) }
            if let i = question.choices.firstIndex(where: { normalised($0) == lower }) { return .success(.choice(i)) }
            // "b) page-table entries": the letter and the choice's own text, as the quiz shows them.
            if let i = letters.indices.first(where: { lower == letters[$0] + ") " + normalised(question.choices[$0]) }) {
                return .success(.choice(i))
            }
            let range = letters.count > 1 ? "\(letters.first ?? "a") to \(letters.last ?? "b")" : (letters.first ?? "a")
            return .failure(AnswerError(text: trimmed, reason: "`\(trimmed)` is not one of the choices: write a letter, \(range)"))
        }
    }

    private static func refuseLong(_ text: String) -> AnswerError? {
        let length = text.utf8.count
        guard length > maximumLength else { return nil }
        return AnswerError(text: "", reason: "the answer is too long (\(length) bytes; at most \(maximumLength))")
    }

    /// Reads a numeric answer; the error explains what is wrong in a sentence a student understands.
    public static func parse(_ text: String) -> Result<Answer, AnswerError> {
        if let refused = refuseLong(text) { return .failure(refused) }
        let trimmed = text.trimmedSpaces
        if trimmed.isEmpty { return .failure(AnswerError(text: trimmed, reason: "no answer given")) }
        if trimmed.lowercased() == "none" { return .success(.none) }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return .failure(AnswerError(text: trimmed, reason: "`\(trimmed)` is not an answer: " + forms)) }
        guard let top = number(String(parts[0]).trimmedSpaces) else {
            return .failure(AnswerError(text: trimmed, reason: "`\(trimmed)` is not an answer: " + forms))
        }
        guard parts.count == 2 else { return top.map { .success(.number($0)) } ?? .failure(tooLarge(trimmed)) }
        guard let bottom = number(String(parts[1]).trimmedSpaces) else {
            return .failure(AnswerError(text: trimmed, reason: "`\(trimmed)` is not an answer: " + forms))
        }
        guard let a = top, let b = bottom else { return .failure(tooLarge(trimmed)) }
        guard b != .zero else { return .failure(AnswerError(text: trimmed, reason: "`\(trimmed)` divides by zero")) }
        guard let quotient = a.divided(by: b) else { return .failure(tooLarge(trimmed)) }
        return .success(.number(quotient))
    }

    private static func tooLarge(_ text: String) -> AnswerError {
        AnswerError(text: text, reason: "`\(text)` is too large to be an answer")
    }

    /// One number: `[+-]` then decimal (with `_` separators and an optional `.fraction`) or `0x` hex.
    /// nil: not a number at all; `.some(nil)`: a number that does not fit in 64 bits.
    private static func number(_ text: String) -> Rational?? {
        var chars = Substring(text)
        var negative = false
        if let sign = chars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            chars = chars.dropFirst()
        }
        guard let magnitude = unsigned(chars) else { return nil }
        guard let value = magnitude else { return .some(nil) }
        if !negative { return .some(value) }
        return .some(Rational.zero.subtracting(value))
    }

    private static func unsigned(_ chars: Substring) -> Rational?? {
        let lower = chars.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2).filter { $0 != "_" }
            guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit), !lower.hasSuffix("_") else { return nil }
            guard let n = Int(digits, radix: 16) else { return .some(nil) }
            return .some(Rational(n))
        }
        let pieces = chars.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count <= 2, let whole = pieces.first, isDigits(whole) else { return nil }
        guard let n = Int(whole.filter { $0 != "_" }) else { return .some(nil) }
        guard pieces.count == 2 else { return .some(Rational(n)) }
        let fraction = pieces[1]
        guard isDigits(fraction) else { return nil }
        let fractionDigits = fraction.filter { $0 != "_" }
        guard fractionDigits.count <= 18, let f = Int(fractionDigits) else { return .some(nil) }
        var scale = 1
        for _ in 0..<fractionDigits.count { scale *= 10 }
        guard let a = Rational(f, scale), let sum = Rational(n).adding(a) else { return .some(nil) }
        return .some(sum)
    }

    /// Digits with single `_` separators between them (`1_024`), at least one digit.
    private static func isDigits(_ s: Substring) -> Bool {
        guard let first = s.first, let last = s.last, first.isASCIIDigit, last.isASCIIDigit else { return false }
        var previousUnderscore = false
        for c in s {
            if c == "_" {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if c.isASCIIDigit {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }
}

/// Why a typed answer could not be read.
public struct AnswerError: Error, Equatable, Sendable {
    /// The answer as typed (trimmed).
    public var text: String
    /// A full sentence: "`abc` is not an answer: write a whole number ...".
    public var reason: String
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    /// Without leading and trailing blanks (spaces, tabs, carriage returns).
    var trimmedSpaces: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }
}
