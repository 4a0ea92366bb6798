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

    public init(colour: Bool, output: Int32 = STDOUT_FILENO, errors: Int32 = STDERR_FILENO) {
        self.colour = colour
        self.outputDescriptor = output
        self.errorDescriptor = errors
    }

    public func write(_ text: String, style: OutputStyle) {
        let descriptor = style == .error ? errorDescriptor : outputDescriptor
        writeAll(TerminalSink.render(text, style: style, colour: colour), to: descriptor)
    }

    /// The exact bytes written for `text` in `style` (plain text when `colour` is false).
    public static func render(_ text: String, style: OutputStyle, colour: Bool) -> String {
        colour ? ANSIColour.paint(text, style: style) : text
    }

    /// Writes every byte, retrying after signals; gives up silently on a closed descriptor
    /// (a vanished terminal must not crash the simulator).
    private func writeAll(_ text: String, to fileDescriptor: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                #if canImport(Glibc)
                return Glibc.write(fileDescriptor, base + offset, buffer.count - offset)
                #else
                return Darwin.write(fileDescriptor, base + offset, buffer.count - offset)
                #endif
            }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
