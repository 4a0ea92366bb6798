/// ANSI Select Graphic Rendition codes per output style: faults, copies and errors stand out,
/// headings are bold, everything else stays quiet. One table for scripts (StandardOutputSink)
/// and the REPL (CowShell's TerminalSink).
public enum ANSIColour {
    public static let reset = "\u{1B}[0m"

    /// The SGR parameters for a style, or nil for no colour.
    public static func code(for style: OutputStyle) -> String? {
        switch style {
        case .plain: return nil
        case .heading: return "1"        // bold
        case .event: return "36"         // cyan
        case .fault: return "33"         // yellow
        case .copy: return "35"          // magenta
        case .error: return "1;31"       // bold red
        case .success: return "32"       // green
        case .dim: return "2"            // faint
        }
    }

    /// `text` with every non-empty line wrapped in the style's colour; newlines stay outside
    /// the colour so a line never bleeds into the next prompt.
    public static func paint(_ text: String, style: OutputStyle) -> String {
        guard let code = code(for: style) else { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { $0.isEmpty ? "" : "\u{1B}[\(code)m\($0)\(reset)" }.joined(separator: "\n")
    }
}
