import CowLanguage

/// How the executable configures the REPL (every field has a sensible default, so
/// `REPL.run()` alone is right for a student at a terminal).
public struct REPLOptions: Sendable {
    /// Shown in the banner.
    public var version: String
    /// nil: from `COWSIM_PROMPT`, else `.summary` (see `PromptStyle`).
    public var promptStyle: PromptStyle?
    /// `.auto`: colour only on a terminal and only without `NO_COLOR`.
    public var colour: ColourMode
    /// nil: `History.defaultPath` (XDG state directory).
    public var historyPath: String?

    /// Options with the defaults a student at a terminal wants; override what the flags set.
    public init(version: String = CowsimVersion.number, promptStyle: PromptStyle? = nil,
                colour: ColourMode = .auto, historyPath: String? = nil) {
        self.version = version
        self.promptStyle = promptStyle
        self.colour = colour
        self.historyPath = historyPath
    }
}
