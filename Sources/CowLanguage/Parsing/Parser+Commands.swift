import CowEngine

/// The special forms of the command table (`CommandParsing.special`): commands whose syntax the
/// generic matcher (CommandParsing.swift) does not read, each declared by its table entry. The
/// keyword has been consumed.
extension Parser {
    /// `fork P [as NAME]`, `vfork P [as NAME]`: a child name without `as` gets its own hint.
    mutating func parseForkLike(_ k: Lexeme, vfork: Bool) throws(Diagnostic) -> Command {
        let keyword = vfork ? "vfork" : "fork"
        let process = try parseProcess(after: k)
        var child: NameArgument?
        if atWord("as") {
            let asToken = current
            advance()
            child = try parseNameArgument(what: "a name for the child", after: asToken)
        } else if !current.endsStatement, invalidMessage(current) == nil {
            // `fork s child`: a name for the child needs `as`.
            let parent = text(of: previousToken)
            var notes: [String] = []
            if word(current) != nil || isString(current) {
                notes.append("to name the child, write `\(keyword) \(parent) as \(text(of: current))`")
            }
            throw error("expected `as NAME` or the end of the line after `\(parent)`, found \(describe(current))",
                        at: current.span, notes: notes)
        }
        return vfork ? .vfork(process, childName: child) : .fork(process, childName: child)
    }

    /// `dump P [all]`, `dump frames [all]`, `dump frame N`.
    mutating func parseDump(_ k: Lexeme) throws(Diagnostic) -> Command {
        let target: DumpTarget
        if atWord("frames") {
            advance()
            target = .frames
        } else if atWord("swap") {
            advance()
            target = .swap
        } else if atWord("frame"), let next = following, !next.endsStatement, !isWord(next, "all") {
            // `dump frame N`; `dump frame` alone (or `dump frame all`) still dumps a process called `frame`.
            advance()
            target = .frame(try parseOperand(after: previousToken))
        } else {
            let process = try parseProcess(after: k, what: "a process name, `frames` or `swap`")
            if acceptWord("tlb") { return .dump(.tlb(process), everyPage: false) }
            if acceptWord("tables") { return .dump(.tables(process), everyPage: false) }
            target = .process(process)
        }
        return .dump(target, everyPage: acceptWord("all"))
    }

    /// `echo "TEXT"`, `echo EXPR`, `echo`.
    mutating func parseEcho(_ k: Lexeme) throws(Diagnostic) -> Command {
        if current.endsStatement { return .echo(nil) }
        let e = try parseExpression()
        if case .string(let literal) = e.kind { return .echo(literal) }
        return .echoValue(e)
    }

    /// `let NAME = EXPR`.
    mutating func parseLet(_ k: Lexeme) throws(Diagnostic) -> Command {
        guard let name = word(current), !Keywords.isReserved(name) else {
            throw expected("a variable name", after: k)
        }
        let nameToken = current
        try refuseFunctionName(name, at: nameToken.span)
        advance()
        _ = try expectSymbol(.equal, after: nameToken)
        guard !current.endsStatement else { throw expected("an expression", after: previousToken) }
        return .assign(Name(name, span: nameToken.span), try parseExpression())
    }

    /// `help [COMMAND|functions|all]`: any word is a topic (an unknown one is an error when run).
    mutating func parseHelp(_ k: Lexeme) throws(Diagnostic) -> Command {
        if current.endsStatement { return .help(topic: nil) }
        guard let word = word(current) else { throw expected("a command name", after: k) }
        let topic = Name(word, span: current.span)
        advance()
        return .help(topic: topic)
    }

    // MARK: - Pieces

    /// `set fork MODE`, `set SWITCH on|off`, `set prompt on|off`, `set steps N`.
    mutating func parseSet(_ k: Lexeme) throws(Diagnostic) -> Command {
        let known = ["fork", "prompt", "steps", "draw", "policy"] + Behaviours.switchNames
        guard let word = word(current) else { throw expected("a setting (\(known.joined(separator: ", ")))", after: k) }
        let nameToken = current
        switch word {
        case "fork":
            advance()
            let mode = try expectChoice(ForkMode.allCases.map(\.rawValue), what: "a fork mode", after: nameToken)
            return .setFork(ForkMode(rawValue: mode) ?? .copyOnWrite)
        case "prompt":
            advance()
            return .setPrompt(on: try parseOnOff(after: nameToken))
        case "steps":
            advance()
            return .setSteps(try parseOperand(after: nameToken))
        case "policy":
            advance()
            let name = try expectChoice(ReplacementPolicy.allCases.map(\.rawValue), what: "a replacement policy", after: nameToken)
            return .setPolicy(ReplacementPolicy(rawValue: name) ?? .default)
        case "draw":
            advance()
            return .setDraw(on: try parseOnOff(after: nameToken))
        case "backend":
            advance()
            let choice = current
            let backend = try expectChoice(["sim", "kernel"], what: "a backend", after: nameToken)
            return .setBackend(Name(backend, span: choice.span))
        default:
            guard Behaviours.switchNames.contains(word) else {
                var notes = ["known settings: \(known.joined(separator: ", "))"]
                if let near = Suggestions.nearest(to: word, in: known) { notes.insert("did you mean `\(near)`?", at: 0) }
                throw error("unknown setting `\(word)`", at: nameToken.span, notes: notes)
            }
            advance()
            return .setSwitch(Name(word, span: nameToken.span), on: try parseOnOff(after: nameToken))
        }
    }

    private mutating func parseOnOff(after before: Lexeme) throws(Diagnostic) -> Bool {
        try expectChoice(["on", "off"], what: "`on` or `off`", after: before) == "on"
    }

    /// `map P anon RANGE ...`, `map P file F RANGE ...` (clauses in any order).
    mutating func parseMap(_ k: Lexeme) throws(Diagnostic) -> Command {
        let process = try parseProcess(after: k)
        let kindToken = current
        let source: MapSource
        let fileName: NameArgument?
        switch word(current) {
        case "anon", "anonymous":
            advance()
            source = .anonymous
            fileName = nil
        case "file":
            advance()
            fileName = try parseNameArgument(what: "a file name", after: kindToken)
            source = .file(fileName ?? NameArgument(kind: .word(""), span: kindToken.span), offset: nil)
        default:
            throw expected("`anon` or `file`", after: previousToken)
        }
        let range = try parseRange(after: previousToken, countMayFollow: false)
        let permissions = try parsePermissions(required: false)
        var command = MapCommand(process: process, source: source, range: range, permissions: permissions, shared: false, name: nil)
        var offset: Expr?
        var seen: Set<String> = []
        while !current.endsStatement {
            let clause = current
            // Permissions may come anywhere among the clauses after the range (once).
            if let w = word(clause), let permissions = Self.permissions(w) {
                guard command.permissions == nil else { throw error("permissions are given twice", at: clause.span) }
                command.permissions = (permissions, clause.span)
                advance()
                continue
            }
            let allowed = fileName == nil ? ["shared", "as", "populate"] : ["shared", "as", "offset", "populate"]
            guard let word = word(clause), allowed.contains(word) else {
                let list = fileName == nil ? "`shared`, `as NAME`, `populate`" : "`shared`, `as NAME`, `offset N`, `populate`"
                var notes: [String] = []
                if let w = word(clause), let near = Suggestions.nearest(to: w, in: allowed + PermissionWords.shown.filter { $0 != "none" }) {
                    notes.append("did you mean `\(near)`?")
                }
                if let message = invalidMessage(clause) { throw error(message, at: clause.span) }
                throw error("expected \(list) or the end of the line, found \(describe(clause))", at: clause.span, notes: notes)
            }
            guard seen.insert(word).inserted else { throw error("`\(word)` is given twice", at: clause.span) }
            advance()
            switch word {
            case "shared": command.shared = true
            case "populate": command.populate = true
            case "as": command.name = try parseNameArgument(what: "a region name", after: clause)
            default:
                guard !current.endsStatement else { throw expected("a page offset into the file", after: clause) }
                offset = try parseOperand(after: clause)
            }
        }
        if let fileName { command.source = .file(fileName, offset: offset) }
        return .map(command)
    }

    /// `ask "QUESTION" EXPR [choices ...] [points N] [hint "..."]` (clauses in any order).
    mutating func parseAsk(_ k: Lexeme) throws(Diagnostic) -> Command {
        guard case .string = current.kind else { throw expected("the question in quotes", after: k) }
        let question = try stringLiteral(current)
        advance()
        guard !current.endsStatement else { throw expected("the expression that computes the answer", after: previousToken) }
        let answer = try parseExpression()
        var ask = AskCommand(question: question, answer: answer, points: nil, hint: nil)
        while !current.endsStatement {
            let clause = current
            switch word(clause) {
            case "points" where ask.points == nil:
                advance()
                guard !current.endsStatement else { throw expected("a number of points", after: clause) }
                ask.points = try parseOperand(after: clause)
            case "hint" where ask.hint == nil:
                advance()
                guard case .string = current.kind else { throw expected("the hint in quotes", after: clause) }
                ask.hint = try stringLiteral(current)
                advance()
            case "choices" where ask.choices.isEmpty:
                advance()
                while case .string = current.kind {
                    ask.choices.append(try stringLiteral(current))
                    advance()
                }
                guard ask.choices.count >= 2 else { throw expected("at least two choices in quotes", after: clause) }
                guard ask.choices.count <= Question.maximumChoices else {
                    throw error("a question has at most \(Question.maximumChoices) choices (a to z)", at: clause.span)
                }
            case "points", "hint", "choices":
                throw error("`\(text(of: clause))` is given twice", at: clause.span)
            default:
                if let message = invalidMessage(clause) { throw error(message, at: clause.span) }
                throw error("expected `choices \"A\" \"B\"`, `points N`, `hint \"...\"` or the end of the line, found \(describe(clause))", at: clause.span)
            }
        }
        return .ask(ask)
    }

    /// A file path: a string, or the raw text up to `;`, `#` or the end of the line (so
    /// `source ../lib/setup.cow` needs no quotes).
    /// A file name: a string, or the raw text up to the end of the statement. With
    /// `allowingReplace`, a last word `replace` after the name is not part of it (`save x.cow
    /// replace`); the flag says whether it was there.
    mutating func parseRawPath(after k: Lexeme, allowingReplace: Bool = false, what: String = "a file name") throws(Diagnostic) -> (String, SourceSpan, Bool) {
        guard !current.endsStatement else { throw expected(what, after: k) }
        if case .string = current.kind {
            let span = current.span
            var text = ""
            for piece in lexer.stringPieces(current) {
                guard case .text(let t) = piece else {
                    throw error("a file name cannot contain `{...}`", at: span)
                }
                text += t
            }
            advance()
            var replace = false
            if allowingReplace, !current.endsStatement, word(current) == "replace" {
                replace = true
                advance()
            }
            return (text, span, replace)
        }
        let first = current
        var last = current
        var beforeLast: Lexeme?
        while !current.endsStatement {
            beforeLast = last
            last = current
            advance()
        }
        var replace = false
        if allowingReplace, last.span.start != first.span.start, word(last) == "replace", let beforeLast {
            replace = true
            last = beforeLast
        }
        let span = first.span.through(last.span)
        return (file.text(from: span.start, to: span.end), span, replace)
    }

    // MARK: - Arguments

    /// A process: a name, a decimal pid, `(expr)` (a pid) or a string (a name).
    mutating func parseProcess(after before: Lexeme, what: String = "a process name") throws(Diagnostic) -> ProcessReference {
        let token = current
        switch token.kind {
        case .word where !isReserved(token):
            advance()
            return ProcessReference(kind: .name(lexer.word(token)), span: token.span)
        case .integer(let n) where !text(of: token).lowercased().hasPrefix("0x"):
            advance()
            return ProcessReference(kind: .pid(Expr(.number(Rational(n)), span: token.span)), span: token.span)
        case .symbol(.leftParen):
            let e = try parseOperand(after: before)
            return ProcessReference(kind: .pid(e), span: e.span)
        case .string:
            advance()
            return ProcessReference(kind: .string(try stringLiteral(token)), span: token.span)
        default:
            throw expected(what, after: before, notes: ["a process is named by its name or its pid"])
        }
    }

    /// Whether `lexeme` is a string literal.
    func isString(_ lexeme: Lexeme) -> Bool {
        if case .string = lexeme.kind { return true }
        return false
    }

    /// A name: a word or a string.
    mutating func parseNameArgument(what: String, after before: Lexeme) throws(Diagnostic) -> NameArgument {
        let token = current
        switch token.kind {
        case .word where !isReserved(token):
            advance()
            return NameArgument(kind: .word(lexer.word(token)), span: token.span)
        case .string:
            advance()
            return NameArgument(kind: .string(try stringLiteral(token)), span: token.span)
        default:
            throw expected(what, after: before)
        }
    }

    /// `ADDR`, `ADDR pages N` or `ADDR..END`. Unless `countMayFollow` (`write`'s value comes
    /// next), a number right after a single address is reported as a missing `pages`.
    mutating func parseRange(after before: Lexeme, countMayFollow: Bool = true) throws(Diagnostic) -> RangeArgument {
        guard !current.endsStatement else { throw expected("an address", after: before) }
        if let word = word(current), !isOperandWord(word) {
            throw expected("an address", after: before)
        }
        let start = try parseOperand(after: before)
        if atWord("pages") {
            let pagesToken = current
            advance()
            guard !current.endsStatement else { throw expected("a number of pages", after: pagesToken) }
            let count = try parseOperand(after: pagesToken)
            return RangeArgument(start: start, extent: .pages(count), span: start.span.through(count.span))
        }
        if current.isSymbol(.dotDot) {
            let dots = current
            advance()
            guard !current.endsStatement else { throw expected("the end address", after: dots) }
            let end = try parseOperand(after: dots)
            return RangeArgument(start: start, extent: .end(end), span: start.span.through(end.span))
        }
        if !countMayFollow, case .integer = current.kind {
            let startText = file.text(from: start.span.start, to: start.span.end), count = text(of: current)
            throw error("expected `pages N` or `..END` after the address `\(startText)`, found `\(count)`",
                        at: current.span,
                        notes: ["a range is ADDR, ADDR pages N or ADDR..END: did you mean `\(startText) pages \(count)`?"])
        }
        return RangeArgument(start: start, extent: .single, span: start.span)
    }

    /// Whether a word can start a number position (a variable or a function), as opposed to a
    /// keyword of the command such as `rw` or `shared` (those are reported as "expected ...").
    private func isOperandWord(_ word: String) -> Bool {
        !["pages", "as", "shared", "offset", "at", "all", "cached"].contains(word)
    }

    /// Permissions word: r, w, x combinations in that order, or `none`.
    mutating func parsePermissions(required: Bool) throws(Diagnostic) -> (Permissions, SourceSpan)? {
        guard let word = word(current) else { return nil }
        guard let permissions = Self.permissions(word) else {
            if required {
                var notes: [String] = []
                if let near = Suggestions.nearest(to: word, in: PermissionWords.shown) { notes.append("did you mean `\(near)`?") }
                throw error("expected \(PermissionWords.expected), found `\(word)`", at: current.span, notes: notes)
            }
            return nil
        }
        let span = current.span
        advance()
        return (permissions, span)
    }

    /// Parses a permissions word (see `PermissionWords`).
    static func permissions(_ word: String) -> Permissions? { PermissionWords.parse(word) }

    // MARK: - Small helpers

    mutating func expectWord(_ word: StaticString, after before: Lexeme) throws(Diagnostic) -> Lexeme {
        guard atWord(word) else { throw expected("`\(word)`", after: before) }
        let token = current
        advance()
        return token
    }

    mutating func expectSymbol(_ symbol: Symbol, after before: Lexeme) throws(Diagnostic) -> Lexeme {
        guard current.isSymbol(symbol) else { throw expected("`\(symbol.rawValue)`", after: before) }
        let token = current
        advance()
        return token
    }

    /// One of a fixed set of words; a near miss gets a suggestion.
    mutating func expectChoice(_ choices: [String], what: String, after before: Lexeme) throws(Diagnostic) -> String {
        let list = choices.map { "`\($0)`" }.joined(separator: ", ")
        guard let word = word(current), choices.contains(word) else {
            var notes: [String] = []
            if let w = word(current), let near = Suggestions.nearest(to: w, in: choices) {
                notes.append("did you mean `\(near)`?")
            } else if choices.count > 2 || !what.contains("`") {
                notes.append("one of \(list)")
            }
            throw expected(what, after: before, notes: notes)
        }
        advance()
        return word
    }

    mutating func acceptWord(_ word: StaticString) -> Bool {
        guard atWord(word) else { return false }
        advance()
        return true
    }
}
