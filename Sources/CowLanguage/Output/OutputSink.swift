/// What a piece of output means, so a terminal can colour it (faults yellow, copies magenta,
/// errors red) while files and pipes get the same plain text.
public enum OutputStyle: Sendable, Equatable {
    case plain, heading, event, fault, copy, error, success, dim
}

/// Where a session writes. Text always ends with its own "\n"; one call is one or more whole lines.
public protocol OutputSink: AnyObject {
    /// Writes `text` (one or more complete lines) in the given style.
    func write(_ text: String, style: OutputStyle)
    /// Writes UTF-8 `text` (one or more complete lines) in the given style. Event lines come
    /// this way (a million-line script prints a million of them); a sink that stores bytes
    /// implements it to skip making a `String` per line.
    func write(utf8 text: UnsafeBufferPointer<UInt8>, style: OutputStyle)
    /// Pushes buffered text out; the session calls it at the end of every script and REPL line.
    func flush()
    /// The width in columns of the terminal this sink shows text on; nil when it writes to a
    /// file, a pipe or memory (reports then keep their one, wide layout).
    var terminalWidth: Int? { get }
    /// Whether this sink paints ANSI colour (a terminal, as `ColourPolicy` allows): pictures
    /// (`draw`) then colour their symbols themselves. False by default.
    var paintsColour: Bool { get }
}

extension OutputSink {
    /// Default: the bytes as a `String`, through `write(_:style:)`.
    public func write(utf8 text: UnsafeBufferPointer<UInt8>, style: OutputStyle) {
        write(String(decoding: text, as: UTF8.self), style: style)
    }

    /// Default: nothing is buffered.
    public func flush() {}

    /// Default: not a terminal.
    public var terminalWidth: Int? { nil }

    /// Default: no colour.
    public var paintsColour: Bool { false }
}

/// Collects output in memory: for tests, transcripts and `--verify`.
public final class BufferSink: OutputSink {
    /// Everything written so far, styles dropped.
    public var text: String = ""
    /// Each write with its style, in order (tests check that faults are styled as faults).
    public private(set) var pieces: [(text: String, style: OutputStyle)] = []
    /// Whether to keep `pieces` too (off by default: it doubles the memory).
    public var keepsPieces: Bool
    /// The terminal width to report (tests set it to see the layouts a terminal gets).
    public var terminalWidth: Int?

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
    /// Bytes waiting for standard output, in a buffer allocated once: appending a line is a
    /// bounds check and a copy (growing an array per line, with its exclusivity check, cost
    /// several times more, and a million-line script prints a million lines). `append` never
    /// writes past `buffer.count`.
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    /// How many bytes of `buffer` are waiting.
    private var count = 0

    /// Whether it paints ANSI colour.
    public var paintsColour: Bool { colour }

    /// `colour`: use ANSI colours (the caller decides: a terminal and no `NO_COLOR`).
    public init(colour: Bool) {
        self.colour = colour
        self.buffer = .allocate(capacity: 1 << 16)
    }

    deinit {
        flush()
        buffer.deallocate()
    }

    /// Buffers `text` for standard output; errors go to standard error at once (after flushing
    /// what came before, so the order on a terminal stays right).
    public func write(_ text: String, style: OutputStyle) {
        if style == .error {
            flush()
            let coloured = colour ? ANSIColour.paint(text, style: style) : text
            SystemIO.writeAll(fd: 2, Array(coloured.utf8))
            return
        }
        var shown = colour && style != .plain ? ANSIColour.paint(text, style: style) : text
        shown.withUTF8 { append($0) }
    }

    /// Buffers UTF-8 `text` as it is when no colour applies (the common case: output to a file
    /// or a pipe); otherwise as `write(_:style:)` does.
    public func write(utf8 text: UnsafeBufferPointer<UInt8>, style: OutputStyle) {
        guard style != .error, !colour || style == .plain else {
            write(String(decoding: text, as: UTF8.self), style: style)
            return
        }
        append(text)
    }

    /// Writes the buffered text to standard output.
    public func flush() {
        guard count > 0 else { return }
        SystemIO.writeAll(fd: 1, UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[0..<count])))
        count = 0
    }

    /// Adds `bytes` to the buffer, writing the buffer out first if they do not fit (and `bytes`
    /// themselves straight away if they are longer than the whole buffer).
    private func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count > buffer.count - count { flush() }
        guard bytes.count <= buffer.count else { return SystemIO.writeAll(fd: 1, UnsafeRawBufferPointer(bytes)) }
        if let source = bytes.baseAddress, let target = buffer.baseAddress {
            (target + count).update(from: source, count: bytes.count)   // fits: checked above
        }
        count += bytes.count
    }
}
