/// A script's text, kept as UTF-8 bytes so that lexing a million-line script stays fast, plus the
/// name diagnostics print ("hw.cow", "<repl>", "<stdin>").
public final class SourceFile: Sendable {
    /// The name shown in diagnostics.
    public let name: String
    /// The directory `source` and `save` resolve relative paths against ("" = the working directory).
    public let directory: String
    /// The text.
    public let bytes: [UInt8]

    /// A source from text; `directory` is where relative `source FILE` paths are looked up.
    public init(name: String, text: String, directory: String = "") {
        self.name = name
        self.bytes = Array(text.utf8)
        self.directory = directory
    }

    /// A source from raw bytes (files may hold anything, even invalid UTF-8).
    public init(name: String, bytes: [UInt8], directory: String = "") {
        self.name = name
        self.bytes = bytes
        self.directory = directory
    }

    /// The text between two byte offsets (invalid UTF-8 shows as U+FFFD).
    public func text(from start: Int, to end: Int) -> String {
        let lo = max(0, min(start, bytes.count))
        let hi = max(lo, min(end, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }

    /// The whole line that starts at byte offset `lineStart`, without its line break.
    public func lineText(startingAt lineStart: Int) -> String {
        var end = max(0, min(lineStart, bytes.count))
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        var trimmed = end
        if trimmed > lineStart, bytes[trimmed - 1] == UInt8(ascii: "\r") { trimmed -= 1 }
        return text(from: lineStart, to: trimmed)
    }

    /// The directory part of a path ("a/b.cow" -> "a", "b.cow" -> "").
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// Reads the script at `path`; relative `source` paths inside it resolve against its directory.
    public static func load(path: String) -> Result<SourceFile, SystemIO.Failure> {
        SystemIO.readFile(path).map { SourceFile(name: path, bytes: $0, directory: directory(of: path)) }
    }

    /// `path` resolved against `directory` unless it is absolute.
    public static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") || directory.isEmpty { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }
}

/// Where a token or construct sits in its source: byte offsets plus the line, enough to print
/// `file:line:column` and a caret line without keeping line tables around.
public struct SourceSpan: Equatable, Hashable, Sendable {
    /// First byte (offset into the file).
    public var start: Int
    /// One past the last byte.
    public var end: Int
    /// 1-based line number of `start`.
    public var line: Int
    /// Byte offset where that line begins.
    public var lineStart: Int

    /// A span from its parts.
    public init(start: Int, end: Int, line: Int, lineStart: Int) {
        self.start = start
        self.end = end
        self.line = line
        self.lineStart = lineStart
    }

    /// A span covering both (on the first one's line; a caret never spans lines).
    public func through(_ other: SourceSpan) -> SourceSpan {
        if other.line != line { return self }
        return SourceSpan(start: min(start, other.start), end: max(end, other.end), line: line, lineStart: lineStart)
    }

    /// The empty span used for things that have no source (command-line errors).
    public static let none = SourceSpan(start: 0, end: 0, line: 0, lineStart: 0)
}
