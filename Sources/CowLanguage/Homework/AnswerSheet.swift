/// A student's answers file for `cowsim quiz --answers FILE`. Each line is either an answer
/// (for the question after the previous line's one, starting at 1) or `N: answer` (for
/// question N; `Q3: 12` works too). Blank lines and lines starting with `#` are skipped, so a
/// student may annotate the file.
public struct AnswerSheet: Equatable, Sendable {
    /// Answer text by question number.
    public private(set) var answers: [Int: String] = [:]
    /// The line each answer came from (for messages).
    private var lineOf: [Int: Int] = [:]

    /// Reads an answers file's text. Fails on an answer given twice for the same question or
    /// on a question number that is not a positive whole number.
    public static func parse(_ text: String) -> Result<AnswerSheet, AnswerSheetError> {
        var sheet = AnswerSheet()
        var next = 1
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = String(rawLine).trimmedSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            var number = next
            var answer = line
            if let colon = line.firstIndex(of: ":") {
                var label = Substring(line[..<colon]).drop(while: { $0 == " " })
                if let q = label.first, q == "Q" || q == "q" { label = label.dropFirst() }
                let digits = String(label).trimmedSpaces
                guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let n = Int(digits), n >= 1, n <= 1_000_000 else {
                    return .failure(AnswerSheetError(line: lineNumber, message: "`\(line[..<colon])` is not a question number (write `3: answer`)"))
                }
                number = n
                answer = String(line[line.index(after: colon)...]).trimmedSpaces
            }
            if let earlier = sheet.lineOf[number] {
                return .failure(AnswerSheetError(line: lineNumber, message: "question \(number) is answered twice (lines \(earlier) and \(lineNumber))"))
            }
            sheet.answers[number] = answer
            sheet.lineOf[number] = lineNumber
            next = number + 1
        }
        return .success(sheet)
    }

    /// The answer for question `number`, nil if none was given.
    public func answer(for number: Int) -> String? { answers[number] }

    /// Question numbers answered that the problem does not have (it asked `count` questions).
    public func extraNumbers(beyond count: Int) -> [Int] { answers.keys.filter { $0 > count }.sorted() }
}

/// A problem with an answers file itself (not with an answer in it).
public struct AnswerSheetError: Error, Equatable, Sendable {
    /// 1-based line.
    public var line: Int
    /// What is wrong.
    public var message: String
}
