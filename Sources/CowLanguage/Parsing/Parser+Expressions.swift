import CowEngine

/// Expressions, by precedence climbing from `or` (loosest) to unary minus (tightest):
///
///     expr       = or ;  or = and { "or" and } ;  and = not { "and" not } ;
///     not        = "not" not | comparison ;
///     comparison = sum [ ("==" | "!=" | "<" | "<=" | ">" | ">=") sum ] ;
///     sum        = product { ("+" | "-") product } ;  product = unary { ("*" | "/" | "%") unary } ;
///     unary      = "-" unary | primary ;
///     primary    = NUMBER | "none" | "true" | "false" | STRING | WORD [ "(" [ expr { "," expr } ] ")" ] | "(" expr ")" ;
///
/// A call's `(` must follow its name with no space between: `rss(p)`. `w (i + 2)` is the value
/// `w`, then a parenthesised operand (in a command such as `write s w (i + 2)`), and an error
/// in a whole expression.
extension Parser {
    /// Deepest nesting of parentheses and calls accepted.
    static let maximumDepth = 64
    /// Most operators and operands in one expression.
    static let maximumNodes = 512

    /// A full expression (in `let`, `expect`, `ask`, `echo`, `{...}`).
    mutating func parseExpression() throws(Diagnostic) -> Expr {
        let wasOperand = inOperand
        inOperand = false
        defer { inOperand = wasOperand }
        let outermost = expressionDepth == 0
        if outermost { expressionNodes = 0 }
        expressionDepth += 1
        defer { expressionDepth -= 1 }
        guard expressionDepth <= Self.maximumDepth else {
            throw error("expression nested too deeply (more than \(Self.maximumDepth) levels)", at: current.span)
        }
        return try parseOr()
    }

    /// A number position in a command: a number, variable, call, `-` operand, or `(expr)`.
    /// Whole expressions need parentheses there: `write ls (base + 4096) 7`.
    mutating func parseOperand(after before: Lexeme) throws(Diagnostic) -> Expr {
        switch current.kind {
        case .integer(let n):
            // The common case (`write p 0x10000 7`) without the expression machinery.
            let span = current.span
            advance()
            return Expr(.number(Rational(n)), span: span)
        case .string: throw expected("a number", after: before)
        default: if current.endsStatement { throw expected("a number", after: before) }
        }
        let outermost = expressionDepth == 0
        if outermost { expressionNodes = 0 }
        expressionDepth += 1
        let wasOperand = inOperand
        inOperand = true
        defer {
            expressionDepth -= 1
            inOperand = wasOperand
        }
        return try parseUnary(after: before)
    }

    private mutating func node(_ kind: ExprKind, _ span: SourceSpan) throws(Diagnostic) -> Expr {
        expressionNodes += 1
        guard expressionNodes <= Self.maximumNodes else {
            throw error("expression too long (more than \(Self.maximumNodes) parts)", at: span)
        }
        return Expr(kind, span: span)
    }

    private mutating func parseOr() throws(Diagnostic) -> Expr {
        var left = try parseAnd()
        while atWord("or") {
            advance()
            let right = try parseAnd()
            left = try node(.binary(.or, left, right), left.span.through(right.span))
        }
        return left
    }

    private mutating func parseAnd() throws(Diagnostic) -> Expr {
        var left = try parseNot()
        while atWord("and") {
            advance()
            let right = try parseNot()
            left = try node(.binary(.and, left, right), left.span.through(right.span))
        }
        return left
    }

    private mutating func parseNot() throws(Diagnostic) -> Expr {
        if atWord("not") {
            let keyword = current
            advance()
            expressionDepth += 1
            defer { expressionDepth -= 1 }
            guard expressionDepth <= Self.maximumDepth else { throw error("expression nested too deeply", at: keyword.span) }
            let operand = try parseNot()
            return try node(.unary(.not, operand), keyword.span.through(operand.span))
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(Diagnostic) -> Expr {
        let left = try parseSum()
        let op: BinaryOperator
        switch current.kind {
        case .symbol(.equalEqual): op = .equal
        case .symbol(.notEqual): op = .notEqual
        case .symbol(.less): op = .less
        case .symbol(.lessEqual): op = .lessEqual
        case .symbol(.greater): op = .greater
        case .symbol(.greaterEqual): op = .greaterEqual
        case .symbol(.equal):
            throw error("`=` assigns (in `let`); compare with `==`", at: current.span)
        default: return left
        }
        let opToken = current
        advance()
        let right = try parseSum(after: opToken)
        let result = try node(.binary(op, left, right), left.span.through(right.span))
        switch current.kind {
        case .symbol(.equalEqual), .symbol(.notEqual), .symbol(.less), .symbol(.lessEqual), .symbol(.greater), .symbol(.greaterEqual):
            throw error("comparisons cannot be chained; combine them with `and`", at: current.span)
        default: return result
        }
    }

    private mutating func parseSum(after before: Lexeme? = nil) throws(Diagnostic) -> Expr {
        var left = try parseProduct(after: before)
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .symbol(.plus): op = .add
            case .symbol(.minus): op = .subtract
            default: return left
            }
            let opToken = current
            advance()
            let right = try parseProduct(after: opToken)
            left = try node(.binary(op, left, right), left.span.through(right.span))
        }
    }

    private mutating func parseProduct(after before: Lexeme? = nil) throws(Diagnostic) -> Expr {
        var left = try parseUnary(after: before)
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .symbol(.star): op = .multiply
            case .symbol(.slash): op = .divide
            case .symbol(.percent): op = .remainder
            default: return left
            }
            let opToken = current
            advance()
            let right = try parseUnary(after: opToken)
            left = try node(.binary(op, left, right), left.span.through(right.span))
        }
    }

    private mutating func parseUnary(after before: Lexeme? = nil) throws(Diagnostic) -> Expr {
        if current.isSymbol(.minus) {
            let minus = current
            advance()
            expressionDepth += 1
            defer { expressionDepth -= 1 }
            guard expressionDepth <= Self.maximumDepth else { throw error("expression nested too deeply", at: minus.span) }
            let operand = try parseUnary(after: minus)
            return try node(.unary(.negate, operand), minus.span.through(operand.span))
        }
        return try parsePrimary(after: before)
    }

    private mutating func parsePrimary(after before: Lexeme?) throws(Diagnostic) -> Expr {
        let token = current
        switch token.kind {
        case .integer(let n):
            advance()
            return try node(.number(Rational(n)), token.span)
        case .decimal(let n, let d):
            advance()
            return try node(.number(Rational(n, d) ?? Rational(0)), token.span)
        case .string:
            advance()
            return try node(.string(try stringLiteral(token)), token.span)
        case .word:
            let w = lexer.word(token)
            advance()
            switch w {
            case "none": return try node(.none, token.span)
            case "true": return try node(.boolean(true), token.span)
            case "false": return try node(.boolean(false), token.span)
            case "and", "or", "not":
                throw error("expected a value, found `\(w)`", at: token.span)
            default: break
            }
            guard current.isSymbol(.leftParen) else { return try node(.word(w), token.span) }
            // A call needs its `(` right after the name. With a space, the word is a value and
            // the parenthesis starts the next operand (`write s x (i + 2)`); in a whole
            // expression nothing may follow a value that way, so that reading is an error.
            guard current.span.start == token.span.end else {
                if inOperand { return try node(.word(w), token.span) }
                throw spacedCall(w, at: token.span)
            }
            return try parseCall(Name(w, span: token.span))
        case .symbol(.leftParen):
            advance()
            let inner = try parseExpression()
            guard current.isSymbol(.rightParen) else {
                throw error("expected `)` to close the `(` at column \(column(of: token)), found \(describe(current))", at: current.span)
            }
            advance()
            return Expr(inner.kind, span: token.span.through(previousToken.span))
        case .invalid(let index):
            throw error(lexer.message(index), at: token.span)
        default:
            if let before {
                throw expected("a value", after: before)
            }
            throw error("expected a value, found \(describe(token))", at: token.span)
        }
    }

    /// The error for `name (...)` in a whole expression: a call written with a space.
    private func spacedCall(_ name: String, at span: SourceSpan) -> Diagnostic {
        if let spec = FunctionCatalog.spec(name), !spec.arguments.isEmpty {
            return error("a call needs `(` right after the function's name: write `\(name)(`, without a space", at: span,
                         notes: ["call it as \(spec.signature)"])
        }
        return error("unknown function \(Diagnostic.quoted(name))", at: span,
                     notes: ["a call needs `(` right after the name, as in `rss(p)`; `\(name) (` with a space is not a call",
                             "to multiply, write `\(name) * (...)`"])
    }

    private mutating func parseCall(_ name: Name) throws(Diagnostic) -> Expr {
        let open = current
        advance()
        expressionDepth += 1
        defer { expressionDepth -= 1 }
        guard expressionDepth <= Self.maximumDepth else { throw error("expression nested too deeply", at: open.span) }
        var arguments: [Expr] = []
        if current.isSymbol(.rightParen) {
            advance()
            return try node(.call(name, arguments), name.span.through(previousToken.span))
        }
        while true {
            arguments.append(try parseExpression())
            if current.isSymbol(.comma) {
                advance()
                continue
            }
            if current.isSymbol(.rightParen) {
                advance()
                return try node(.call(name, arguments), name.span.through(previousToken.span))
            }
            throw error("expected `,` or `)` in the call of `\(name.text)`, found \(describe(current))", at: current.span)
        }
    }

    private func column(of token: Lexeme) -> Int {
        file.text(from: token.span.lineStart, to: token.span.start).count + 1
    }

    /// The string literal `token` (a `.string` lexeme), its `{expr}` pieces parsed.
    mutating func stringLiteral(_ token: Lexeme) throws(Diagnostic) -> StringLiteral {
        var parts: [StringLiteral.Part] = []
        for piece in lexer.stringPieces(token) {
            switch piece {
            case .text(let t): parts.append(.text(t))
            case .expression(let range):
                let pieceSpan = SourceSpan(start: range.lowerBound - 1, end: range.upperBound + 1, line: token.span.line,
                                           lineStart: token.span.lineStart)
                var inner = Parser(interpolation: range, line: token.span.line, lineStart: token.span.lineStart, file: file)
                if case .end = inner.current.kind {
                    throw error("empty `{}` in a string (write `\\{` for a brace)", at: pieceSpan)
                }
                let e = try inner.parseExpression()
                guard case .end = inner.current.kind else {
                    throw inner.error("unexpected \(inner.describe(inner.current)) inside `{...}`", at: inner.current.span)
                }
                parts.append(.expression(e))
            }
        }
        return StringLiteral(parts: parts, span: token.span)
    }
}
