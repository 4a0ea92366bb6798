import CowEngine

/// Matches the words typed after a command against one of its patterns (`CommandSpec.forms`)
/// and says what may come next: the basis of Tab completion at every argument position.
struct SyntaxMatcher {
    /// What may come at the position being completed.
    enum Expectation: Equatable {
        /// A keyword.
        case word(String)
        /// An argument of a kind; `process` is the command's process as typed (for its regions).
        case argument(ArgumentKind, process: String?)
        /// Inside an expression that starts at word `start`.
        case expression(start: Int)
    }

    /// The words typed after the command word (strings as `"..."`, symbols as themselves).
    let words: [String]
    /// The process the command names (its first `P`), once matched.
    private var process: String?

    init(words: [String]) {
        self.words = words
    }

    /// What may come after all of `words` if they follow `pattern`.
    mutating func expectations(_ pattern: [Syntax]) -> [Expectation] {
        process = nil
        var result: [Expectation] = []
        _ = sequenceEnds(pattern[...], at: 0, into: &result)
        return result
    }

    /// The positions where `element` can end when it starts at word `j`; expectations for a
    /// position at the end of the typed words are added to `result`.
    private mutating func positions(after element: Syntax, at j: Int, into result: inout [Expectation]) -> [Int] {
        let atEnd = j == words.count
        switch element {
        case .word(let w, let aliases):
            if atEnd { result.append(.word(w)); return [] }
            return words[j] == w || aliases.contains(words[j]) ? [j + 1] : []
        case .choice(let options, _):
            if atEnd { result += options.map(Expectation.word); return [] }
            return options.contains(words[j]) ? [j + 1] : []
        case .symbol(let s):
            if atEnd { return [] }
            return words[j] == s ? [j + 1] : []
        case .optional(let inner):
            var ends = [j]
            ends += sequenceEnds(inner[...], at: j, into: &result)
            return ends
        case .alternatives(let options):
            return options.flatMap { sequenceEnds($0[...], at: j, into: &result) }
        case .clauses(let clauses):
            return clauseEnds(clauses, used: [], at: j, into: &result)
        case .argument(let kind, _, _):
            return argumentEnds(kind, at: j, into: &result)
        }
    }

    /// The positions where `pattern` can end when it starts at word `j`.
    private mutating func sequenceEnds(_ pattern: ArraySlice<Syntax>, at j: Int, into result: inout [Expectation]) -> [Int] {
        guard let first = pattern.first else { return [j] }
        var ends: [Int] = []
        for end in positions(after: first, at: j, into: &result) {
            ends += sequenceEnds(pattern.dropFirst(), at: end, into: &result)
        }
        return ends
    }

    /// Clauses in any order, each at most once.
    private mutating func clauseEnds(_ clauses: [[Syntax]], used: Set<Int>, at j: Int, into result: inout [Expectation]) -> [Int] {
        var ends = [j]
        for (k, clause) in clauses.enumerated() where !used.contains(k) {
            for end in sequenceEnds(clause[...], at: j, into: &result) where end > j {
                ends += clauseEnds(clauses, used: used.union([k]), at: end, into: &result)
            }
        }
        return ends
    }

    /// An argument of `kind` starting at word `j`.
    private mutating func argumentEnds(_ kind: ArgumentKind, at j: Int, into result: inout [Expectation]) -> [Int] {
        let atEnd = j == words.count
        switch kind {
        case .expression:
            // An expression runs to the end of the command.
            result.append(.expression(start: j))
            return []
        case .mappedRange, .newRange:
            // ADDR [pages N | ..END]
            if atEnd { result.append(.argument(kind, process: process)); return [] }
            guard let afterStart = operandEnd(at: j) else { return [] }
            var ends = [afterStart]
            if afterStart == words.count {
                result.append(.word("pages"))
            } else if words[afterStart] == "pages" || words[afterStart] == ".." {
                let valueKind: ArgumentKind = words[afterStart] == "pages" ? .number : .newAddress
                if afterStart + 1 == words.count {
                    result.append(.argument(valueKind, process: process))
                } else if let end = operandEnd(at: afterStart + 1) {
                    ends.append(end)
                }
            }
            return ends
        case .permissions:
            if atEnd { result.append(.argument(kind, process: process)); return [] }
            return Parser.permissions(words[j]) != nil ? [j + 1] : []
        case .behaviourSwitch:
            if atEnd { result.append(.argument(kind, process: process)); return [] }
            return Behaviours.switchNames.contains(words[j]) ? [j + 1] : []
        case .topic:
            if atEnd { result.append(.argument(kind, process: process)); return [] }
            return CommandTable.spec(words[j]) != nil ? [j + 1] : []
        case .string:
            if atEnd { result.append(.argument(kind, process: process)); return [] }
            return words[j].hasPrefix("\"") ? [j + 1] : []
        case .strings:
            if atEnd { result.append(.argument(kind, process: process)); return [] }
            var k = j
            while k < words.count, words[k].hasPrefix("\"") { k += 1 }
            return k - j >= 2 ? Array((j + 2)...k) : []
        case .path, .block, .command:
            // The rest of the command (a path, another command, a block's lines): nothing to match.
            if atEnd { result.append(.argument(kind, process: process)) }
            return []
        case .process:
            if atEnd { result.append(.argument(kind, process: process)); return [] }
            guard let end = operandEnd(at: j) else { return [] }
            if process == nil { process = words[j] }
            return [end]
        case .numbers:
            // N,N,...: the list may end after any operand; a comma at the end wants another.
            if atEnd { result.append(.argument(kind, process: process)); return [] }
            guard var end = operandEnd(at: j) else { return [] }
            while end < words.count && words[end] == "," {
                if end + 1 == words.count { result.append(.argument(kind, process: process)); return [] }
                guard let next = operandEnd(at: end + 1) else { return [] }
                end = next
            }
            return [end]
        case .number, .newAddress, .newName, .file, .library:
            if atEnd { result.append(.argument(kind, process: process)); return [] }
            guard let end = operandEnd(at: j) else { return [] }
            return [end]
        }
    }

    /// Where an operand starting at word `j` ends: one word, `-` operand, or a `( ... )` group.
    private func operandEnd(at j: Int) -> Int? {
        guard j < words.count else { return nil }
        switch words[j] {
        case "-": return operandEnd(at: j + 1)
        case "(":
            var depth = 0
            for k in j..<words.count {
                if words[k] == "(" { depth += 1 }
                if words[k] == ")" { depth -= 1; if depth == 0 { return k + 1 } }
            }
            return nil
        case ")", ",", "=", "..", ";": return nil
        default: return j + 1
        }
    }
}
