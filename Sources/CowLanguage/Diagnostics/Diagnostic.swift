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

    /// The text printed for people: location, message, the line, a caret line, notes.
    public func rendered() -> String {
        guard line > 0 else { return "\(file): error: \(message)\n" + notes.map { "note: \($0)\n" }.joined() }
        var out = "\(file):\(line):\(column): error: \(message)\n"
        out += "    \(sourceLine)\n"
        var caret = "    "
        for (index, ch) in sourceLine.enumerated() where index < column - 1 {
            caret.append(ch == "\t" ? "\t" : " ")
        }
        caret += "^" + String(repeating: "~", count: max(0, length - 1))
        out += caret + "\n"
        for note in notes { out += "note: \(note)\n" }
        return out
    }

    /// The first line of `rendered()`.
    public var description: String {
        line > 0 ? "\(file):\(line):\(column): error: \(message)" : "\(file): error: \(message)"
    }
}
