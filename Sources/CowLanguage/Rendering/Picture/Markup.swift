/// Text for HTML and XML documents (the lesson page, SVG pictures, JUnit reports).
public enum Markup {
    /// Text as character data or an attribute value: control characters and escape sequences
    /// made visible first (`TerminalText.escaped`; newlines kept when `keepingNewlines`, as HTML
    /// `<pre>`/`<code>` shows them; XML 1.0 forbids the other controls), then `&`, `<`, `>`, `"`
    /// and `'` as entities; the noncharacters U+FFFE and U+FFFF, which XML 1.0 forbids too, as
    /// `\u{FFFE}`. With `breaksAsReferences`, newlines and tabs become `&#10;` and `&#9;`, so an
    /// attribute value keeps them (a parser turns literal ones into spaces).
    public static func escaped(_ text: String, keepingNewlines: Bool, breaksAsReferences: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        for scalar in TerminalText.escaped(text, keepingNewlines: keepingNewlines).unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            case "\n" where breaksAsReferences: out.append(contentsOf: "&#10;".unicodeScalars)
            case "\t" where breaksAsReferences: out.append(contentsOf: "&#9;".unicodeScalars)
            case "\u{FFFE}", "\u{FFFF}": out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
