#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CowLanguage

/// An unbuffered `OutputSink` for the REPL, with ANSI colour by `OutputStyle` when `colour` is
/// true. Errors go to standard error, everything else to standard output, as for scripts. It
/// uses write(2), not stdio, so its text and readline's prompt never come out of order.
public final class TerminalSink: OutputSink {
    /// Whether styles are painted with ANSI colour.
    public let colour: Bool
    private let outputDescriptor: Int32
    private let errorDescriptor: Int32

    /// A sink on the given descriptors (standard output and error by default; tests pass pipes).
    public init(colour: Bool, output: Int32 = STDOUT_FILENO, errors: Int32 = STDERR_FILENO) {
        self.colour = colour
        self.outputDescriptor = output
        self.errorDescriptor = errors
    }

    /// Writes `text` at once (no buffering), errors to the error descriptor.
    public func write(_ text: String, style: OutputStyle) {
        let descriptor = style == .error ? errorDescriptor : outputDescriptor
        // Retries after signals; gives up silently on a closed descriptor (a vanished terminal
        // must not crash the simulator).
        SystemIO.writeAll(fd: descriptor, Array(TerminalSink.render(text, style: style, colour: colour).utf8))
    }

    /// The width of the terminal on the output descriptor (nil if it is not one).
    public var terminalWidth: Int? { TerminalText.width(of: outputDescriptor) }

    /// Whether it paints ANSI colour (pictures colour their symbols then).
    public var paintsColour: Bool { colour }

    /// The exact bytes written for `text` in `style` (plain text when `colour` is false).
    public static func render(_ text: String, style: OutputStyle, colour: Bool) -> String {
        colour ? ANSIColour.paint(text, style: style) : text
    }
}
