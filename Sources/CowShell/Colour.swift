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
            return ColourPolicy.colours(isTerminal: stdoutIsTerminal, environment: { environment[$0] })
        }
    }
}
