import CowEngine

/// How a command's `Command` is built from what was typed after its word: part of its
/// `CommandSpec`, so the parser has no per-command code of its own.
struct CommandParsing: Sendable {
    enum Kind: Sendable {
        /// The generic matcher reads the arguments the spec's forms declare (see
        /// `Parser.matchArguments`), and `build` makes the command from them.
        case pattern(@Sendable (inout Arguments) throws(Diagnostic) -> Command)
        /// A declared special form: the function reads the arguments itself (the keyword is
        /// consumed; it is passed for "expected ... after `fork`").
        case special(@Sendable (inout Parser, Lexeme) throws(Diagnostic) -> Command)
        /// A block or prefix (`repeat`, `quiet`, `show`, `expect-error`): a statement that holds
        /// statements, parsed by `Parser.parseStatement` itself.
        case block(@Sendable (inout Parser) throws(Diagnostic) -> Statement)
    }

    let kind: Kind

    /// The generic matcher reads the forms' arguments; `build` makes the command from them.
    static func pattern(_ build: @escaping @Sendable (inout Arguments) throws(Diagnostic) -> Command) -> CommandParsing {
        CommandParsing(kind: .pattern(build))
    }

    /// A command that is always the same (`stats`, `reset`).
    static func constant(_ command: Command) -> CommandParsing {
        CommandParsing(kind: .pattern({ _ throws(Diagnostic) in command }))
    }

    /// A special form read by a function of the parser.
    static func special(_ parse: @escaping @Sendable (inout Parser, Lexeme) throws(Diagnostic) -> Command) -> CommandParsing {
        CommandParsing(kind: .special(parse))
    }

    /// A block or prefix statement, read by `parse` (its keyword is the current token).
    static func block(_ parse: @escaping @Sendable (inout Parser) throws(Diagnostic) -> Statement) -> CommandParsing {
        CommandParsing(kind: .block(parse))
    }
}

/// The values the generic matcher read for a command, in the order its form declares them, for
/// the spec's `build` closure to take one by one (`try a.process()`, `try a.range()`, ...).
///
/// - Each argument gives one value: `P` a `ProcessReference`, a range a `RangeArgument`, a number,
///   address or expression an `Expr`, a name, file or library a `NameArgument`, `PERMS`
///   `Permissions`, a string a `StringLiteral`, a path its text and span, a `choice` the chosen word.
///   A required keyword (`.word`) or symbol gives none.
/// - An optional group `[...]` that holds arguments or choices gives each of their values, or
///   nothing when it was left out: take them with `optionalName()`, `optionalExpression()`,
///   `optionalWord()`...; an optional group of keywords only (`[cached]`, `[at]`) gives a flag:
///   take it with `flag()`.
/// - `form` is which of the spec's forms matched (0 for the first).
struct Arguments {
    enum Value {
        case process(ProcessReference)
        case range(RangeArgument)
        case expression(Expr)
        case name(NameArgument)
        case permissions(Permissions, SourceSpan)
        case string(StringLiteral)
        case path(String, SourceSpan)
        case word(String, SourceSpan)
        case flag(Bool)
        /// An optional argument that was left out.
        case absent
    }

    /// Which form matched (index into the spec's `forms`).
    let form: Int
    /// The command word.
    let keyword: Lexeme
    private(set) var values: [Value]
    private var next = 0

    init(form: Int, keyword: Lexeme, values: [Value]) {
        self.form = form
        self.keyword = keyword
        self.values = values
    }

    /// The next value. A spec whose `build` takes values its forms do not give is a mistake in
    /// the table (`CommandTableTests` parses every form): it is an error, not a crash.
    private mutating func take(_ what: String) throws(Diagnostic) -> Value {
        guard next < values.count else { throw tableMistake(what) }
        next += 1
        return values[next - 1]
    }

    private func tableMistake(_ what: String) -> Diagnostic {
        Diagnostic(file: "<command table>", message: "the entry of the command at \(keyword.span.line):\(keyword.span.start - keyword.span.lineStart + 1) takes \(what) its forms do not give (a bug in the command table)")
    }

    private mutating func take<T>(_ what: String, _ extract: (Value) -> T??) throws(Diagnostic) -> T? {
        let value = try take(what)
        guard let extracted = extract(value) else { throw tableMistake(what) }
        return extracted
    }

    mutating func process() throws(Diagnostic) -> ProcessReference {
        guard let p = try take("a process", { if case .process(let p) = $0 { return .some(p) } else { return nil } }) else { throw tableMistake("a process") }
        return p
    }

    mutating func range() throws(Diagnostic) -> RangeArgument {
        guard let r = try take("a range", { if case .range(let r) = $0 { return .some(r) } else { return nil } }) else { throw tableMistake("a range") }
        return r
    }

    mutating func expression() throws(Diagnostic) -> Expr {
        guard let e = try optionalExpression() else { throw tableMistake("an expression") }
        return e
    }

    mutating func optionalExpression() throws(Diagnostic) -> Expr? {
        try take("an expression") {
            switch $0 {
            case .expression(let e): return .some(e)
            case .absent: return .some(nil)
            default: return nil
            }
        }
    }

    mutating func name() throws(Diagnostic) -> NameArgument {
        guard let n = try optionalName() else { throw tableMistake("a name") }
        return n
    }

    mutating func optionalName() throws(Diagnostic) -> NameArgument? {
        try take("a name") {
            switch $0 {
            case .name(let n): return .some(n)
            case .absent: return .some(nil)
            default: return nil
            }
        }
    }

    mutating func permissions() throws(Diagnostic) -> Permissions {
        guard let p = try take("permissions", { if case .permissions(let p, _) = $0 { return .some(p) } else { return nil } }) else {
            throw tableMistake("permissions")
        }
        return p
    }

    mutating func string() throws(Diagnostic) -> StringLiteral {
        guard let s = try take("a string", { if case .string(let s) = $0 { return .some(s) } else { return nil } }) else { throw tableMistake("a string") }
        return s
    }

    mutating func path() throws(Diagnostic) -> (String, SourceSpan) {
        guard let p = try take("a path", { if case .path(let t, let s) = $0 { return .some((t, s)) } else { return nil } }) else {
            throw tableMistake("a path")
        }
        return p
    }

    /// The word a `choice` matched.
    mutating func word() throws(Diagnostic) -> String {
        guard let w = try optionalWord() else { throw tableMistake("a word") }
        return w
    }

    /// The word an optional `choice` matched, or nil if it was left out.
    mutating func optionalWord() throws(Diagnostic) -> String? {
        try take("a word") {
            switch $0 {
            case .word(let w, _): return .some(w)
            case .absent: return .some(nil)
            default: return nil
            }
        }
    }

    /// Whether an optional group of keywords (`[cached]`) was given.
    mutating func flag() throws(Diagnostic) -> Bool {
        guard let f = try take("a flag", { if case .flag(let f) = $0 { return .some(f) } else { return nil } }) else { throw tableMistake("a flag") }
        return f
    }
}

extension ArgumentKind {
    /// How an argument of this kind is named in "expected ..." errors when its pattern does not
    /// say (`Syntax.argument(_, _, what:)`).
    var what: String {
        switch self {
        case .process: return "a process name"
        case .mappedRange, .newRange, .newAddress: return "an address"
        case .number: return "a number"
        case .numbers: return "numbers separated by commas"
        case .expression: return "an expression"
        case .newName: return "a name"
        case .file: return "a file name"
        case .library: return "a library name"
        case .permissions: return PermissionWords.expected
        case .behaviourSwitch: return "a setting"
        case .string: return "text in quotes"
        case .strings: return "text in quotes"
        case .path: return "a file name"
        case .topic: return "a command name"
        case .command: return "a command"
        case .block: return "a block"
        }
    }
}

/// The generic matcher: reads a command's arguments as its table entry declares them.
extension Parser {
    /// Parses the command whose word (`keyword`, consumed) has entry `spec`.
    mutating func parseCommand(_ spec: CommandSpec, keyword: Lexeme) throws(Diagnostic) -> Command {
        switch spec.parsing.kind {
        case .special(let parse):
            return try parse(&self, keyword)
        case .pattern(let build):
            let form = try chooseForm(spec.forms)
            var values: [Arguments.Value] = []
            try match(spec.forms[form][...], into: &values)
            var arguments = Arguments(form: form, keyword: keyword, values: values)
            return try build(&arguments)
        case .block:
            // Blocks are statements, parsed before commands are (`parseStatement`).
            throw error("`\(spec.name)` cannot be used here", at: keyword.span)
        }
    }

    /// Which form the typed words follow: the first whose first element fits the current token
    /// (a keyword or choice: that word; an argument: anything but the end of the statement; an
    /// empty form: the end of the statement). When none fits and every form starts with a
    /// keyword, the error is "expected `a` or `b`"; otherwise the first form reports its error.
    private mutating func chooseForm(_ forms: [[Syntax]]) throws(Diagnostic) -> Int {
        guard forms.count > 1 else { return 0 }
        for (k, form) in forms.enumerated() where fits(form.first) { return k }
        var leads: [String] = []
        for form in forms {
            guard case .word(let w, _)? = form.first else { return 0 }
            leads.append(w)
        }
        _ = try expectChoice(leads, what: Self.listing(leads), after: previousToken)
        return 0
    }

    /// Whether an element (nil: the end of a form) may start at the current token.
    private mutating func fits(_ element: Syntax?) -> Bool {
        guard let element else { return current.endsStatement }
        switch element {
        case .word(let w, let aliases):
            guard let typed = word(current) else { return false }
            return typed == w || aliases.contains(typed)
        case .choice(let words, _):
            guard let typed = word(current) else { return false }
            return words.contains(typed)
        case .symbol(let s):
            return !current.endsStatement && text(of: current) == s
        case .optional(let inner):
            return fits(inner.first) || current.endsStatement
        case .alternatives(let options):
            return options.contains { fits($0.first) }
        case .clauses:
            return true
        case .argument:
            return !current.endsStatement
        }
    }

    /// Reads `pattern`'s arguments in order.
    private mutating func match(_ pattern: ArraySlice<Syntax>, into values: inout [Arguments.Value]) throws(Diagnostic) {
        var rest = pattern
        while let element = rest.first {
            rest = rest.dropFirst()
            switch element {
            case .word(let w, let aliases):
                guard let typed = word(current), typed == w || aliases.contains(typed) else {
                    throw expected("`\(w)`", after: previousToken)
                }
                advance()
            case .symbol(let s):
                guard !current.endsStatement, text(of: current) == s else { throw expected("`\(s)`", after: previousToken) }
                advance()
            case .choice(let words, let what):
                let span = current.span
                let chosen = try expectChoice(words, what: what ?? Self.listing(words), after: previousToken)
                values.append(.word(chosen, span))
            case .argument(.path, _, let what):
                // A path followed by `[replace]`: a last word `replace` is that flag, not part of the path.
                var allowingReplace = false
                if case .optional(let inner)? = rest.first, inner.count == 1, case .word("replace", _) = inner[0] {
                    allowingReplace = true
                    rest = rest.dropFirst()
                }
                let (text, span, replace) = try parseRawPath(after: previousToken, allowingReplace: allowingReplace, what: what ?? ArgumentKind.path.what)
                values.append(.path(text, span))
                if allowingReplace { values.append(.flag(replace)) }
            case .argument(let kind, _, let what):
                values.append(try argument(kind, what: what ?? kind.what, followedBy: rest.first))
            case .optional(let inner):
                let valueCount = inner.reduce(0) { $0 + $1.valueCount }
                if fitsOptional(inner.first) {
                    try match(inner[...], into: &values)
                    if valueCount == 0 { values.append(.flag(true)) }
                } else {
                    values += Array(repeating: valueCount == 0 ? .flag(false) : .absent, count: max(valueCount, 1))
                }
            case .alternatives, .clauses:
                // Not read by the generic matcher: such commands are declared special forms.
                throw error("the command table declares a pattern the generic matcher cannot read (use a special form)", at: current.span)
            }
        }
    }

    /// Whether an optional group starting with `element` was given: its keyword (or choice) is
    /// the current word; for an argument, the statement goes on.
    private mutating func fitsOptional(_ element: Syntax?) -> Bool {
        guard let element else { return false }
        if case .argument = element { return !current.endsStatement }
        return fits(element)
    }

    /// One argument of `kind`. `next` is the pattern's following element (a range followed by a
    /// number may be a single address; a path followed by `[replace]` leaves that word out).
    private mutating func argument(_ kind: ArgumentKind, what: String, followedBy next: Syntax?) throws(Diagnostic) -> Arguments.Value {
        switch kind {
        case .process:
            return .process(try parseProcess(after: previousToken, what: what))
        case .mappedRange, .newRange:
            var countMayFollow = false
            if case .argument(.number, _, _)? = next { countMayFollow = true }
            return .range(try parseRange(after: previousToken, countMayFollow: countMayFollow))
        case .number, .newAddress:
            guard !current.endsStatement else { throw expected(what, after: previousToken) }
            return .expression(try parseOperand(after: previousToken))
        case .expression:
            guard !current.endsStatement else { throw expected(what, after: previousToken) }
            return .expression(try parseExpression())
        case .newName, .file, .library:
            return .name(try parseNameArgument(what: what, after: previousToken))
        case .permissions:
            guard let (permissions, span) = try parsePermissions(required: true) else { throw expected(what, after: previousToken) }
            return .permissions(permissions, span)
        case .string:
            guard case .string = current.kind else { throw expected(what, after: previousToken) }
            let literal = try stringLiteral(current)
            advance()
            return .string(literal)
        case .path, .strings, .numbers, .behaviourSwitch, .topic, .command, .block:
            throw error("the command table declares an argument the generic matcher cannot read (use a special form)", at: current.span)
        }
    }

    /// "`a`, `b` or `c`".
    static func listing(_ words: [String]) -> String {
        let quoted = words.map { "`\($0)`" }
        guard quoted.count > 1, let last = quoted.last else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + last
    }
}

extension Syntax {
    /// How many values the generic matcher gives for this element (see `Arguments`).
    var valueCount: Int {
        switch self {
        case .word, .symbol: return 0
        case .choice, .argument: return 1
        case .optional(let inner):
            let n = inner.reduce(0) { $0 + $1.valueCount }
            return n == 0 ? 1 : n
        case .alternatives, .clauses: return 0
        }
    }
}
