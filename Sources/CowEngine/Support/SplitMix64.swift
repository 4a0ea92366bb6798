/// SplitMix64 (Steele, Lea, Flood 2014; the generator Java's SplittableRandom uses): a 64-bit
/// state advanced by a fixed odd constant and scrambled by two multiply-xorshift rounds. Tiny,
/// fast, and fully specified, so `--seed S` draws the same numbers on every machine and in
/// every version of cowsim. Never the system generator: homework must be reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
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
