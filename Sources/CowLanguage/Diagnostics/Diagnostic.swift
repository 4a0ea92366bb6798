/// A script error, located precisely so that a student sees where and why:
///
///     hw.cow:3:6: error: expected a process name after `fork`, found `0x10`
///         fork 0x10 as ls
///              ^~~~
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    /// File name as given ("hw.cow", "<repl>", "<stdin>", "-c").
    public var file: String
    /// 1-based line (0: the error has no place in a file).
    public var line: Int
    /// 1-based column, counted in characters.
    public var column: Int
    /// How many characters the caret line underlines (at least 1).
    public var length: Int
    /// What went wrong and what was expected.
    public var message: String
    /// The offending line as written.
    public var sourceLine: String
    /// Further lines printed after the caret (values of a failed `expect`, suggestions).
    public var notes: [String]
    /// Characters of the line before `sourceLine` (0 unless the line was too long to keep
    /// whole: then `sourceLine` is only the part around the error).
    public var lineOffset: Int
    /// Characters in the whole line (`sourceLine.count` unless the line was cut).
    public var lineLength: Int

    /// A diagnostic from its parts.
    public init(file: String, line: Int, column: Int, length: Int, message: String, sourceLine: String, notes: [String] = []) {
        self.file = file
        self.line = line
        self.column = column
        self.length = max(1, length)
        self.message = Diagnostic.bounded(message)
        self.sourceLine = sourceLine
        self.notes = notes.map(Diagnostic.bounded)
        self.lineOffset = 0
        self.lineLength = sourceLine.count
    }

    /// A diagnostic pointing at `span` of `source`. A line longer than `keptBytes` is kept only
    /// around the span (a megabyte line is never copied into the error, nor counted as
    /// characters more than once).
    public init(_ message: String, at span: SourceSpan, in source: SourceFile, notes: [String] = []) {
        let bytes = source.bytes
        let lineStart = max(0, min(span.lineStart, bytes.count))
        var lineEnd = lineStart
        while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let start = max(lineStart, min(span.start, lineEnd))
        let end = max(start, min(span.end, lineEnd))
        guard lineEnd - lineStart > Diagnostic.keptBytes else {
            let prefix = source.text(from: lineStart, to: start)
            let marked = source.text(from: start, to: end)
            self.init(file: source.name, line: span.line, column: prefix.count + 1, length: marked.count,
                      message: message, sourceLine: source.text(from: lineStart, to: lineEnd), notes: notes)
            return
        }
        // Characters are counted as UTF-8 sequence starts here (no string is made of the line).
        func characters(_ from: Int, _ to: Int) -> Int {
            var n = 0
            var i = from
            while i < to {
                if bytes[i] & 0xC0 != 0x80 { n += 1 }
                i += 1
            }
            return n
        }
        func boundary(_ i: Int) -> Int {
            var i = i
            while i > lineStart, i < lineEnd, bytes[i] & 0xC0 == 0x80 { i -= 1 }
            return i
        }
        let windowStart = boundary(max(lineStart, start - Diagnostic.keptBytes / 4))
        let windowEnd = boundary(min(lineEnd, max(start, windowStart) + Diagnostic.keptBytes / 2))
        let before = characters(lineStart, windowStart)
        let column = before + characters(windowStart, start) + 1
        self.init(file: source.name, line: span.line, column: column, length: characters(start, min(end, windowEnd)),
                  message: message, sourceLine: source.text(from: windowStart, to: windowEnd), notes: notes)
        self.lineOffset = before
        self.lineLength = before + characters(windowStart, lineEnd)
    }

    /// Bytes of a line kept whole in a diagnostic; a longer line is kept around the error only.
    static let keptBytes = 4096

    /// Characters of a message or note printed at most (a safety net: messages quote tokens
    /// through `quoted`, which cuts them much shorter).
    static let maximumMessage = 1000

    /// `text` cut to `maximumMessage` characters, saying how long it was.
    static func bounded(_ text: String) -> String {
        guard text.utf8.count > maximumMessage else { return text }
        let count = text.count
        guard count > maximumMessage else { return text }
        return String(text.prefix(maximumMessage)) + "... (cut: \(count) characters)"
    }

    /// A piece of source (a word, a number, a name) as a message quotes it: in backquotes, and
    /// when longer than `quotedWidth` characters, its beginning and its length
    /// (`` `aaaaaaaaaaaa...` (1048576 characters) ``), so no error repeats a megabyte token.
    public static func quoted(_ text: String) -> String {
        guard text.utf8.count > quotedWidth else { return "`\(text)`" }
        let count = text.count
        guard count > quotedWidth else { return "`\(text)`" }
        return "`\(text.prefix(quotedWidth - 3))...` (\(count) characters)"
    }

    /// Characters of a token quoted whole in a message.
    public static let quotedWidth = 40

    /// A diagnostic with no place in a file (an unreadable script named on the command line).
    public init(file: String, message: String) {
        self.init(file: file, line: 0, column: 0, length: 1, message: message, sourceLine: "")
    }

    /// The text printed for people: location, message, the line, a caret line, notes. A line
    /// longer than `shownWidth` characters is shown as a window around the caret, with `...`
    /// where it was cut (a 100,000-character line is not printed whole, twice); control
    /// characters in it are shown as their symbols (`␛`), so a script cannot drive the terminal
    /// through its own error message.
    public func rendered() -> String {
        guard line > 0 else {
            return "\(file): error: \(TerminalText.escaped(message, keepingNewlines: false))\n" + notes.map { "note: \(TerminalText.escaped($0, keepingNewlines: false))\n" }.joined()
        }
        var out = "\(file):\(line):\(column): error: \(TerminalText.escaped(message, keepingNewlines: false))\n"
        let characters = sourceLine.map(Diagnostic.visible)
        let caretAt = max(0, column - 1 - lineOffset)
        var first = 0, last = characters.count
        if characters.count > Diagnostic.shownWidth {
            first = max(0, min(caretAt - Diagnostic.shownWidth / 3, characters.count - Diagnostic.shownWidth))
            last = min(characters.count, first + Diagnostic.shownWidth)
        }
        let cutBefore = first > 0 || lineOffset > 0 ? "..." : ""
        let cutAfter = last < characters.count || lineOffset + characters.count < lineLength ? "..." : ""
        out += "    " + cutBefore + String(characters[first..<last]) + cutAfter + "\n"
        var caret = "    " + String(repeating: " ", count: cutBefore.count)
        for index in first..<min(caretAt, last) {
            caret.append(characters[index] == "\t" ? "\t" : " ")
        }
        let marked = caretAt < last ? min(length, last - caretAt) : 1
        caret += "^" + String(repeating: "~", count: max(0, marked - 1))
        out += caret + "\n"
        if lineLength > Diagnostic.shownWidth * 8 { out += "note: line \(line) is \(lineLength) characters long; only its part around the error is shown\n" }
        for note in notes { out += "note: \(TerminalText.escaped(note, keepingNewlines: false))\n" }
        return out
    }

    /// Characters of the offending line shown at most; longer lines are cut around the caret.
    static let shownWidth = 120

    /// `ch` as the error shows it: control characters (other than tab) become their Unicode
    /// control pictures, bidirectional overrides a replacement character; one character each,
    /// so the caret still lines up.
    static func visible(_ ch: Character) -> Character {
        guard ch.unicodeScalars.count == 1, let scalar = ch.unicodeScalars.first else { return ch }
        switch scalar.value {
        case 0x09: return ch
        case 0x00...0x1F: return Character(Unicode.Scalar(0x2400 + scalar.value) ?? "\u{FFFD}")
        case 0x7F: return "\u{2421}"
        case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069: return "\u{FFFD}"
        default: return ch
        }
    }

    /// The first line of `rendered()`.
    public var description: String {
        line > 0 ? "\(file):\(line):\(column): error: \(message)" : "\(file): error: \(message)"
    }
}
