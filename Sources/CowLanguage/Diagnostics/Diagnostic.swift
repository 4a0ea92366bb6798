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

    /// A diagnostic from its parts.
    public init(file: String, line: Int, column: Int, length: Int, message: String, sourceLine: String, notes: [String] = []) {
        self.file = file
        self.line = line
        self.column = column
        self.length = max(1, length)
        self.message = message
        self.sourceLine = sourceLine
        self.notes = notes
    }

    /// A diagnostic pointing at `span` of `source`.
    public init(_ message: String, at span: SourceSpan, in source: SourceFile, notes: [String] = []) {
        let lineText = source.lineText(startingAt: span.lineStart)
        let prefix = source.text(from: span.lineStart, to: span.start)
        let end = max(span.start, min(span.end, span.lineStart + lineText.utf8.count))
        let marked = source.text(from: span.start, to: end)
        self.init(file: source.name, line: span.line, column: prefix.count + 1, length: marked.count,
                  message: message, sourceLine: lineText, notes: notes)
    }

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
        guard line > 0 else { return "\(file): error: \(message)\n" + notes.map { "note: \($0)\n" }.joined() }
        var out = "\(file):\(line):\(column): error: \(message)\n"
        let characters = sourceLine.map(Diagnostic.visible)
        let caretAt = max(0, column - 1)
        var first = 0, last = characters.count
        if characters.count > Diagnostic.shownWidth {
            first = max(0, min(caretAt - Diagnostic.shownWidth / 3, characters.count - Diagnostic.shownWidth))
            last = min(characters.count, first + Diagnostic.shownWidth)
        }
        let cutBefore = first > 0 ? "..." : "", cutAfter = last < characters.count ? "..." : ""
        out += "    " + cutBefore + String(characters[first..<last]) + cutAfter + "\n"
        var caret = "    " + String(repeating: " ", count: cutBefore.count)
        for index in first..<min(caretAt, last) {
            caret.append(characters[index] == "\t" ? "\t" : " ")
        }
        let marked = caretAt < last ? min(length, last - caretAt) : 1
        caret += "^" + String(repeating: "~", count: max(0, marked - 1))
        out += caret + "\n"
        for note in notes { out += "note: \(note)\n" }
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
