/// One value `random` or `choose` drew: solution sheets list them, so an instructor sees which
/// numbers a seed chose.
public struct Draw: Sendable, Equatable {
    /// The script it happened in.
    public var file: String
    /// Its line.
    public var line: Int
    /// The call as written: `random(4, 8)`.
    public var call: String
    /// What it drew.
    public var value: Value
    /// The variable a `let` stored it in (nil: used directly).
    public var variable: String?

    /// A draw from its parts.
    public init(file: String, line: Int, call: String, value: Value, variable: String? = nil) {
        self.file = file
        self.line = line
        self.call = call
        self.value = value
        self.variable = variable
    }
}

extension Interpreter {
    /// The most draws kept (a `random` inside a long `repeat` must not grow memory without bound).
    public static let maximumDraws = 1_000

    /// Notes a value `random` or `choose` drew (the call's source text is cut at 80 characters).
    func recordDraw(_ value: Value, call: Expr) {
        guard draws.count < Self.maximumDraws else { return }
        var text = currentFile.text(from: call.span.start, to: call.span.end)
        if text.count > 80 { text = String(text.prefix(77)) + "..." }
        // Shown in solution sheets: script text, escaped once here.
        var shown = value
        if case .text(let t) = value { shown = .text(TerminalText.escaped(t, keepingNewlines: false)) }
        draws.append(Draw(file: currentFile.name, line: call.span.line, call: TerminalText.escaped(text, keepingNewlines: false), value: shown))
    }

    /// Drops draws recorded after the first `count` (side-effect-free evaluation).
    func forgetDraws(after count: Int) {
        if draws.count > count { draws.removeSubrange(count...) }
    }
}
