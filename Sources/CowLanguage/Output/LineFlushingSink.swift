/// Output for a terminal: every write reaches the screen at once, as C's stdio does for a
/// terminal. A long script (a big `repeat`) then shows its progress as it runs, and a Ctrl-C,
/// which ends a script at once, no longer throws away everything the buffer held. Pipes and
/// files keep the fully buffered `StandardOutputSink`, where throughput matters.
public final class LineFlushingSink: OutputSink {
    private let inner: StandardOutputSink

    /// Wraps `inner`, flushing it after every write.
    public init(_ inner: StandardOutputSink) { self.inner = inner }

    /// Writes `text` and pushes it out.
    public func write(_ text: String, style: OutputStyle) {
        inner.write(text, style: style)
        inner.flush()
    }

    /// Writes UTF-8 `text` and pushes it out.
    public func write(utf8 text: UnsafeBufferPointer<UInt8>, style: OutputStyle) {
        inner.write(utf8: text, style: style)
        inner.flush()
    }

    /// Nothing is left to push out, but the inner sink is asked anyway.
    public func flush() { inner.flush() }

    /// The width of the terminal on standard output, asked each time (the window may change).
    public var terminalWidth: Int? { TerminalText.width(of: 1) }

    /// As the inner sink.
    public var paintsColour: Bool { inner.paintsColour }
}
