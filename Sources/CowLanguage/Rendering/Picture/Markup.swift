/// Text for HTML and SVG (XML) documents.
enum Markup {
    /// Text as character data or an attribute value: control characters and escape sequences
    /// made visible first (`TerminalText.escaped`; newlines kept when `keepingNewlines`, as HTML
    /// `<pre>`/`<code>` shows them; XML 1.0 forbids the other controls), then `&`, `<`, `>`, `"`
    /// and `'` as entities.
    static func escaped(_ text: String, keepingNewlines: Bool) -> String {
        var out = ""
        for ch in TerminalText.escaped(text, keepingNewlines: keepingNewlines) {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
