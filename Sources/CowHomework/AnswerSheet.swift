import CowLanguage

/// A student's answers file for `cowsim quiz --answers FILE`. Each line is either an answer
/// (for the question after the previous line's one, starting at 1) or `N: answer` (for
/// question N; `Q3: 12` works too). Blank lines and lines starting with `#` are skipped, so a
/// student may annotate the file; no other line is a comment. A UTF-8 byte-order mark at the
/// start is ignored. A line that cannot be used (a bad question number, a second answer to the
/// same question, an over-long line) is reported with its line number and skipped; the rest of
/// the file is still graded. A line with a bad label takes no question's place; an over-long
/// line counts as the (unreadable) answer to its question, so later plain lines keep theirs.
public struct AnswerSheet: Equatable, Sendable {
    /// Answer text by question number.
    public private(set) var answers: [Int: String] = [:]
    /// The line each answer came from (for messages).
    public private(set) var lineOf: [Int: Int] = [:]
    /// Lines that could not be used, in file order.
    public private(set) var problems: [AnswerSheetError] = []

    /// The longest line read, in bytes (an answer is at most `Answer.maximumLength`; the label
    /// and blanks leave room).
    public static let maximumLineLength = Answer.maximumLength + 64

    /// The largest answers file read, in bytes.
    public static let maximumFileSize = 1 << 20

    /// Reads an answers file's bytes (not valid UTF-8 is read with replacement characters).
    public static func parse(bytes: [UInt8]) -> AnswerSheet {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        var sheet = AnswerSheet()
        var next = 1
        var lineNumber = 0
        var start = body.startIndex
        while start < body.endIndex {
            let end = body[start...].firstIndex(of: UInt8(ascii: "\n")) ?? body.endIndex
            lineNumber += 1
            let raw = body[start..<end]
            start = end < body.endIndex ? end + 1 : end
            guard raw.count <= maximumLineLength else {
                sheet.problems.append(AnswerSheetError(line: lineNumber,
                    message: "line too long (\(raw.count) bytes; an answer line has at most \(maximumLineLength))"))
                next += 1
                continue
            }
            sheet.read(String(decoding: raw, as: UTF8.self), line: lineNumber, next: &next)
        }
        return sheet
    }

    /// Reads an answers file's text.
    public static func parse(_ text: String) -> AnswerSheet { parse(bytes: Array(text.utf8)) }

    private mutating func read(_ rawLine: String, line lineNumber: Int, next: inout Int) {
        let line = rawLine.trimmedSpaces
        if line.isEmpty || line.hasPrefix("#") { return }
        var number = next
        var answer = line
        if let colon = line.firstIndex(of: ":") {
            var label = Substring(line[..<colon]).drop(while: { $0 == " " })
            if let q = label.first, q == "Q" || q == "q" { label = label.dropFirst() }
            let digits = String(label).trimmedSpaces
            guard !digits.isEmpty, digits.count <= 7, digits.allSatisfy(\.isASCIIDigit), let n = Int(digits), n >= 1, n <= 1_000_000 else {
                // Not an answer (say `Name: Alice`): it takes no question's place.
                problems.append(AnswerSheetError(line: lineNumber, message: "`\(TerminalText.escaped(String(line[..<colon]), keepingNewlines: false))` is not a question number (write `3: answer`)"))
                return
            }
            number = n
            answer = String(line[line.index(after: colon)...]).trimmedSpaces
        }
        next = number + 1
        if let earlier = lineOf[number] {
            problems.append(AnswerSheetError(line: lineNumber, message: "question \(number) is answered twice (lines \(earlier) and \(lineNumber)); the first answer counts"))
            return
        }
        answers[number] = answer
        lineOf[number] = lineNumber
    }

    /// The answer for question `number`, nil if none was given.
    public func answer(for number: Int) -> String? { answers[number] }

    /// Question numbers answered that the problem does not have (it asked `count` questions).
    public func extraNumbers(beyond count: Int) -> [Int] { answers.keys.filter { $0 > count }.sorted() }
}

/// A problem with an answers file itself (not with an answer in it).
public struct AnswerSheetError: Error, Equatable, Sendable {
    /// 1-based line (0: the whole file).
    public var line: Int
    /// What is wrong.
    public var message: String
}
