/// How the prompt looks. The summary form shows the machine at a glance; the plain form is for
/// screenshots, screen readers and tests that want a fixed prompt.
///
/// Three switches, latest wins: `REPLOptions.promptStyle` (the executable may map a
/// `--plain-prompt` flag onto it), else the environment variable `COWSIM_PROMPT` (`plain`/`off`
/// or `summary`/`on`), else `.summary`; then, while the REPL runs, the language command
/// `set prompt off|on` (the host's `promptShowsState`).
public enum PromptStyle: String, Sendable, CaseIterable {
    /// `cowsim[3 procs, 41/64 frames]> `
    case summary
    /// `cowsim> `
    case plain

    /// The style named by `COWSIM_PROMPT`, or nil when it is unset or not understood.
    public static func fromEnvironment(_ environment: [String: String]) -> PromptStyle? {
        guard let value = environment["COWSIM_PROMPT"]?.lowercased() else { return nil }
        switch value {
        case "plain", "off", "none", "0", "no": return .plain
        case "summary", "full", "on", "1", "yes": return .summary
        default: return nil
        }
    }

    /// The prompt text for a machine summary such as "3 procs, 41/64 frames".
    public func text(summary: String) -> String {
        switch self {
        case .plain:
            return "cowsim> "
        case .summary:
            let trimmed = summary.trimmingWhitespace()
            return trimmed.isEmpty ? "cowsim> " : "cowsim[\(trimmed)]> "
        }
    }

    /// The prompt for the second and later lines of an unfinished block (`repeat` ... `end`).
    public static let continuation = "   ...> "
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines (no Foundation needed).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
