#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text that came from a script (`echo`, `ask`, `hint`, strings quoted in errors, solution
/// sheets) made safe to show on a terminal. A homework file must not be able to set the window
/// title, clear the screen or reorder a line with a bidirectional override, so every character
/// that a terminal would obey instead of print is shown escaped, as `\u{1B}`.
///
/// This is the one place that decides what is escaped and how; everything that prints script
/// text calls `TerminalText.escaped(_:)`. It is idempotent (a backslash is left as it is), so
/// text escaped once may safely be passed through it again.
public enum TerminalText {
    /// `text` with control characters (C0 but tab and, if `keepingNewlines`, newline; DEL; C1)
    /// and bidirectional overrides and isolates written as `\u{HEX}`. Text without them is
    /// returned unchanged.
    public static func escaped(_ text: String, keepingNewlines: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingNewlines: keepingNewlines) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if needsEscape(scalar, keepingNewlines: keepingNewlines) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether `scalar` would drive a terminal rather than print.
    static func needsEscape(_ scalar: Unicode.Scalar, keepingNewlines: Bool) -> Bool {
        switch scalar.value {
        case 0x09: return false
        case 0x0A: return !keepingNewlines
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// The width in columns of the terminal open on `fd`, nil if it is not a terminal (or does
    /// not say).
    public static func width(of fd: Int32) -> Int? {
        guard isatty(fd) == 1 else { return nil }
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
