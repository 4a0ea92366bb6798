/// An exact fraction, so Pss stays 64/3 instead of drifting to 21.333. Always normalised
/// (denominator > 0, gcd 1); arithmetic is checked and returns nil on overflow instead of trapping.
public struct Rational: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Carries the sign.
    public let numerator: Int
    /// Always positive.
    public let denominator: Int

    /// n/d normalised; nil if d == 0 or the sign cannot be normalised without overflow.
    public init?(_ n: Int, _ d: Int) {
        guard d != 0 else { return nil }
        var n = n, d = d
        if d < 0 {
            guard n != .min, d != .min else { return nil }
            n = -n
            d = -d
        }
        let g = Rational.gcd(n.magnitude, UInt(d))
        numerator = n / Int(g)
        denominator = d / Int(g)
    }

    /// The whole number n.
    public init(_ n: Int) {
        numerator = n
        denominator = 1
    }

    /// 0.
    public static let zero = Rational(0)

    static func gcd(_ a: UInt, _ b: UInt) -> UInt {
        var a = a, b = b
        while b != 0 { (a, b) = (b, a % b) }
        return a == 0 ? 1 : a
    }

    /// self + other, nil on overflow.
    public func adding(_ other: Rational) -> Rational? {
        let g = Int(Rational.gcd(UInt(denominator), UInt(other.denominator)))
        let (a, o1) = numerator.multipliedReportingOverflow(by: other.denominator / g)
        let (b, o2) = other.numerator.multipliedReportingOverflow(by: denominator / g)
        let (n, o3) = a.addingReportingOverflow(b)
        let (d, o4) = denominator.multipliedReportingOverflow(by: other.denominator / g)
        guard !(o1 || o2 || o3 || o4) else { return nil }
        return Rational(n, d)
    }

    /// self - other, nil on overflow.
    public func subtracting(_ other: Rational) -> Rational? {
        guard other.numerator != .min else {
            // -(-2^63/d) has no Int numerator; add it in two parts (2^63 - 1)/d + 1/d, so that
            // -1 - (-2^63) is 2^63 - 1 rather than an overflow.
            guard let most = Rational(.max, other.denominator) else { return nil }
            return adding(most)?.adding(Rational(unchecked: 1, other.denominator))
        }
        return adding(Rational(unchecked: -other.numerator, other.denominator))
    }

    /// self × other, nil on overflow.
    public func multiplied(by other: Rational) -> Rational? {
        let g1 = Int(Rational.gcd(numerator.magnitude, UInt(other.denominator)))
        let g2 = Int(Rational.gcd(other.numerator.magnitude, UInt(denominator)))
        let (n, o1) = (numerator / g1).multipliedReportingOverflow(by: other.numerator / g2)
        let (d, o2) = (denominator / g2).multipliedReportingOverflow(by: other.denominator / g1)
        guard !(o1 || o2) else { return nil }
        return Rational(n, d)
    }

    /// self ÷ other, nil on overflow or division by zero.
    /// Worked on magnitudes, so that a divisor of -2^63 (whose reciprocal has no Int
    /// denominator) still divides: m / m is 1.
    public func divided(by other: Rational) -> Rational? {
        guard other.numerator != 0 else { return nil }
        // (a/b) / (c/d) = (a/g1 · d/g2) / (b/g2 · c/g1), with g1 = gcd(a, c), g2 = gcd(b, d):
        // already in lowest terms, since a/b and c/d are.
        let g1 = Rational.gcd(numerator.magnitude, other.numerator.magnitude)
        let g2 = Rational.gcd(UInt(denominator), UInt(other.denominator))
        let (n, o1) = (numerator.magnitude / g1).multipliedReportingOverflow(by: UInt(other.denominator) / g2)
        let (d, o2) = (UInt(denominator) / g2).multipliedReportingOverflow(by: other.numerator.magnitude / g1)
        let negative = (numerator < 0) != (other.numerator < 0)
        guard !(o1 || o2), d <= UInt(Int.max), n <= (negative ? UInt(Int.max) + 1 : UInt(Int.max)) else { return nil }
        return Rational(unchecked: negative ? Int(truncatingIfNeeded: 0 &- n) : Int(n), Int(d))
    }

    /// The integer part, rounded toward zero.
    public func truncated() -> Int { numerator / denominator }

    /// Approximate value, for display with decimals.
    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    /// "64/3", "32", "-1/2".
    public var description: String {
        denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
    }

    /// Exact order, without overflow.
    public static func < (a: Rational, b: Rational) -> Bool {
        // Compare a.n * b.d with b.n * a.d in double width: never overflows.
        let left = a.numerator.multipliedFullWidth(by: b.denominator)
        let right = b.numerator.multipliedFullWidth(by: a.denominator)
        return left.high != right.high ? left.high < right.high : left.low < right.low
    }

    /// Already normalised parts (sign flip of a normalised value).
    private init(unchecked n: Int, _ d: Int) {
        numerator = n
        denominator = d
    }

    /// The fraction with denominator 10^6 nearest to `value`, for the rare sum whose exact
    /// denominator would overflow; zero for a value too large to represent.
    public init(approximating value: Double) {
        let scaled = (value * 1_000_000).rounded()
        guard scaled.magnitude < 9.0e18, let r = Rational(Int(scaled), 1_000_000) else {
            self = .zero
            return
        }
        self = r
    }
}
