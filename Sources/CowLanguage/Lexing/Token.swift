/// Punctuation and operators of the language.
public enum Symbol: String, Sendable, Equatable, CaseIterable {
    case leftParen = "(", rightParen = ")", comma = ","
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
    case equalEqual = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case equal = "=", dotDot = "..", semicolon = ";"
}

/// A piece of a string literal as the lexer found it: text, or the tokens of a `{expr}`.
public enum RawStringPart: Sendable, Equatable {
    case text(String)
    case expression([Token], span: SourceSpan)
}

/// What kind of token, with its value.
public enum TokenKind: Sendable, Equatable {
    /// A word: command, keyword, name (`map-library`, `libc.text`, `heap`, `n`).
    case word(String)
    /// A whole number, decimal or `0x` hexadecimal.
    case integer(Int)
    /// A decimal fraction such as `0.5`, as numerator / denominator (`5 / 10`).
    case decimal(numerator: Int, denominator: Int)
    /// A string literal: its text pieces and `{expr}` interpolations.
    case string([RawStringPart])
    /// Punctuation or an operator.
    case symbol(Symbol)
    /// A `#> text` line: expected output of the preceding command (transcript checks).
    case expectedOutput(String)
    /// End of a line.
    case newline
    /// End of the source.
    case end
    /// Something that is not a token; the message says why ("unterminated string").
    case invalid(String)
}

/// A token and where it is.
public struct Token: Sendable, Equatable {
    /// What it is.
    public var kind: TokenKind
    /// Where it is.
    public var span: SourceSpan

    /// A token from its parts.
    public init(kind: TokenKind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }

    /// The word, if this token is one.
    public var word: String? {
        if case .word(let w) = kind { return w }
        return nil
    }

    /// Whether this token is the given word.
    public func isWord(_ w: String) -> Bool { word == w }

    /// Whether this token is the given symbol.
    public func isSymbol(_ s: Symbol) -> Bool {
        if case .symbol(let t) = kind { return t == s }
        return false
    }

    /// Whether this token ends a statement (`;`, end of line, end of file).
    public var endsStatement: Bool {
        switch kind {
        case .newline, .end, .expectedOutput: return true
        case .symbol(.semicolon): return true
        default: return false
        }
    }
}

/// A token as the parser reads it: its kind, any number it holds, and where it is. It is plain
/// data (no strings, no arrays), so a line's lexemes are made and dropped without reference
/// counting or allocation, which matters when a script has a million lines. What a `Token`
/// carries as values is looked up when the parser needs it: a word's text is read from the
/// source (`Lexer.word`), a string's pieces are scanned when the parser reaches the string, and
/// an invalid token's message is kept by the lexer.
struct Lexeme: Equatable {
    /// What kind of token, with its numbers.
    enum Kind: Equatable {
        /// A word; its text is the source at `span`.
        case word
        case integer(Int)
        case decimal(numerator: Int, denominator: Int)
        /// A well-formed string literal (`Lexer.stringPieces` gives its pieces).
        case string
        case symbol(Symbol)
        /// A `#>` line; its text is the source's bytes `textStart..<textEnd`.
        case expectedOutput(textStart: Int, textEnd: Int)
        case newline
        case end
        /// Not a token; the lexer's message number `message` says why.
        case invalid(message: Int)
        /// A whole literal `read`/`write` statement that the parser resolved from its line's
        /// bytes without lexing it (`Parser.resolveAccessLine`). The lexer never makes one.
        case access
    }

    /// What it is.
    var kind: Kind
    /// Where it is.
    var span: SourceSpan

    /// Whether this lexeme is the given symbol.
    func isSymbol(_ s: Symbol) -> Bool {
        if case .symbol(let t) = kind { return t == s }
        return false
    }

    /// Whether this lexeme ends a statement (`;`, end of line, end of file).
    var endsStatement: Bool {
        switch kind {
        case .newline, .end, .expectedOutput: return true
        case .symbol(.semicolon): return true
        default: return false
        }
    }
}

/// A piece of a string literal as scanned: text (escapes resolved), or the byte range of the
/// inside of a `{expr}` (lexed when the parser gets to it).
enum StringPiece {
    case text(String)
    case expression(Range<Int>)
}
