import CowEngine

/// The value of an expression: an exact rational number, a truth value, `none` (for example the
/// frame of an unmapped page), or text.
public enum Value: Equatable, Sendable, CustomStringConvertible {
    case number(Rational)
    case boolean(Bool)
    case none
    case text(String)

    /// How `echo` and diagnostics print it: `64/3`, `true`, `none`, text as is.
    public var description: String {
        switch self {
        case .number(let r): return r.description
        case .boolean(let b): return b ? "true" : "false"
        case .none: return "none"
        case .text(let t): return t
        }
    }

    /// A name for the kind of value, for "expected a number, found a true/false value".
    var kindName: String {
        switch self {
        case .number: return "a number"
        case .boolean: return "a true/false value"
        case .none: return "none"
        case .text: return "text"
        }
    }

    /// The number, if this value is one.
    public var rational: Rational? {
        if case .number(let r) = self { return r }
        return nil
    }
}

