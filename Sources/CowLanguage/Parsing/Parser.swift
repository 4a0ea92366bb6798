import CowEngine

/// Reads statements from a source one at a time (a script is run while it is read, so a
/// million-line script never sits in memory as a syntax tree). Errors come back as diagnostics in
/// order; after an error the parser skips to the next line, so `--keep-going` can continue.
public struct Parser {
    let file: SourceFile
    private var lexer: Lexer?
    private var tokens: [Token] = []
    private var index = 0
    private var pending: [Diagnostic] = []
    /// The last token of the previous line (what `previousToken` is at a line's start).
    private var lastOfPreviousLine = SourceSpan.none
    /// Expression nesting and size so far (hostile input must not overflow the stack).
    var expressionDepth = 0
    var expressionNodes = 0
    /// What `.end` is called in messages ("the end of the file", or "`}`" inside interpolation).
    private let endName: String

    /// A parser over a whole source.
    public init(file: SourceFile) {
        self.file = file
        self.lexer = Lexer(file: file)
        self.endName = "the end of the file"
        tokens.reserveCapacity(16)
        refill()
    }

    /// A parser over already lexed tokens (the inside of a `{...}` in a string); they end in `.end`.
    init(tokens: [Token], file: SourceFile) {
        self.file = file
        self.lexer = nil
        self.tokens = tokens
        self.endName = "`}`"
        if tokens.isEmpty {
            self.tokens = [Token(kind: .end, span: .none)]
        }
    }

    /// The next statement, a diagnostic, or nil at the end of the source.
    public mutating func next() -> Result<Statement, Diagnostic>? {
        if !pending.isEmpty { return .failure(pending.removeFirst()) }
        skipSeparators()
        if case .end = current.kind { return nil }
        let statement = parseStatementRecovering()
        if !pending.isEmpty { return .failure(pending.removeFirst()) }
        guard let statement else { return nil }
        return .success(statement)
    }

    /// Parses a whole source: every statement, and every diagnostic.
    public static func parse(_ file: SourceFile) -> (statements: [Statement], diagnostics: [Diagnostic]) {
        var parser = Parser(file: file)
        var statements: [Statement] = []
        var diagnostics: [Diagnostic] = []
        while let result = parser.next() {
            switch result {
            case .success(let s): statements.append(s)
            case .failure(let d): diagnostics.append(d)
            }
        }
        return (statements, diagnostics)
    }

    // MARK: - Token access

    var current: Token { tokens[index] }

    /// Where the token consumed last is (for "expected ... after `...`", which quotes its source
    /// text). Only the span is kept: copying the token's value on every step would cost time.
    var previousToken: Token { Token(kind: .newline, span: index > 0 ? tokens[index - 1].span : lastOfPreviousLine) }

    private mutating func refill() {
        if let last = tokens.last { lastOfPreviousLine = last.span }
        tokens.removeAll(keepingCapacity: true)
        index = 0
        // Lexes in place (copying the lexer out and back costs retains on every line).
        _ = lexer?.lexLine(into: &tokens)
        if tokens.isEmpty { tokens.append(Token(kind: .end, span: .none)) }
    }

    mutating func advance() {
        if case .end = current.kind { return }
        index += 1
        if index >= tokens.count {
            if lexer != nil {
                refill()
            } else {
                index = tokens.count - 1
            }
        }
    }

    private mutating func skipSeparators() {
        while true {
            switch current.kind {
            case .newline, .symbol(.semicolon), .expectedOutput: advance()
            default: return
            }
        }
    }

    private mutating func skipRestOfLine() {
        while true {
            switch current.kind {
            case .end: return
            case .newline:
                advance()
                return
            default: advance()
            }
        }
    }

    // MARK: - Errors

    func error(_ message: String, at span: SourceSpan, notes: [String] = []) -> Diagnostic {
        Diagnostic(message, at: span, in: file, notes: notes)
    }

    /// How a token is named in "found ..." (the source text in backquotes).
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .newline, .expectedOutput: return "the end of the line"
        case .end: return endName
        case .symbol(.semicolon): return "`;`"
        case .string: return "a string"
        default:
            var text = file.text(from: token.span.start, to: token.span.end)
            if text.count > 24 { text = String(text.prefix(21)) + "..." }
            return "`\(text)`"
        }
    }

    /// The source text of a token, for "after `...`" in messages.
    func text(of token: Token) -> String { file.text(from: token.span.start, to: token.span.end) }

    /// "expected WHAT after `PREVIOUS`, found `CURRENT`" (or the lexer's own complaint).
    func expected(_ what: String, after previous: Token, notes: [String] = []) -> Diagnostic {
        if case .invalid(let message) = current.kind { return error(message, at: current.span) }
        return error("expected \(what) after `\(text(of: previous))`, found \(describe(current))", at: current.span, notes: notes)
    }

    // MARK: - Statements

    private mutating func parseStatementRecovering() -> Statement? {
        do {
            return try parseStatement()
        } catch {
            pending.append(error)
            skipRestOfLine()
            return nil
        }
    }

    /// One statement and the separator after it (plus any `#>` lines that follow its line).
    mutating func parseStatement() throws(Diagnostic) -> Statement {
        let first = current
        guard let keyword = first.word else {
            if case .invalid(let message) = first.kind { throw error(message, at: first.span) }
            throw error("expected a command, found \(describe(first))", at: first.span,
                        notes: ["type `help` for the list of commands"])
        }
        var statement: Statement
        switch keyword {
        case "repeat": statement = try parseRepeat()
        case "quiet", "show": statement = try parseQuietOrShow(show: keyword == "show")
        case "expect-error": statement = try parseExpectError()
        case "end":
            throw error("`end` without a matching `repeat`, `quiet` or `show`", at: first.span)
        default:
            advance()
            let command = try parseCommand(keyword, keywordToken: first)
            statement = Statement(kind: .command(command, keyword: first.span), span: first.span.through(lastSpan(from: first)))
        }
        try finishStatement(&statement, keyword: first)
        return statement
    }

    /// The span from `first` to the token before the current one (same line).
    func lastSpan(from first: Token) -> SourceSpan {
        first.span.through(previousToken.span)
    }

    /// Requires the end of the statement, then attaches following `#>` lines.
    private mutating func finishStatement(_ statement: inout Statement, keyword: Token) throws(Diagnostic) {
        guard current.endsStatement else {
            if case .invalid(let message) = current.kind { throw error(message, at: current.span) }
            throw error("unexpected \(describe(current)) after the `\(text(of: keyword))` command",
                        at: current.span, notes: ["put one command on a line, or separate commands with `;`"])
        }
        if case .symbol(.semicolon) = current.kind {
            advance()
            return
        }
        if case .newline = current.kind { advance() }
        while case .expectedOutput(let text) = current.kind {
            if statement.expectedOutput.isEmpty { statement.expectedOutputLine = current.span.line }
            statement.expectedOutput.append(text)
            advance()
            if case .newline = current.kind { advance() }
        }
    }

    private mutating func parseRepeat() throws(Diagnostic) -> Statement {
        let keyword = current
        advance()
        guard !current.endsStatement else { throw expected("a number of repetitions", after: keyword) }
        let count = try parseOperand(after: keyword)
        var variable: Name?
        if current.isWord("as") {
            let asToken = current
            advance()
            guard let name = current.word, !Keywords.isReserved(name) else {
                throw expected("a variable name", after: asToken)
            }
            variable = Name(name, span: current.span)
            advance()
        }
        let (body, end) = try parseBlockBody(opener: keyword)
        return Statement(kind: .repeatBlock(count: count, variable: variable, body: body), span: blockSpan(keyword, end))
    }

    private mutating func parseQuietOrShow(show: Bool) throws(Diagnostic) -> Statement {
        let keyword = current
        advance()
        if current.endsStatement {
            let (body, end) = try parseBlockBody(opener: keyword)
            return Statement(kind: show ? .show(body) : .quiet(body), span: blockSpan(keyword, end))
        }
        // Prefix form: `quiet CMD`.
        let inner = try parsePrefixed(after: keyword)
        let span = keyword.span.through(inner.span)
        return Statement(kind: show ? .show([inner]) : .quiet([inner]), span: span)
    }

    /// The statement after a prefix keyword (`quiet`, `show`, `expect-error`).
    private mutating func parsePrefixed(after keyword: Token) throws(Diagnostic) -> Statement {
        guard let word = current.word, word != "end" else {
            throw expected("a command", after: keyword)
        }
        switch word {
        case "repeat": return try parseRepeat()
        case "quiet", "show": return try parseQuietOrShow(show: word == "show")
        case "expect-error": return try parseExpectError()
        default:
            let first = current
            advance()
            let command = try parseCommand(word, keywordToken: first)
            return Statement(kind: .command(command, keyword: first.span), span: first.span.through(lastSpan(from: first)))
        }
    }

    private mutating func parseExpectError() throws(Diagnostic) -> Statement {
        let keyword = current
        advance()
        var message: StringLiteral?
        if case .string(let parts) = current.kind {
            message = try stringLiteral(parts, span: current.span)
            advance()
        }
        let inner = try parsePrefixed(after: previousToken)
        return Statement(kind: .expectError(message, inner), span: keyword.span.through(inner.span))
    }

    /// Statements up to the matching `end` (which is consumed). Errors inside are queued and the
    /// block is still returned, so parsing stays in step; `next()` then reports them.
    private mutating func parseBlockBody(opener: Token) throws(Diagnostic) -> ([Statement], Int) {
        guard current.endsStatement else {
            throw error("unexpected \(describe(current)) after `\(text(of: opener))`", at: current.span,
                        notes: ["the block's commands start on the next line (or after `;`)"])
        }
        var body: [Statement] = []
        while true {
            skipSeparators()
            if current.isWord("end") {
                let end = current.span.end
                advance()
                return (body, end)
            }
            if case .end = current.kind {
                throw error("this `\(text(of: opener))` has no matching `end`", at: opener.span)
            }
            if let statement = parseStatementRecovering() { body.append(statement) }
        }
    }
}

/// A span from a block's keyword to the end of its `end` (several lines: carets stop at the
/// first line's end, transcripts take the whole text).
private func blockSpan(_ keyword: Token, _ end: Int) -> SourceSpan {
    SourceSpan(start: keyword.span.start, end: end, line: keyword.span.line, lineStart: keyword.span.lineStart)
}

/// Words with a fixed meaning.
public enum Keywords {
    /// Words that cannot name a variable (they are operators or literals in expressions).
    public static let reserved: Set<String> = ["and", "or", "not", "none", "true", "false"]

    /// Whether `word` is reserved (a fast check for the parser's hot path).
    public static func isReserved(_ word: String) -> Bool {
        let n = word.utf8.count
        guard n >= 2, n <= 5 else { return false }
        switch word {
        case "and", "or", "not", "none", "true", "false": return true
        default: return false
        }
    }
}
