/// A proportional figure as Linux keeps it (conformance rule 8): a sum of `(pageSize << 12) / count`
/// terms (integer division per term), kept both in all and VMA by VMA, because smaps shifts each
/// VMA's sum on its own (`smapsKiB`) while smaps_rollup adds first and shifts once (`rollupKiB`).
/// Pss and SwapPss are both kept this way. Sums saturate at `Int.max`.
public struct FixedPointSum: Equatable, Sendable {
    /// The sum over every part added, in bytes << 12.
    public var total: Int
    /// The sum of each VMA added, in address order (empty: `total` is one VMA).
    public var perVMA: [Int]

    /// A sum of `total`, as one VMA.
    public init(_ total: Int = 0) {
        self.total = total
        self.perVMA = []
    }

    /// Adds a part's sum; `sameVMAAsLast` when it continues the last part added as one VMA (the
    /// kernel merged them back), so smaps shifts the two together.
    public mutating func add(_ part: FixedPointSum, sameVMAAsLast: Bool) {
        total = Self.saturating(total, part.total)
        if sameVMAAsLast, let last = perVMA.popLast() {
            perVMA.append(Self.saturating(last, part.total))
        } else {
            perVMA.append(part.total)
        }
    }

    /// In kB as `/proc/PID/smaps` prints it: each VMA's sum shifted right by 22 (12 bits of
    /// fraction, bytes to kB), then the VMAs' kB added.
    public var smapsKiB: Int {
        if perVMA.isEmpty { return total >> 22 }
        return perVMA.reduce(0) { $0 &+ ($1 >> 22) }
    }

    /// In kB as `/proc/PID/smaps_rollup` prints it: all VMAs added first, shifted once.
    public var rollupKiB: Int { total >> 22 }

    private static func saturating(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }
}
