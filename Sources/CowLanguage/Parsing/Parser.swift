import CowEngine

/// Reads statements from a source one at a time (a script is run while it is read, so a
/// million-line script never sits in memory as a syntax tree). Errors come back as diagnostics in
/// order; after an error the parser skips to the next line, so `--keep-going` can continue.
public struct Parser {
    let file: SourceFile
    /// Lexes the source line by line, and knows the words and messages of the lexemes.
    var lexer: Lexer
    /// Whether more lines follow the current ones (false inside a `{...}`).
    private let readsLines: Bool
    /// The current line's lexemes (plain data; see `Lexeme`).
    private var tokens: [Lexeme] = []
    private var index = 0
    private var pending: [Diagnostic] = []
    /// The last token of the previous line (what `previousToken` is at a line's start).
    private var lastOfPreviousLine = SourceSpan.none
    /// Expression nesting and size so far (hostile input must not overflow the stack).
    var expressionDepth = 0
    var expressionNodes = 0
    /// Whether the expression being parsed is a command's operand (where a value may be followed
    /// by another operand in parentheses: `write s x (i + 2)`), not a whole expression.
    var inOperand = false
    /// Block nesting (`repeat`/`quiet`/`show` blocks and the `quiet`/`show`/`expect-error`
    /// prefixes) so far: parsing them recurses, so hostile input must not overflow the stack.
    private var statementDepth = 0
    /// The most blocks and prefixes that may nest.
    static let maximumStatementDepth = 64
    /// Set by an error that ends the whole source (blocks nested too deeply): the parser reports
    /// it and then stops, as the rest of the source cannot be parsed in step.
    public private(set) var stoppedFatally = false
    /// Blocks (`repeat`, `quiet`, `show`) the source opened and never closed: more lines could
    /// complete it (see `completeness(of:)`).
    private(set) var unclosedBlocks = 0
    /// What `.end` is called in messages ("the end of the file", or "`}`" inside interpolation).
    private let endName: String
    /// The statement of a line resolved without lexing (see `resolveAccessLine`); an `.access`
    /// lexeme stands for it in `tokens`.
    var resolvedAccess: PageAccess?

    /// Whether literal `read`/`write` lines take the fast path (see FastPath/); off only to
    /// check that the general parser gives the same results.
    private let resolvesAccessLines: Bool

    /// A parser over a whole source.
    public init(file: SourceFile) {
        self.init(file: file, fastPath: true)
    }

    /// A parser over a whole source, with or without the fast path for literal accesses.
    init(file: SourceFile, fastPath: Bool) {
        self.file = file
        self.lexer = Lexer(file: file)
        self.readsLines = true
        self.resolvesAccessLines = fastPath
        self.endName = "the end of the file"
        tokens.reserveCapacity(16)
        refill()
    }

    /// A parser over the inside of a `{...}` in a string: the bytes `range` of a line (`}` at its
    /// end); it ends at the `}`.
    init(interpolation range: Range<Int>, line: Int, lineStart: Int, file: SourceFile) {
        self.file = file
        self.lexer = Lexer(file: file)
        self.readsLines = false
        self.resolvesAccessLines = false
        self.endName = "`}`"
        lexer.lexInterpolation(range, line: line, lineStart: lineStart, into: &tokens)
    }

    /// The next statement, a diagnostic, or nil at the end of the source.
    public mutating func next() -> Result<Statement, Diagnostic>? {
        switch step() {
        case .statement(let statement): return .success(statement)
        case .failure(let diagnostic): return .failure(diagnostic)
        case .end: return nil
        }
    }

    /// What `step()` found.
    enum Step {
        case statement(Statement)
        case failure(Diagnostic)
        case end
    }

    /// The next statement, a diagnostic, or the end of the source (as `next()`, but a concrete
    /// enum: the session's run loop calls it once per statement, and moving and destroying a
    /// generic `Optional<Result<...>>` goes through the runtime's generic value witnesses).
    mutating func step() -> Step {
        if !pending.isEmpty { return .failure(pending.removeFirst()) }
        if stoppedFatally { return .end }
        skipSeparators()
        if case .end = current.kind { return .end }
        do {
            let statement = try parseStatement()
            // Errors inside a block were queued; they are reported instead of running it.
            if !pending.isEmpty { return .failure(pending.removeFirst()) }
            return .statement(statement)
        } catch {
            pending.append(error)
            if !stoppedFatally { skipRestOfStatement() }
            return .failure(pending.removeFirst())
        }
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

    /// Whether a source is complete, or could be completed by more lines.
    public enum Completeness: Sendable, Equatable {
        /// Every block it opens is closed, or it has an error more lines cannot fix: run it.
        case complete
        /// It opens a block (`repeat`, `quiet`, `show`) with no `end` and has no other error:
        /// the REPL reads more lines before running it.
        case incomplete
    }

    /// Whether `file` is complete (the parser's own verdict, not a reading of its messages).
    public static func completeness(of file: SourceFile) -> Completeness {
        var parser = Parser(file: file)
        var failures = 0
        while let result = parser.next() {
            if case .failure = result { failures += 1 }
        }
        let onlyUnclosed = parser.unclosedBlocks > 0 && failures == parser.unclosedBlocks && !parser.stoppedFatally
        return onlyUnclosed ? .incomplete : .complete
    }

    // MARK: - Token access

    var current: Lexeme { tokens[index] }

    /// The token after the current one on the same line (nil at the end of the line).
    var following: Lexeme? { index + 1 < tokens.count ? tokens[index + 1] : nil }

    /// Where the token consumed last is (for "expected ... after `...`", which quotes its source
    /// text). Only the span is kept.
    var previousToken: Lexeme { Lexeme(kind: .newline, span: index > 0 ? tokens[index - 1].span : lastOfPreviousLine) }

    /// The text of `lexeme` if it is a word.
    mutating func word(_ lexeme: Lexeme) -> String? {
        guard case .word = lexeme.kind else { return nil }
        return lexer.word(lexeme)
    }

    /// Whether `lexeme` is the word `expected` (compared as bytes).
    func isWord(_ lexeme: Lexeme, _ expected: StaticString) -> Bool { lexer.isWord(lexeme, expected) }

    /// Whether `lexeme` is a reserved word (`and`, `or`, `not`, `none`, `true`, `false`).
    func isReserved(_ lexeme: Lexeme) -> Bool {
        guard case .word = lexeme.kind else { return false }
        return Keywords.isReserved(utf8: file.bytes[lexeme.span.start..<lexeme.span.end])
    }

    /// Whether the current token is the word `expected`.
    func atWord(_ expected: StaticString) -> Bool { lexer.isWord(current, expected) }

    /// The lexer's message for an invalid token (nil for any other).
    func invalidMessage(_ lexeme: Lexeme) -> String? {
        guard case .invalid(let index) = lexeme.kind else { return nil }
        return lexer.message(index)
    }

    /// The text of a `#>` line.
    func expectedOutputText(_ lexeme: Lexeme) -> String? {
        guard case .expectedOutput(let start, let end) = lexeme.kind else { return nil }
        return String(decoding: file.bytes[start..<end], as: UTF8.self)
    }

    private mutating func refill() {
        if let last = tokens.last { lastOfPreviousLine = last.span }
        index = 0
        if resolvesAccessLines, let newline = resolveAccessLine() {
            // A literal `read`/`write` line: its statement is ready (`resolvedAccess`), no lexing
            // needed. Most lines of a long script are such lines, so the two tokens standing for
            // it reuse the array's first two slots rather than emptying and refilling it.
            let placeholder = Lexeme(kind: .access, span: resolvedAccess?.span ?? newline)
            if tokens.count == 2 {
                tokens[0] = placeholder
                tokens[1] = Lexeme(kind: .newline, span: newline)
            } else {
                tokens.removeAll(keepingCapacity: true)
                tokens.append(placeholder)
                tokens.append(Lexeme(kind: .newline, span: newline))
            }
            return
        }
        tokens.removeAll(keepingCapacity: true)
        // Lexes in place (copying the lexer out and back costs retains on every line).
        if readsLines { _ = lexer.lexLine(into: &tokens) }
        if tokens.isEmpty { tokens.append(Lexeme(kind: .end, span: .none)) }
    }

    mutating func advance() {
        if case .end = current.kind { return }
        index += 1
        if index >= tokens.count {
            if readsLines {
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

    /// After an error: skips to the next `;` outside parentheses (strings are single tokens) or
    /// to the next line, so that `--keep-going` goes on with the next command of a `;` line.
    private mutating func skipRestOfStatement() {
        var parentheses = 0
        while true {
            switch current.kind {
            case .end: return
            case .newline:
                advance()
                return
            case .symbol(.semicolon) where parentheses == 0:
                advance()
                return
            case .symbol(.leftParen): parentheses += 1
            case .symbol(.rightParen): parentheses = max(0, parentheses - 1)
            default: break
            }
            advance()
        }
    }

    // MARK: - Errors

    func error(_ message: String, at span: SourceSpan, notes: [String] = []) -> Diagnostic {
        Diagnostic(message, at: span, in: file, notes: notes)
    }

    /// How a token is named in "found ..." (the source text in backquotes).
    func describe(_ token: Lexeme) -> String {
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
    func text(of token: Lexeme) -> String { file.text(from: token.span.start, to: token.span.end) }

    /// "expected WHAT after `PREVIOUS`, found `CURRENT`" (or the lexer's own complaint).
    func expected(_ what: String, after previous: Lexeme, notes: [String] = []) -> Diagnostic {
        if let message = invalidMessage(current) { return error(message, at: current.span) }
        return error("expected \(what) after \(Diagnostic.quoted(text(of: previous))), found \(describe(current))", at: current.span, notes: notes)
    }

    // MARK: - Statements

    private mutating func parseStatementRecovering() throws(Diagnostic) -> Statement? {
        do {
            return try parseStatement()
        } catch {
            if stoppedFatally { throw error }
            pending.append(error)
            skipRestOfStatement()
            return nil
        }
    }

    /// One statement and the separator after it (plus any `#>` lines that follow its line).
    mutating func parseStatement() throws(Diagnostic) -> Statement {
        let first = current
        if case .access = first.kind, let access = resolvedAccess.take() {
            advance()
            var statement = Statement(access: access)
            try finishStatement(&statement, keyword: Lexeme(kind: .word, span: access.keyword))
            return statement
        }
        guard case .word = first.kind else {
            if let message = invalidMessage(first) { throw error(message, at: first.span) }
            throw error("expected a command, found \(describe(first))", at: first.span,
                        notes: ["type `help` for the list of commands"])
        }
        if atWord("end") {
            throw error("`end` without a matching `repeat`, `quiet` or `show`", at: first.span)
        }
        var statement = try parseTableStatement()
        try finishStatement(&statement, keyword: first)
        return statement
    }

    /// A statement that starts with a command word (the current token). Dispatch goes through
    /// the command table: a word that is not in it is not a command; a block or prefix
    /// (`repeat`, `quiet`, `expect-error`) is read by its entry's block parser, any other
    /// command by `parseCommand(_:keyword:)` (the generic matcher or the entry's special form).
    private mutating func parseTableStatement() throws(Diagnostic) -> Statement {
        let first = current
        let name = word(first) ?? ""
        guard let spec = CommandTable.spec(name) else { throw unknownCommand(name, at: first) }
        if case .block(let parse) = spec.parsing.kind { return try parse(&self) }
        advance()
        let afterKeyword = index     // the word there chooses the usage notes of an error
        let command: Command
        do {
            command = try parseCommand(spec, keyword: first)
        } catch {
            throw error.addingUsage(of: spec, after: word(tokens[afterKeyword]))
        }
        return Statement(kind: .command(command, keyword: first.span), span: first.span.through(lastSpan(from: first)))
    }

    /// "unknown command `forc`" with the nearest command of the table.
    func unknownCommand(_ name: String, at token: Lexeme) -> Diagnostic {
        var notes: [String] = []
        if let near = Suggestions.nearest(to: name, in: CommandTable.names) {
            notes.append("did you mean `\(near)`?")
        } else {
            notes.append("type `help` for the list of commands")
        }
        return error("unknown command `\(name)`", at: token.span, notes: notes)
    }

    /// The span from `first` to the token before the current one (same line).
    func lastSpan(from first: Lexeme) -> SourceSpan {
        first.span.through(previousToken.span)
    }

    /// Requires the end of the statement, then attaches following `#>` lines.
    private mutating func finishStatement(_ statement: inout Statement, keyword: Lexeme) throws(Diagnostic) {
        guard current.endsStatement else {
            if let message = invalidMessage(current) { throw error(message, at: current.span) }
            var notes = ["put one command on a line, or separate commands with `;`"]
            let spec = word(keyword).flatMap(CommandTable.spec)
            // A misspelt keyword of the command (`translate p 0x1000 wrte`): say which.
            if let spec, let typed = word(current),
               let near = Suggestions.nearest(to: typed, in: Array(Set(spec.forms.flatMap(Syntax.keywords))).sorted()) {
                notes.insert("did you mean `\(near)`?", at: 0)
            }
            let unexpected = error("unexpected \(describe(current)) after the `\(text(of: keyword))` command",
                                   at: current.span, notes: notes)
            guard let spec else { throw unexpected }
            throw unexpected.addingUsage(of: spec)
        }
        if case .symbol(.semicolon) = current.kind {
            advance()
            return
        }
        if case .newline = current.kind { advance() }
        // Most statements have no `#>` lines: done, without making (and dropping) the list.
        guard case .expectedOutput = current.kind else { return }
        // Collected apart and stored once: appending to `statement.expectedOutput` copies the
        // whole list each time (it sits inside an enum payload), which made N lines cost O(N^2).
        var expected: [String] = []
        var firstLine = 0
        while let text = expectedOutputText(current) {
            if expected.isEmpty { firstLine = current.span.line }
            expected.append(text)
            advance()
            if case .newline = current.kind { advance() }
        }
        if !expected.isEmpty {
            statement.expectedOutputLine = firstLine
            statement.expectedOutput = expected
        }
    }

    /// Enters a block or prefix opened by `keyword` (paired with `statementDepth -= 1`).
    private mutating func enterBlock(_ keyword: Lexeme) throws(Diagnostic) {
        statementDepth += 1
        guard statementDepth <= Self.maximumStatementDepth else {
            statementDepth -= 1
            stoppedFatally = true
            throw error("blocks nested too deeply (more than \(Self.maximumStatementDepth) levels)", at: keyword.span)
        }
    }

    /// `repeat N [as VAR] ... end` (the keyword is the current token).
    mutating func parseRepeat() throws(Diagnostic) -> Statement {
        let keyword = current
        try enterBlock(keyword)
        defer { statementDepth -= 1 }
        advance()
        guard !current.endsStatement else { throw expected("a number of repetitions", after: keyword) }
        let count = try parseOperand(after: keyword)
        var variable: Name?
        if atWord("as") {
            let asToken = current
            advance()
            guard let name = word(current), !Keywords.isReserved(name) else {
                throw expected("a variable name", after: asToken)
            }
            try refuseFunctionName(name, at: current.span)
            variable = Name(name, span: current.span)
            advance()
        }
        let (body, end) = try parseBlockBody(opener: keyword)
        return Statement(kind: .repeatBlock(count: count, variable: variable, body: body), span: blockSpan(keyword, end))
    }

    /// `quiet`/`show`, as a block or a prefix (the keyword is the current token).
    mutating func parseQuietOrShow(show: Bool) throws(Diagnostic) -> Statement {
        let keyword = current
        try enterBlock(keyword)
        defer { statementDepth -= 1 }
        advance()
        if current.endsStatement {
            let (body, end) = try parseBlockBody(opener: keyword)
            return Statement(kind: show ? .show(body) : .quiet(body), span: blockSpan(keyword, end))
        }
        // Prefix form: `quiet CMD`.
        var inner = try parsePrefixed(after: keyword)
        // `show trace ...` (the issue's own wording) is `trace ... show`: the per-access lines.
        if show, case .command(.trace(var trace), let word) = inner.kind, trace.output == .summary {
            trace.output = .steps
            inner.kind = .command(.trace(trace), keyword: word)
        }
        let span = keyword.span.through(inner.span)
        return Statement(kind: show ? .show([inner]) : .quiet([inner]), span: span)
    }

    /// The statement after a prefix keyword (`quiet`, `show`, `expect-error`).
    private mutating func parsePrefixed(after keyword: Lexeme) throws(Diagnostic) -> Statement {
        guard case .word = current.kind, !atWord("end") else {
            throw expected("a command", after: keyword)
        }
        return try parseTableStatement()
    }

    /// `expect-error ["TEXT"] COMMAND` (the keyword is the current token).
    mutating func parseExpectError() throws(Diagnostic) -> Statement {
        let keyword = current
        try enterBlock(keyword)
        defer { statementDepth -= 1 }
        advance()
        var message: StringLiteral?
        if case .string = current.kind {
            message = try stringLiteral(current)
            advance()
        }
        let inner = try parsePrefixed(after: previousToken)
        return Statement(kind: .expectError(message, inner), span: keyword.span.through(inner.span))
    }

    /// A variable may not take the name of a function without arguments (`page_size`): it would
    /// silently change what the name means in every expression after it.
    func refuseFunctionName(_ name: String, at span: SourceSpan) throws(Diagnostic) {
        guard FunctionCatalog.constantNames.contains(name) else { return }
        throw error("`\(name)` is a function; choose another name for the variable", at: span)
    }

    /// Statements up to the matching `end` (which is consumed). Errors inside are queued and the
    /// block is still returned, so parsing stays in step; `next()` then reports them.
    private mutating func parseBlockBody(opener: Lexeme) throws(Diagnostic) -> ([Statement], Int) {
        guard current.endsStatement else {
            throw error("unexpected \(describe(current)) after `\(text(of: opener))`", at: current.span,
                        notes: ["the block's commands start on the next line (or after `;`)"])
        }
        var body: [Statement] = []
        while true {
            skipSeparators()
            if atWord("end") {
                let end = current.span.end
                advance()
                return (body, end)
            }
            if case .end = current.kind {
                unclosedBlocks += 1
                throw error("this `\(text(of: opener))` has no matching `end`", at: opener.span)
            }
            if let statement = try parseStatementRecovering() { body.append(statement) }
        }
    }
}

/// A span from a block's keyword to the end of its `end` (several lines: carets stop at the
/// first line's end, transcripts take the whole text).
private func blockSpan(_ keyword: Lexeme, _ end: Int) -> SourceSpan {
    SourceSpan(start: keyword.span.start, end: end, line: keyword.span.line, lineStart: keyword.span.lineStart)
}

/// Words with a fixed meaning.
public enum Keywords {
    /// Words that cannot name a variable (they are operators or literals in expressions).
    public static let reserved: Set<String> = ["and", "or", "not", "none", "true", "false"]

    /// Whether `word` is reserved (a fast check for the parser's hot path).
    public static func isReserved(_ word: String) -> Bool {
        isReserved(utf8: word.utf8)
    }

    /// Whether the word spelt by the UTF-8 `bytes` is reserved (checked without making a string).
    static func isReserved(utf8 bytes: some Collection<UInt8>) -> Bool {
        switch bytes.count {
        case 2: return bytes.elementsEqual("or".utf8)
        case 3: return bytes.elementsEqual("and".utf8) || bytes.elementsEqual("not".utf8)
        case 4: return bytes.elementsEqual("none".utf8) || bytes.elementsEqual("true".utf8)
        case 5: return bytes.elementsEqual("false".utf8)
        default: return false
        }
    }
}
