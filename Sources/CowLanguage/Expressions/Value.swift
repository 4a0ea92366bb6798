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

/// SplitMix64 (Steele, Lea, Flood 2014; the generator Java's SplittableRandom uses): a 64-bit
/// state advanced by a fixed odd constant and scrambled by two multiply-xorshift rounds. Tiny,
/// fast, and fully specified, so `--seed S` draws the same numbers on every machine and in
/// every version of cowsim. Never the system generator: homework must be reproducible.
public struct SplitMix64: Sendable, Equatable {
    /// The current state (the seed at the start).
    public private(set) var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (bound > 0) without modulo bias: draws again while the
    /// draw falls in the incomplete last block of size `2^64 mod bound`.
    public mutating func next(below bound: UInt64) -> UInt64 {
        guard bound > 1 else { return 0 }
        let threshold = (0 &- bound) % bound   // 2^64 mod bound
        while true {
            let x = next()
            if x >= threshold { return x % bound }
        }
    }

    /// A uniform integer in `low...high` (low <= high; the full Int range works too).
    public mutating func next(in low: Int, _ high: Int) -> Int {
        let span = UInt64(bitPattern: Int64(high) &- Int64(low))
        if span == UInt64.max { return Int(Int64(bitPattern: next())) }
        let offset = next(below: span &+ 1)
        return Int(Int64(bitPattern: UInt64(bitPattern: Int64(low)) &+ offset))
    }
}
