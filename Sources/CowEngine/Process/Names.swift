// Names of processes, files and regions end up in tables, event lines, `#>` transcripts and
// saved scripts, one per line: a newline, tab or escape inside one would break all of those
// (and could drive the student's terminal). So they are refused, as the kernel refuses a `/`
// in a file name.

extension Machine {
    /// Refuses a name holding a control character (newline, tab, escape...) or a bidirectional
    /// override that would make the text read differently from what it holds. `what` names the
    /// kind of name in the error ("a process name").
    static func checkPrintable(_ name: String, _ what: String) throws(EngineError) {
        if let problem = unprintableNameProblem(name, what) { throw EngineError.invalidArgument(problem) }
    }

    /// What is wrong with `name` (nil: nothing): the one rule and wording for names, used by the
    /// engine and by the language (which checks some names before they reach the engine, to put
    /// the caret under them).
    public static func unprintableNameProblem(_ name: String, _ what: String) -> String? {
        for scalar in name.unicodeScalars where Machine.isUnprintable(scalar) {
            let code = String(scalar.value, radix: 16, uppercase: true)
            return "\(what) cannot contain control characters such as a newline or a tab (found U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code))"
        }
        return nil
    }

    /// C0 and C1 controls, and the bidirectional embedding, override and isolate characters.
    static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
