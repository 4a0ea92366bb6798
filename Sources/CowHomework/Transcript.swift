import CowLanguage
/// Transcript checks: a script carries the expected output of a command as `#> ` lines right
/// after it. `cowsim --verify FILE` and `cowsim test` run the script and compare; `cowsim
/// --update FILE` rewrites those lines from the real output and leaves every other byte alone.
/// Commands without `#>` lines are not checked; to start checking one, put a lone `#>` after it
/// and run `--update`.
public struct Transcript {
    /// One command with `#>` lines: where they are, what they say, what the command printed.
    public struct Check: Equatable, Sendable {
        /// Line of the command (1-based).
        public var commandLine: Int
        /// Line of the first `#>` line (1-based).
        public var firstLine: Int
        /// The `#>` texts (without the `#> ` prefix).
        public var expected: [String]
        /// What the command printed, line by line.
        public var actual: [String]
        /// Whether they agree.
        public var matches: Bool { expected == actual }
    }

    /// The script's source.
    public let file: SourceFile
    /// Every command that has `#>` lines, in order (up to where the script stopped).
    public private(set) var checks: [Check] = []
    /// The diagnostics that stopped the script (nil: it ran to the end).
    public private(set) var error: String?

    /// Runs `file` in a fresh session with `options` (`keepGoing` is ignored: a transcript
    /// stops at its first error), capturing each command's output.
    public init(file: SourceFile, options: SessionOptions) {
        self.file = file
        var sessionOptions = options
        sessionOptions.keepGoing = false
        let sink = CapturingSink(forwardingTo: nil)
        let session = Session(options: sessionOptions, output: sink)
        var parser = Parser(file: file)
        while let next = parser.next(), !session.quitRequested {
            switch next {
            case .failure(let diagnostic):
                error = diagnostic.rendered()
                return
            case .success(let statement):
                if let nested = Transcript.nestedExpectedOutput(in: statement) {
                    error = "\(file.name):\(nested): error: `#>` lines inside a `repeat`, `quiet` or `show` block are not checked; put them after its `end`\n"
                    return
                }
                sink.clear()
                let ok = session.execute(statement, in: file)
                if !statement.expectedOutput.isEmpty {
                    checks.append(Check(commandLine: statement.span.line, firstLine: statement.expectedOutputLine,
                                        expected: statement.expectedOutput, actual: Transcript.lines(of: sink.text)))
                }
                if !ok {
                    error = sink.errors.isEmpty ? "\(file.name): error: the script failed\n" : sink.errors
                    return
                }
            }
        }
    }

    /// Reads and runs a script file, or says why it cannot be read.
    public static func load(path: String, options: SessionOptions) -> Result<Transcript, SystemIO.Failure> {
        SourceFile.load(path: path).map { Transcript(file: $0, options: options) }
    }

    /// Commands whose output differs from their `#>` lines.
    public var mismatches: [Check] { checks.filter { !$0.matches } }

    /// True when the script ran to its end and every `#>` line matched.
    public var passed: Bool { error == nil && mismatches.isEmpty }

    /// "the output of line 12 differs from its `#>` lines (and 2 more commands)".
    public var mismatchSummary: String? {
        guard let first = mismatches.first else { return nil }
        let more = mismatches.count - 1
        return "the output of line \(first.commandLine) differs from its `#>` lines"
            + (more > 0 ? " (and \(more) more \(more == 1 ? "command" : "commands"))" : "")
    }

    /// The unified diff from the file as it is to the file with its `#>` lines updated.
    public func diff() -> [String] {
        let old = Transcript.lines(of: String(decoding: file.bytes, as: UTF8.self))
        let starts = lineStarts()
        let edits = mismatches.map { check in
            UnifiedDiff.Edit(start: check.firstLine - 1,
                             old: Array(old[min(old.count, check.firstLine - 1)..<min(old.count, check.firstLine - 1 + check.expected.count)]),
                             new: check.actual.map { Transcript.expectedLine(indent: indent(of: check, lineStarts: starts), text: $0) })
        }
        return UnifiedDiff.lines(old: old, edits: edits, oldName: file.name, newName: file.name + " (actual output)")
    }

    /// "FILE:LINE: the output differs from its `#>` lines", one per mismatching command.
    public func mismatchLines(path: String) -> [String] {
        mismatches.map { "\(path):\($0.commandLine): the output differs from its `#>` lines" }
    }

    /// The file's bytes with every mismatching command's `#>` lines replaced by its real
    /// output (same indentation and line ending as its first `#>` line); all other bytes stay.
    /// Running it again changes nothing. An empty output removes the `#>` lines.
    public func updatedBytes() -> [UInt8] {
        let bytes = file.bytes
        var lineStarts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { lineStarts.append(i + 1) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var at = 0
        for check in mismatches {
            let first = check.firstLine - 1
            let last = first + check.expected.count   // exclusive
            guard first >= 0, first < lineStarts.count, at <= lineStarts[first] else { continue }
            let start = lineStarts[first]
            let end = last < lineStarts.count ? lineStarts[last] : bytes.count
            let firstLineEnd = first + 1 < lineStarts.count ? lineStarts[first + 1] : bytes.count
            let firstLine = bytes[start..<firstLineEnd]
            let crlf = firstLine.count >= 2 && firstLine[firstLine.endIndex - 2] == UInt8(ascii: "\r") && firstLine.last == UInt8(ascii: "\n")
            let hadNewline = bytes[start..<end].last == UInt8(ascii: "\n")
            out += bytes[at..<start]
            let indent = String(decoding: firstLine.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }, as: UTF8.self)
            for (k, text) in check.actual.enumerated() {
                out += Array(Transcript.expectedLine(indent: indent, text: text).utf8)
                if k < check.actual.count - 1 || hadNewline { out += crlf ? [13, 10] : [10] }
            }
            at = end
        }
        out += bytes[at...]
        return out
    }

    /// `#> text`, or `#>` alone for an empty line (no trailing blank).
    static func expectedLine(indent: String, text: String) -> String {
        text.isEmpty ? indent + "#>" : indent + "#> " + text
    }

    /// The leading blanks of a check's first `#>` line.
    private func indent(of check: Check, lineStarts: [Int]) -> String {
        let line = check.firstLine - 1
        let start = line >= 0 && line < lineStarts.count ? lineStarts[line] : file.bytes.count
        var end = start
        while end < file.bytes.count, file.bytes[end] == UInt8(ascii: " ") || file.bytes[end] == UInt8(ascii: "\t") { end += 1 }
        return file.text(from: start, to: end)
    }

    /// The byte offset where each line starts (index 0 is line 1).
    private func lineStarts() -> [Int] {
        var starts = [0]
        for (i, b) in file.bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        return starts
    }

    /// Text as lines: the final newline ends the last line rather than starting an empty one;
    /// a carriage return before a newline is dropped.
    static func lines(of text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        // "\r\n" is one Character in Swift: split on both.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        if text.hasSuffix("\n") || text.hasSuffix("\r\n") { lines.removeLast() }
        return lines
    }

    /// The line of the first `#>` line inside a block (those are never compared), if any.
    static func nestedExpectedOutput(in statement: Statement) -> Int? {
        let body: [Statement]
        switch statement.kind {
        case .command: return nil
        case .repeatBlock(_, _, let b), .quiet(let b), .show(let b): body = b
        case .expectError(_, let inner): body = [inner]
        }
        for inner in body {
            if !inner.expectedOutput.isEmpty { return inner.expectedOutputLine }
            if let nested = nestedExpectedOutput(in: inner) { return nested }
        }
        return nil
    }
}

/// Collects a session's output in memory (errors apart), optionally passing everything on.
final class CapturingSink: OutputSink {
    /// Ordinary output since the last `clear()`.
    private(set) var text = ""
    /// Diagnostics, in order, never cleared.
    private(set) var errors = ""
    private let next: OutputSink?

    init(forwardingTo next: OutputSink?) { self.next = next }

    func write(_ text: String, style: OutputStyle) {
        if style == .error { errors += text } else { self.text += text }
        next?.write(text, style: style)
    }

    func flush() { next?.flush() }

    func clear() { text = "" }
}

extension Transcript {
    /// The script's transcript, or nil after saying on `output` why the file cannot be read.
    private static func loadReportingFailure(path: String, options: SessionOptions, output: OutputSink) -> Transcript? {
        if path == "-" {
            switch SystemIO.readAll(fd: 0) {
            case .failure(let failure):
                output.write("<stdin>: error: cannot read standard input: \(failure.reason)\n", style: .error)
                return nil
            case .success(let bytes):
                return Transcript(file: SourceFile(name: "<stdin>", bytes: bytes), options: options)
            }
        }
        switch load(path: path, options: options) {
        case .failure(let failure):
            output.write("\(path): error: cannot read \(path): \(failure.reason)\n", style: .error)
            return nil
        case .success(let transcript):
            return transcript
        }
    }

    /// `cowsim --verify FILE`: prints "FILE: N commands checked, transcript matches" or the
    /// unified diff; diagnostics go to the error stream. Returns the exit status. `-` reads the
    /// script from standard input (named `<stdin>` in messages).
    public static func verify(path givenPath: String, options: SessionOptions, output: OutputSink) -> Int32 {
        guard let transcript = loadReportingFailure(path: givenPath, options: options, output: output) else { return 1 }
        let path = givenPath == "-" ? "<stdin>" : givenPath
        let diff = transcript.diff()
        if !diff.isEmpty { output.write(diff.joined(separator: "\n") + "\n", style: .plain) }
        if let error = transcript.error {
            output.write(error, style: .error)
            return 1
        }
        if let summary = transcript.mismatchSummary {
            output.write("\(path): \(summary)\n", style: .error)
            return 1
        }
        output.write("\(path): transcript matches (\(Format.count(transcript.checks.count, "command")) checked)\n", style: .success)
        return 0
    }

    /// `cowsim --update FILE`: rewrites the `#>` lines from the real output, unless the
    /// script fails (then nothing is written). Returns the exit status.
    public static func update(path: String, options: SessionOptions, output: OutputSink) -> Int32 {
        if path == "-" {
            output.write("error: --update rewrites a script file in place; it cannot update standard input (use --verify - to check it)\n", style: .error)
            return 1
        }
        guard let transcript = loadReportingFailure(path: path, options: options, output: output) else { return 1 }
        if let error = transcript.error {
            output.write(error, style: .error)
            output.write("\(path): not updated: the script fails\n", style: .error)
            return 1
        }
        let changed = transcript.mismatches.count
        guard changed > 0 else {
            output.write("\(path): up to date (\(Format.count(transcript.checks.count, "command")) checked)\n", style: .success)
            return 0
        }
        let bytes = transcript.updatedBytes()
        if case .failure(let failure) = SystemIO.writeFile(path, bytes: bytes) {
            output.write("\(path): error: cannot write \(path): \(failure.reason)\n", style: .error)
            return 1
        }
        output.write("\(path): updated the expected output of \(Format.count(changed, "command"))\n", style: .success)
        return 0
    }
}
