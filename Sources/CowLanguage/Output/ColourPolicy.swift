/// The one rule for automatic colour, for scripts and the REPL alike: colour only a terminal,
/// never when `NO_COLOR` is set to a non-empty string (https://no-color.org: an empty value
/// means not set), never when `TERM=dumb`.
public enum ColourPolicy {
    /// Whether output to a terminal (`isTerminal`) may be coloured, given the environment.
    public static func colours(isTerminal: Bool, environment: (String) -> String?) -> Bool {
        guard isTerminal else { return false }
        if let noColour = environment("NO_COLOR"), !noColour.isEmpty { return false }
        return environment("TERM") != "dumb"
    }
}
