/// What a piece of output means, so a terminal can colour it (faults yellow, copies magenta,
/// errors red) while files and pipes get the same plain text.
public enum OutputStyle: Sendable, Equatable {
    case plain, heading, event, fault, copy, error, success, dim
}

/// Where a session writes. Text always ends with its own "\n"; one call is one or more whole lines.
public protocol OutputSink: AnyObject {
    /// Writes `text` (one or more complete lines) in the given style.
    func write(_ text: String, style: OutputStyle)
    /// Pushes buffered text out; the session calls it at the end of every script and REPL line.
    func flush()
}

extension OutputSink {
    /// Default: nothing is buffered.
    public func flush() {}
}

/// Collects output in memory: for tests, transcripts and `--verify`.
public final class BufferSink: OutputSink {
    /// Everything written so far, styles dropped.
    public var text: String = ""
    /// Each write with its style, in order (tests check that faults are styled as faults).
    public private(set) var pieces: [(text: String, style: OutputStyle)] = []
    /// Whether to keep `pieces` too (off by default: it doubles the memory).
    public var keepsPieces: Bool

    /// Creates an empty buffer.
    public init(keepsPieces: Bool = false) { self.keepsPieces = keepsPieces }

    /// Appends `text` (and remembers its style if `keepsPieces`).
    public func write(_ text: String, style: OutputStyle) {
        self.text += text
        if keepsPieces { pieces.append((text, style)) }
    }

    /// Forgets everything written so far.
    public func clear() {
        text = ""
        pieces = []
    }
}

/// Writes to the process's standard output (and errors to standard error), buffered so that a
/// million-line script does not make a million system calls. Colours with ANSI escapes when asked.
public final class StandardOutputSink: OutputSink {
    private let colour: Bool
    private var buffer: [UInt8] = []
    private let limit = 1 << 16

    /// `colour`: use ANSI colours (the caller decides: a terminal and no `NO_COLOR`).
    public init(colour: Bool) {
        self.colour = colour
        buffer.reserveCapacity(limit)
    }

    deinit { flush() }

    /// Buffers `text` for standard output; errors go to standard error at once (after flushing
    /// what came before, so the order on a terminal stays right).
    public func write(_ text: String, style: OutputStyle) {
        if style == .error {
            flush()
            let coloured = colour ? Self.paint(text, style: style) : text
            SystemIO.writeAll(fd: 2, Array(coloured.utf8))
            return
        }
        if colour, style != .plain {
            buffer.append(contentsOf: Self.paint(text, style: style).utf8)
        } else {
            buffer.append(contentsOf: text.utf8)
        }
        if buffer.count >= limit { flush() }
    }

    /// Writes the buffered text to standard output.
    public func flush() {
        guard !buffer.isEmpty else { return }
        SystemIO.writeAll(fd: 1, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Wraps each line of `text` in the ANSI colour of `style` (the newline stays outside).
    static func paint(_ text: String, style: OutputStyle) -> String {
        let code: String
        switch style {
        case .plain: return text
        case .heading: code = "1"
        case .event: code = "36"
        case .fault: code = "33"
        case .copy: code = "35"
        case .error: code = "1;31"
        case .success: code = "32"
        case .dim: code = "2"
        }
        var out = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            out += "\u{1B}[\(code)m\(line)\u{1B}[0m\n"
        }
        if !text.hasSuffix("\n") { out += "\u{1B}[\(code)m\(text.split(separator: "\n").last ?? "")\u{1B}[0m" }
        return out
    }
}
