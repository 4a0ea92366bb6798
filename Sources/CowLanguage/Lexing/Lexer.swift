#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns source bytes into tokens one line at a time (a script is line oriented, and lexing lazily
/// keeps a million-line script from ever being held as one token array).
///
/// Lexical rules (Grammar.md repeats them):
/// - `#` starts a comment to the end of the line; a line whose first non-blank characters are
///   `#>` is an expected-output line instead.
/// - Words: a letter or `_`, then letters, digits and `_`; a `.` joins when a letter, digit or `_`
///   follows it (`libc.text`, `anon.0x10000`); a `-` joins when a letter follows it (`map-library`,
///   `zero-page`). So `n-1` is `n - 1` and `a..b` is `a .. b`.
/// - Numbers: decimal (`4096`, `1_000_000`), hexadecimal (`0x10000`), decimal fractions (`0.5`).
/// - Strings: `"..."` on one line, escapes `\" \\ \n \t \{ \}`, `{expr}` interpolates.
public struct Lexer {
    /// The source being lexed.
    public let file: SourceFile
    private var position = 0
    private var line = 1
    private var words = WordCache()
    /// What is wrong with each `.invalid` lexeme of the line lexed last (a lexeme holds an
    /// index into it, so that lexemes stay plain data).
    private var messages: [String] = []

    /// Starts at the beginning of `file` (after a UTF-8 byte-order mark, if an editor left one).
    public init(file: SourceFile) {
        self.file = file
        let b = file.bytes
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { position = 3 }
    }

    /// Whether every line has been handed out.
    public var atEnd: Bool { position >= file.bytes.count }

    /// Appends the tokens of the next line to `tokens`, ending with `.newline` (or `.end` after the
    /// last line). Returns false when there was no line left (and appends `.end`).
    public mutating func lexLine(into tokens: inout [Token]) -> Bool {
        var lexemes: [Lexeme] = []
        let more = lexLine(into: &lexemes)
        for lexeme in lexemes { tokens.append(token(lexeme)) }
        return more
    }

    /// All tokens of a text (tests and completion use it; scripts are lexed line by line).
    public static func tokens(of file: SourceFile) -> [Token] {
        var lexer = Lexer(file: file)
        var result: [Token] = []
        while lexer.lexLine(into: &result) {}
        return result
    }

    // MARK: - Lexemes (what the parser reads)

    /// Appends the lexemes of the next line to `lexemes`, ending with `.newline` (or `.end` after
    /// the last line). Returns false when there was no line left (and appends `.end`). The
    /// messages of the previous line's invalid lexemes are forgotten.
    mutating func lexLine(into lexemes: inout [Lexeme]) -> Bool {
        let bytes = file.bytes
        guard let next = peekLine() else {
            lexemes.append(Lexeme(kind: .end, span: SourceSpan(start: bytes.count, end: bytes.count, line: line, lineStart: position)))
            return false
        }
        if !messages.isEmpty { messages.removeAll(keepingCapacity: true) }
        Self.scan(bytes, from: next.start, to: next.end, line: line, lineStart: next.start, wholeLine: true,
                  into: &lexemes, messages: &messages)
        lexemes.append(Lexeme(kind: .newline, span: skipLine(next)))
        return true
    }

    /// The next line: its bytes `start..<end` (without the newline) and its number; nil when no
    /// line is left.
    func peekLine() -> (start: Int, end: Int, number: Int)? {
        let bytes = file.bytes
        let lineStart = position
        guard lineStart < bytes.count else { return nil }
        let lineEnd = bytes.withUnsafeBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress,
                  let found = memchr(base + lineStart, Int32(Ascii.newline), buffer.count - lineStart) else { return buffer.count }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        return (lineStart, lineEnd, line)
    }

    /// Moves past `next` (what `peekLine` gave) and returns the span of its line break (the end
    /// of the file for the last line). The parser calls it directly for a line it resolved
    /// without lexing.
    mutating func skipLine(_ next: (start: Int, end: Int, number: Int)) -> SourceSpan {
        let bytes = file.bytes
        let span = SourceSpan(start: next.end, end: min(next.end + 1, bytes.count), line: next.number, lineStart: next.start)
        if next.end < bytes.count {
            position = next.end + 1
            line = next.number + 1
        } else {
            position = bytes.count
        }
        return span
    }

    /// Appends the lexemes of the inside of a `{...}` in a string (`range` of a line, the `}`
    /// at its end), then `.end` at the `}`.
    mutating func lexInterpolation(_ range: Range<Int>, line: Int, lineStart: Int, into lexemes: inout [Lexeme]) {
        Self.scan(file.bytes, from: range.lowerBound, to: range.upperBound, line: line, lineStart: lineStart, wholeLine: false,
                  into: &lexemes, messages: &messages)
        let brace = SourceSpan(start: range.upperBound, end: range.upperBound + 1, line: line, lineStart: lineStart)
        lexemes.append(Lexeme(kind: .end, span: brace))
    }

    /// The text of a `.word` lexeme (short words come from a cache, so a script that says
    /// `write p` a million times makes the strings "write" and "p" once).
    mutating func word(_ lexeme: Lexeme) -> String {
        let span = lexeme.span
        return file.bytes.withUnsafeBufferPointer { word(UnsafeBufferPointer(rebasing: $0[span.start..<span.end])) }
    }

    /// The word spelt by `bytes` (through the same cache).
    mutating func word(_ bytes: UnsafeBufferPointer<UInt8>) -> String { words.word(bytes) }

    /// Whether `lexeme` is the word `expected`, compared as bytes (no string is made).
    func isWord(_ lexeme: Lexeme, _ expected: StaticString) -> Bool {
        guard case .word = lexeme.kind, lexeme.span.end - lexeme.span.start == expected.utf8CodeUnitCount else { return false }
        let bytes = file.bytes
        var i = lexeme.span.start
        var k = 0
        let pointer = expected.utf8Start
        while k < expected.utf8CodeUnitCount {
            if bytes[i] != pointer[k] { return false }
            i += 1
            k += 1
        }
        return true
    }

    /// What is wrong with an `.invalid` lexeme of the line lexed last.
    func message(_ index: Int) -> String {
        index < messages.count ? messages[index] : "invalid token"
    }

    /// The pieces of a `.string` lexeme: text, and the byte ranges of its `{expr}`s.
    func stringPieces(_ lexeme: Lexeme) -> [StringPiece] {
        guard case .pieces(let pieces, _) = Self.scanString(file.bytes, from: lexeme.span.start, to: lexeme.span.end) else { return [] }
        return pieces
    }

    /// The public token for a lexeme of the line lexed last (its word, string pieces with their
    /// lexed `{expr}`s, or message filled in).
    mutating func token(_ lexeme: Lexeme) -> Token {
        let kind: TokenKind
        switch lexeme.kind {
        case .word: kind = .word(word(lexeme))
        case .integer(let n): kind = .integer(n)
        case .decimal(let n, let d): kind = .decimal(numerator: n, denominator: d)
        case .symbol(let symbol): kind = .symbol(symbol)
        case .expectedOutput(let start, let end): kind = .expectedOutput(String(decoding: file.bytes[start..<end], as: UTF8.self))
        case .newline, .access: kind = .newline   // (`.access` comes from the parser, never from here)
        case .end: kind = .end
        case .invalid(let index): kind = .invalid(message(index))
        case .string:
            var parts: [RawStringPart] = []
            for piece in stringPieces(lexeme) {
                switch piece {
                case .text(let text): parts.append(.text(text))
                case .expression(let range):
                    var inner: [Lexeme] = []
                    lexInterpolation(range, line: lexeme.span.line, lineStart: lexeme.span.lineStart, into: &inner)
                    let span = SourceSpan(start: range.lowerBound - 1, end: range.upperBound + 1, line: lexeme.span.line,
                                          lineStart: lexeme.span.lineStart)
                    parts.append(.expression(inner.map { token($0) }, span: span))
                }
            }
            kind = .string(parts)
        }
        return Token(kind: kind, span: lexeme.span)
    }

    // MARK: - Scanning one line (or the inside of a `{...}`)

    static func scan(_ b: [UInt8], from start: Int, to limit: Int, line: Int, lineStart: Int, wholeLine: Bool,
                     into lexemes: inout [Lexeme], messages: inout [String]) {
        var i = start
        func span(_ s: Int, _ e: Int) -> SourceSpan { SourceSpan(start: s, end: e, line: line, lineStart: lineStart) }
        func invalid(_ message: String) -> Lexeme.Kind {
            messages.append(message)
            return .invalid(message: messages.count - 1)
        }
        while i < limit {
            let c = b[i]
            if c == Ascii.space || c == Ascii.tab || c == Ascii.cr { i += 1; continue }
            if c == Ascii.hash {
                if wholeLine, isOnlyBlank(b, from: lineStart, to: i),
                   i + 1 < limit, b[i + 1] == Ascii.greater {
                    var textStart = i + 2
                    if textStart < limit, b[textStart] == Ascii.space { textStart += 1 }
                    var textEnd = limit
                    if textEnd > textStart, b[textEnd - 1] == Ascii.cr { textEnd -= 1 }
                    lexemes.append(Lexeme(kind: .expectedOutput(textStart: textStart, textEnd: max(textStart, textEnd)), span: span(i, limit)))
                }
                return
            }
            if Ascii.isWordStart(c) {
                let e = scanWord(b, from: i, to: limit)
                if e < limit, b[e] < 0x20 && b[e] != Ascii.tab && b[e] != Ascii.cr || b[e] == 0x7F {
                    // A control byte inside a word (`ec\0ho`): the error is the byte, not the
                    // piece of word before it.
                    lexemes.append(Lexeme(kind: invalid("unexpected control character (byte \(b[e]))"), span: span(e, e + 1)))
                    i = e + 1
                    while i < limit, Ascii.isWordStart(b[i]) || Ascii.isDigit(b[i]) { i += 1 }
                    continue
                }
                lexemes.append(Lexeme(kind: .word, span: span(i, e)))
                i = e
                continue
            }
            if Ascii.isDigit(c) {
                let (number, e) = scanNumber(b, from: i, to: limit)
                let kind: Lexeme.Kind
                switch number {
                case .integer(let n): kind = .integer(n)
                case .decimal(let n, let d): kind = .decimal(numerator: n, denominator: d)
                case .invalid(let message): kind = invalid(message)
                }
                lexemes.append(Lexeme(kind: kind, span: span(i, e)))
                i = e
                continue
            }
            if c == Ascii.quote {
                let e: Int
                switch scanString(b, from: i, to: limit) {
                case .pieces(_, let end):
                    e = end
                    lexemes.append(Lexeme(kind: .string, span: span(i, e)))
                case .invalid(let message, let end):
                    e = end
                    lexemes.append(Lexeme(kind: invalid(message), span: span(i, e)))
                }
                i = e
                continue
            }
            if let (symbol, e) = scanSymbol(b, from: i, to: limit) {
                lexemes.append(Lexeme(kind: .symbol(symbol), span: span(i, e)))
                i = e
                continue
            }
            // Anything else: one whole (possibly multi-byte) character.
            var e = i + 1
            if c >= 0xC0 { while e < limit, b[e] & 0xC0 == 0x80 { e += 1 } }
            let shown = String(decoding: b[i..<e], as: UTF8.self)
            let what = c < 0x20 || c == 0x7F ? "control character (byte \(c))" : "character `\(shown)`"
            lexemes.append(Lexeme(kind: invalid("unexpected \(what)"), span: span(i, e)))
            i = e
        }
    }

    private static func isOnlyBlank(_ b: [UInt8], from: Int, to: Int) -> Bool {
        var i = from
        while i < to {
            if b[i] != Ascii.space && b[i] != Ascii.tab { return false }
            i += 1
        }
        return true
    }

    /// Where the word starting at `start` ends. (Generic so that the parser's line resolver can
    /// scan an unsafe buffer with exactly the same rules.)
    static func scanWord<Bytes: RandomAccessCollection<UInt8>>(_ b: Bytes, from start: Int, to limit: Int) -> Int
    where Bytes.Index == Int {
        var i = start + 1
        while i < limit {
            let c = b[i]
            if Ascii.isWordStart(c) || Ascii.isDigit(c) { i += 1; continue }
            if c == Ascii.dot, i + 1 < limit, Ascii.isWordStart(b[i + 1]) || Ascii.isDigit(b[i + 1]) { i += 1; continue }
            if c == Ascii.minus, i + 1 < limit, Ascii.isLetter(b[i + 1]) { i += 1; continue }
            break
        }
        return i
    }

    /// What `scanNumber` found.
    enum NumberScan {
        case integer(Int)
        case decimal(numerator: Int, denominator: Int)
        case invalid(String)
    }

    static func scanNumber(_ b: [UInt8], from start: Int, to limit: Int) -> (NumberScan, Int) {
        if let plain = scanPlainInteger(b, from: start, to: limit) { return (.integer(plain.value), plain.end) }
        // One pass; the whole run of word characters is one number, anything odd in it is reported.
        func runEnd(_ from: Int) -> Int {
            var e = from
            while e < limit, Ascii.isWordStart(b[e]) || Ascii.isDigit(b[e]) { e += 1 }
            return e
        }
        /// The literal `start..<end` quoted for a message, cut short when long (a script may hold
        /// a number of millions of digits; the error must not repeat it).
        func quoted(_ end: Int) -> String {
            let width = Diagnostic.quotedWidth
            guard end - start > width else { return "`" + String(decoding: b[start..<end], as: UTF8.self) + "`" }
            return "`" + String(decoding: b[start..<(start + width - 3)], as: UTF8.self) + "...` (\(end - start) characters)"
        }
        var i = start
        if start + 1 < limit, b[start] == Ascii.zero, b[start + 1] == Ascii.lowerX || b[start + 1] == Ascii.upperX {
            i = start + 2
            var value = 0
            var digits = 0
            var overflow = false
            while i < limit {
                let c = b[i]
                if let d = Ascii.hexValue(c) {
                    let (shifted, o1) = value.multipliedReportingOverflow(by: 16)
                    let (sum, o2) = shifted.addingReportingOverflow(d)
                    overflow = overflow || o1 || o2
                    value = sum
                    digits += 1
                } else if c != Ascii.underscore {
                    if Ascii.isWordStart(c) || Ascii.isDigit(c) {
                        let e = runEnd(i)
                        return (.invalid("\(quoted(e)) is not a number (hexadecimal digits are 0-9 and a-f)"), e)
                    }
                    break
                }
                i += 1
            }
            if digits == 0 { return (.invalid("`0x` must be followed by hexadecimal digits"), i) }
            if overflow, i - start > Diagnostic.quotedWidth {
                return (.invalid("number too long: \(i - start) characters (the largest number is 0x7fffffffffffffff)"), i)
            }
            if overflow { return (.invalid("number \(quoted(i)) is too large (the largest is 0x7fffffffffffffff)"), i) }
            return (.integer(value), i)
        }
        var value = 0
        var overflow = false
        while i < limit {
            let c = b[i]
            if Ascii.isDigit(c) {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int(c &- Ascii.zero))
                overflow = overflow || o1 || o2
                value = s
            } else if c != Ascii.underscore {
                if Ascii.isWordStart(c) {
                    let e = runEnd(i)
                    return (.invalid("\(quoted(e)) is not a number (write a space between a number and a word)"), e)
                }
                break
            }
            i += 1
        }
        if overflow, i - start > Diagnostic.quotedWidth {
            return (.invalid("number too long: \(i - start) digits (the largest number is 9223372036854775807, 19 digits)"), i)
        }
        if overflow { return (.invalid("number \(quoted(i)) is too large (the largest is 9223372036854775807)"), i) }
        let runEnd = i
        // A decimal fraction: digits '.' digits (but `1..5` is a range).
        if runEnd + 1 < limit, b[runEnd] == Ascii.dot, Ascii.isDigit(b[runEnd + 1]) {
            var j = runEnd + 1
            var numerator = value
            var denominator = 1
            while j < limit, Ascii.isDigit(b[j]) {
                let (n1, o1) = numerator.multipliedReportingOverflow(by: 10)
                let (n2, o2) = n1.addingReportingOverflow(Int(b[j] - Ascii.zero))
                let (d1, o3) = denominator.multipliedReportingOverflow(by: 10)
                if o1 || o2 || o3 {
                    while j < limit, Ascii.isDigit(b[j]) { j += 1 }
                    return (.invalid("number \(quoted(j)) has too many digits"), j)
                }
                numerator = n2
                denominator = d1
                j += 1
            }
            if j < limit, Ascii.isWordStart(b[j]) {
                var k = j
                while k < limit, Ascii.isWordStart(b[k]) || Ascii.isDigit(b[k]) { k += 1 }
                return (.invalid("\(quoted(k)) is not a number"), k)
            }
            return (.decimal(numerator: numerator, denominator: denominator), j)
        }
        return (.integer(value), runEnd)
    }

    /// What `scanString` found: the pieces of a well-formed string literal, or what is wrong;
    /// and where the literal ends.
    enum StringScan {
        case pieces([StringPiece], end: Int)
        case invalid(String, end: Int)
    }

    /// The common case of `scanNumber` in one quick pass: a decimal integer of at most 18 digits
    /// or a hexadecimal one of at most 15 (neither can overflow), without `_`, and not followed
    /// by a word character (or, for decimal, by `.` and a digit). Anything else is nil, and
    /// `scanNumber` takes the careful way, which also words the errors.
    static func scanPlainInteger<Bytes: RandomAccessCollection<UInt8>>(_ b: Bytes, from start: Int, to limit: Int)
        -> (value: Int, end: Int)? where Bytes.Index == Int {
        var i = start
        var value = 0
        if start + 1 < limit, b[start] == Ascii.zero, b[start + 1] == Ascii.lowerX || b[start + 1] == Ascii.upperX {
            i += 2
            while i < limit, let d = Ascii.hexValue(b[i]) {
                value = value &<< 4 | d
                i += 1
            }
            guard i > start + 2, i - (start + 2) <= 15 else { return nil }
        } else {
            while i < limit, Ascii.isDigit(b[i]) {
                value = value &* 10 &+ Int(b[i] &- Ascii.zero)
                i += 1
            }
            guard i - start <= 18 else { return nil }
            if i + 1 < limit, b[i] == Ascii.dot, Ascii.isDigit(b[i + 1]) { return nil }
        }
        if i < limit, Ascii.isWordStart(b[i]) || Ascii.isDigit(b[i]) { return nil }
        return (value, i)
    }

    static func scanString(_ b: [UInt8], from start: Int, to limit: Int) -> StringScan {
        var pieces: [StringPiece] = []
        var text: [UInt8] = []
        var i = start + 1
        func flushText() {
            if !text.isEmpty { pieces.append(.text(String(decoding: text, as: UTF8.self))); text.removeAll() }
        }
        while i < limit {
            let c = b[i]
            if c == Ascii.quote {
                flushText()
                return .pieces(pieces, end: i + 1)
            }
            if c == Ascii.backslash {
                guard i + 1 < limit else { break }
                let e = b[i + 1]
                switch e {
                case Ascii.quote, Ascii.backslash, Ascii.leftBrace, Ascii.rightBrace: text.append(e)
                case UInt8(ascii: "n"): text.append(Ascii.newline)
                case UInt8(ascii: "t"): text.append(Ascii.tab)
                default:
                    var k = i + 2
                    if e >= 0xC0 { while k < limit, b[k] & 0xC0 == 0x80 { k += 1 } }
                    let shown = String(decoding: b[(i + 1)..<k], as: UTF8.self)
                    return .invalid("unknown escape `\\\(shown)` in a string (known: \\\" \\\\ \\n \\t \\{ \\})", end: closingQuote(b, from: k, to: limit))
                }
                i += 2
                continue
            }
            if c == Ascii.leftBrace {
                var j = i + 1
                while j < limit, b[j] != Ascii.rightBrace, b[j] != Ascii.quote { j += 1 }
                guard j < limit, b[j] == Ascii.rightBrace else {
                    return .invalid("unterminated `{` in a string (write `\\{` for a brace)", end: closingQuote(b, from: j, to: limit))
                }
                flushText()
                pieces.append(.expression((i + 1)..<j))
                i = j + 1
                continue
            }
            if c == Ascii.rightBrace {
                return .invalid("unmatched `}` in a string (write `\\}` for a brace)", end: closingQuote(b, from: i, to: limit))
            }
            text.append(c)
            i += 1
        }
        return .invalid("unterminated string (missing the closing `\"` on this line)", end: limit)
    }

    private static func closingQuote(_ b: [UInt8], from: Int, to limit: Int) -> Int {
        var i = from
        while i < limit {
            if b[i] == Ascii.backslash { i += 2; continue }
            if b[i] == Ascii.quote { return i + 1 }
            i += 1
        }
        return limit
    }

    static func scanSymbol(_ b: [UInt8], from i: Int, to limit: Int) -> (Symbol, Int)? {
        let c = b[i]
        let next: UInt8 = i + 1 < limit ? b[i + 1] : 0
        switch c {
        case Ascii.leftParen: return (.leftParen, i + 1)
        case Ascii.rightParen: return (.rightParen, i + 1)
        case Ascii.comma: return (.comma, i + 1)
        case Ascii.plus: return (.plus, i + 1)
        case Ascii.minus: return (.minus, i + 1)
        case Ascii.star: return (.star, i + 1)
        case Ascii.slash: return (.slash, i + 1)
        case Ascii.percent: return (.percent, i + 1)
        case Ascii.semicolon: return (.semicolon, i + 1)
        case Ascii.equal: return next == Ascii.equal ? (.equalEqual, i + 2) : (.equal, i + 1)
        case Ascii.bang: return next == Ascii.equal ? (.notEqual, i + 2) : nil
        case Ascii.less: return next == Ascii.equal ? (.lessEqual, i + 2) : (.less, i + 1)
        case Ascii.greater: return next == Ascii.equal ? (.greaterEqual, i + 2) : (.greater, i + 1)
        case Ascii.dot: return next == Ascii.dot ? (.dotDot, i + 2) : nil
        default: return nil
        }
    }
}

/// Recently seen short words, so a script that says `write p ...` a million times builds the
/// strings "write" and "p" once: a direct-mapped table keyed by the word's bytes.
struct WordCache {
    private var keys = [UInt64](repeating: 0, count: 256)
    private var strings = [String](repeating: "", count: 256)

    /// The word spelt by `bytes` (ASCII word characters).
    mutating func word(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count <= 8 else { return String(decoding: bytes, as: UTF8.self) }
        var key: UInt64 = 0
        for (k, c) in bytes.enumerated() { key |= UInt64(c) << UInt64(8 * k) }
        let slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 56)
        if keys[slot] == key { return strings[slot] }
        let made = String(decoding: bytes, as: UTF8.self)
        keys[slot] = key
        strings[slot] = made
        return made
    }
}

/// Byte constants and classes for the lexer.
enum Ascii {
    static let newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r"), tab = UInt8(ascii: "\t"), space = UInt8(ascii: " ")
    static let hash = UInt8(ascii: "#"), greater = UInt8(ascii: ">"), less = UInt8(ascii: "<"), equal = UInt8(ascii: "=")
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), leftBrace = UInt8(ascii: "{"), rightBrace = UInt8(ascii: "}")
    static let dot = UInt8(ascii: "."), minus = UInt8(ascii: "-"), plus = UInt8(ascii: "+"), star = UInt8(ascii: "*")
    static let slash = UInt8(ascii: "/"), percent = UInt8(ascii: "%"), comma = UInt8(ascii: ","), semicolon = UInt8(ascii: ";")
    static let leftParen = UInt8(ascii: "("), rightParen = UInt8(ascii: ")"), bang = UInt8(ascii: "!")
    static let underscore = UInt8(ascii: "_"), zero = UInt8(ascii: "0"), lowerX = UInt8(ascii: "x"), upperX = UInt8(ascii: "X")

    static func isLetter(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isWordStart(_ c: UInt8) -> Bool { isLetter(c) || c == underscore }
    static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        default: return nil
        }
    }
}
