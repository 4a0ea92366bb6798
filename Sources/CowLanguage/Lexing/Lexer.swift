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
        let bytes = file.bytes
        let lineStart = position
        if lineStart >= bytes.count {
            tokens.append(Token(kind: .end, span: SourceSpan(start: bytes.count, end: bytes.count, line: line, lineStart: lineStart)))
            return false
        }
        let lineEnd = bytes.withUnsafeBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress,
                  let found = memchr(base + lineStart, Int32(Ascii.newline), buffer.count - lineStart) else { return buffer.count }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        Self.scan(bytes, from: lineStart, to: lineEnd, line: line, lineStart: lineStart, wholeLine: true, into: &tokens, words: &words)
        let span = SourceSpan(start: lineEnd, end: min(lineEnd + 1, bytes.count), line: line, lineStart: lineStart)
        if lineEnd < bytes.count {
            tokens.append(Token(kind: .newline, span: span))
            position = lineEnd + 1
            line += 1
        } else {
            tokens.append(Token(kind: .newline, span: span))
            position = bytes.count
        }
        return true
    }

    /// All tokens of a text (tests and completion use it; scripts are lexed line by line).
    public static func tokens(of file: SourceFile) -> [Token] {
        var lexer = Lexer(file: file)
        var result: [Token] = []
        while lexer.lexLine(into: &result) {}
        return result
    }

    // MARK: - Scanning one line (or the inside of a `{...}`)

    static func scan(_ b: [UInt8], from start: Int, to limit: Int, line: Int, lineStart: Int, wholeLine: Bool,
                     into tokens: inout [Token], words: inout WordCache) {
        var i = start
        func span(_ s: Int, _ e: Int) -> SourceSpan { SourceSpan(start: s, end: e, line: line, lineStart: lineStart) }
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
                    let text = String(decoding: b[textStart..<max(textStart, textEnd)], as: UTF8.self)
                    tokens.append(Token(kind: .expectedOutput(text), span: span(i, limit)))
                }
                return
            }
            if Ascii.isWordStart(c) {
                let e = scanWord(b, from: i, to: limit)
                let word = b.withUnsafeBufferPointer { words.word(UnsafeBufferPointer(rebasing: $0[i..<e])) }
                tokens.append(Token(kind: .word(word), span: span(i, e)))
                i = e
                continue
            }
            if Ascii.isDigit(c) {
                let (kind, e) = scanNumber(b, from: i, to: limit)
                tokens.append(Token(kind: kind, span: span(i, e)))
                i = e
                continue
            }
            if c == Ascii.quote {
                let (kind, e) = scanString(b, from: i, to: limit, line: line, lineStart: lineStart, words: &words)
                tokens.append(Token(kind: kind, span: span(i, e)))
                i = e
                continue
            }
            if let (symbol, e) = scanSymbol(b, from: i, to: limit) {
                tokens.append(Token(kind: .symbol(symbol), span: span(i, e)))
                i = e
                continue
            }
            // Anything else: one whole (possibly multi-byte) character.
            var e = i + 1
            if c >= 0xC0 { while e < limit, b[e] & 0xC0 == 0x80 { e += 1 } }
            let shown = String(decoding: b[i..<e], as: UTF8.self)
            let what = c < 0x20 || c == 0x7F ? "control character (byte \(c))" : "character `\(shown)`"
            tokens.append(Token(kind: .invalid("unexpected \(what)"), span: span(i, e)))
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

    static func scanWord(_ b: [UInt8], from start: Int, to limit: Int) -> Int {
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

    static func scanNumber(_ b: [UInt8], from start: Int, to limit: Int) -> (TokenKind, Int) {
        // One pass; the whole run of word characters is one number, anything odd in it is reported.
        func runEnd(_ from: Int) -> Int {
            var e = from
            while e < limit, Ascii.isWordStart(b[e]) || Ascii.isDigit(b[e]) { e += 1 }
            return e
        }
        func text(_ end: Int) -> String { String(decoding: b[start..<end], as: UTF8.self) }
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
                        return (.invalid("`\(text(e))` is not a number (hexadecimal digits are 0-9 and a-f)"), e)
                    }
                    break
                }
                i += 1
            }
            if digits == 0 { return (.invalid("`0x` must be followed by hexadecimal digits"), i) }
            if overflow { return (.invalid("number `\(text(i))` is too large (the largest is 0x7fffffffffffffff)"), i) }
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
                    return (.invalid("`\(text(e))` is not a number (write a space between a number and a word)"), e)
                }
                break
            }
            i += 1
        }
        if overflow { return (.invalid("number `\(text(i))` is too large (the largest is 9223372036854775807)"), i) }
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
                    return (.invalid("number `\(String(decoding: b[start..<j], as: UTF8.self))` has too many digits"), j)
                }
                numerator = n2
                denominator = d1
                j += 1
            }
            if j < limit, Ascii.isWordStart(b[j]) {
                var k = j
                while k < limit, Ascii.isWordStart(b[k]) || Ascii.isDigit(b[k]) { k += 1 }
                return (.invalid("`\(String(decoding: b[start..<k], as: UTF8.self))` is not a number"), k)
            }
            return (.decimal(numerator: numerator, denominator: denominator), j)
        }
        return (.integer(value), runEnd)
    }

    static func scanString(_ b: [UInt8], from start: Int, to limit: Int, line: Int, lineStart: Int,
                           words: inout WordCache) -> (TokenKind, Int) {
        var parts: [RawStringPart] = []
        var text: [UInt8] = []
        var i = start + 1
        func flushText() {
            if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))); text.removeAll() }
        }
        while i < limit {
            let c = b[i]
            if c == Ascii.quote {
                flushText()
                return (.string(parts), i + 1)
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
                    return (.invalid("unknown escape `\\\(shown)` in a string (known: \\\" \\\\ \\n \\t \\{ \\})"), closingQuote(b, from: k, to: limit))
                }
                i += 2
                continue
            }
            if c == Ascii.leftBrace {
                var j = i + 1
                while j < limit, b[j] != Ascii.rightBrace, b[j] != Ascii.quote { j += 1 }
                guard j < limit, b[j] == Ascii.rightBrace else {
                    return (.invalid("unterminated `{` in a string (write `\\{` for a brace)"), closingQuote(b, from: j, to: limit))
                }
                flushText()
                var inner: [Token] = []
                scan(b, from: i + 1, to: j, line: line, lineStart: lineStart, wholeLine: false, into: &inner, words: &words)
                inner.append(Token(kind: .end, span: SourceSpan(start: j, end: j + 1, line: line, lineStart: lineStart)))
                parts.append(.expression(inner, span: SourceSpan(start: i, end: j + 1, line: line, lineStart: lineStart)))
                i = j + 1
                continue
            }
            if c == Ascii.rightBrace {
                return (.invalid("unmatched `}` in a string (write `\\}` for a brace)"), closingQuote(b, from: i, to: limit))
            }
            text.append(c)
            i += 1
        }
        return (.invalid("unterminated string (missing the closing `\"` on this line)"), limit)
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
