import CowEngine

/// One piece of a command's syntax, as the command table declares it. From these patterns come
/// the usage lines (`help`, the "usage:" note of a syntax error, Grammar.md) and Tab completion;
/// `CommandTableTests` checks that the parser accepts every form a pattern describes.
public indirect enum Syntax: Sendable {
    /// A keyword typed as is (`as`, `pages`); `aliases` are accepted spellings that are not shown.
    case word(String, aliases: [String] = [])
    /// One keyword of several (`normal|dontfork|wipeonfork`). `what` names it in "expected ..."
    /// errors (`advice`); nil: the words themselves (`` `on` or `off` ``).
    case choice([String], what: String? = nil)
    /// A symbol (`=`, `..`).
    case symbol(String)
    /// An argument of a kind, shown as `placeholder` (`P`, `RANGE`, `NAME`). `what` names it in
    /// "expected ..." errors (`a library name`); nil: the kind's own words (`ArgumentKind.what`).
    case argument(ArgumentKind, String, what: String? = nil)
    /// `[ ... ]`: may be left out.
    case optional([Syntax])
    /// `( a | b )`: one of several sequences.
    case alternatives([[Syntax]])
    /// Clauses that come in any order, each at most once (`map`'s `[PERMS] [shared] [as NAME]`).
    case clauses([[Syntax]])

    /// The pattern as a usage fragment: `P anon RANGE [PERMS] [shared] [as NAME]`.
    static func render(_ pattern: [Syntax]) -> String {
        pattern.map(\.rendered).joined(separator: " ")
    }

    /// Whether a typed word (strings as `"..."`) can be this piece: a keyword or choice is that
    /// word, a string argument a string; an optional piece, what its first piece accepts. (For
    /// Tab completion's skipping of prefixes; other arguments accept any word.)
    func accepts(_ typed: String) -> Bool {
        switch self {
        case .word(let w, let aliases): return typed == w || aliases.contains(typed)
        case .choice(let words, _): return words.contains(typed)
        case .symbol(let s): return typed == s
        case .argument(.string, _, _), .argument(.strings, _, _): return typed.hasPrefix("\"")
        case .argument: return true
        case .optional(let inner): return inner.first?.accepts(typed) ?? false
        case .alternatives(let options): return options.contains { $0.first?.accepts(typed) ?? false }
        case .clauses(let clauses): return clauses.contains { $0.first?.accepts(typed) ?? false }
        }
    }

    /// Every keyword a pattern names (words and choices, also inside optional pieces,
    /// alternatives and clauses): the candidates of a "did you mean" note.
    static func keywords(_ pattern: [Syntax]) -> [String] {
        pattern.flatMap { piece -> [String] in
            switch piece {
            case .word(let w, _): return [w]
            case .choice(let words, _): return words
            case .symbol, .argument: return []
            case .optional(let inner): return keywords(inner)
            case .alternatives(let options), .clauses(let options): return options.flatMap(keywords)
            }
        }
    }

    var rendered: String {
        switch self {
        case .word(let w, _): return w
        case .choice(let words, _): return words.joined(separator: "|")
        case .symbol(let s): return s
        case .argument(_, let placeholder, _): return placeholder
        case .optional(let inner): return "[\(Syntax.render(inner))]"
        case .alternatives(let options):
            let shown = options.map { Syntax.render($0) }.joined(separator: " | ")
            return options.allSatisfy({ $0.count == 1 }) ? shown.replacing(" | ", with: "|") : "(\(shown))"
        case .clauses(let clauses): return clauses.map { "[\(Syntax.render($0))]" }.joined(separator: " ")
        }
    }
}

/// What an argument position holds: it decides what Tab offers there (and how a pattern is
/// matched against typed words).
public enum ArgumentKind: Sendable, Equatable {
    /// A live process, by name or pid.
    case process
    /// A range of pages that is (or should be) mapped in the command's process: `ADDR`,
    /// `ADDR pages N` or `ADDR..END`. Tab offers the process's region start addresses.
    case mappedRange
    /// A range for a new mapping. Tab offers variables and constants.
    case newRange
    /// An address for a new mapping (`map-library`).
    case newAddress
    /// A number position (an operand: number, variable, call, `(expr)`).
    case number
    /// Operands separated by commas (`trace`'s reference string: `1,2,3`).
    case numbers
    /// A whole expression to the end of the command.
    case expression
    /// A name for something new (process, region, file, variable): nothing to offer.
    case newName
    /// An existing file or library.
    case file
    /// An existing library.
    case library
    /// Permissions: `r`, `rw`, `rx`, `rwx`, `none` (and `w`, `wx`, `x`).
    case permissions
    /// A behaviour switch (`set SWITCH on|off`).
    case behaviourSwitch
    /// A string in quotes.
    case string
    /// Two or more strings in quotes (`choices "A" "B" ...`).
    case strings
    /// A file path (a string, or raw text to the end of the command).
    case path
    /// A help topic: a command name or `functions`.
    case topic
    /// A command (after `quiet`, `show`, `expect-error`).
    case command
    /// The block's commands up to `end`.
    case block
}
