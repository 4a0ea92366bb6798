import CowLanguage

/// Whether output is coloured. `.auto` colours only a terminal and honours `NO_COLOR`
/// (https://no-color.org: any non-empty value turns colour off) and `TERM=dumb`.
public enum ColourMode: String, Sendable, CaseIterable {
    /// Colour a terminal, unless `NO_COLOR` or `TERM=dumb` says otherwise.
    case auto
    /// Colour even into a pipe or file (`less -R`, screenshots).
    case always
    /// Never emit escape codes.
    case never

    /// The decision for this run: `stdoutIsTerminal` is `isatty(STDOUT_FILENO)` in real use.
    public func isEnabled(environment: [String: String], stdoutIsTerminal: Bool) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
            if environment["TERM"] == "dumb" { return false }
            return stdoutIsTerminal
        }
    }
}

/// ANSI Select Graphic Rendition codes per output style: faults, copies and errors stand out,
/// headings are bold, everything else stays quiet.
enum ANSIColour {
    static let reset = "\u{1B}[0m"

    /// The SGR parameters for a style, or nil for no colour.
    static func code(for style: OutputStyle) -> String? {
        switch style {
        case .plain: return nil
        case .heading: return "1"        // bold
        case .event: return "36"         // cyan
        case .fault: return "33"         // yellow (as CowLanguage's StandardOutputSink)
        case .copy: return "35"          // magenta
        case .error: return "1;31"       // bold red
        case .success: return "32"       // green
        case .dim: return "2"            // faint
        }
    }

    /// `text` with every non-empty line wrapped in the style's colour; newlines stay outside
    /// the colour so a line never bleeds into the next prompt.
    static func paint(_ text: String, style: OutputStyle) -> String {
        guard let code = code(for: style) else { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { $0.isEmpty ? "" : "\u{1B}[\(code)m\($0)\(reset)" }.joined(separator: "\n")
    }
}
