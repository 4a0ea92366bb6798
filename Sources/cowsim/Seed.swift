import ArgumentParser

/// `--seed N`: a whole number from 0 to 2^64 - 1. Read as an argument even when it starts with
/// `-`, so `--seed -1` is told what is wrong instead of "missing value" and "unknown option".
struct Seed: ExpressibleByArgument, Sendable {
    var value: UInt64

    init(_ value: UInt64) { self.value = value }

    init?(argument: String) {
        guard let v = try? Seed.parse(argument) else { return nil }
        self = v
    }

    static let range = "a whole number from 0 to \(UInt64.max)"

    /// The seed `text` stands for, or a message saying what a seed is.
    static func parse(_ text: String) throws -> Seed {
        let digits = text.filter { $0 != "_" }
        if let v = UInt64(digits) { return Seed(v) }
        if digits.hasPrefix("-"), digits.dropFirst().allSatisfy(\.isNumber), digits.count > 1 {
            throw ValidationError("a seed cannot be negative: use \(range)")
        }
        if !digits.isEmpty, digits.allSatisfy(\.isNumber) { throw ValidationError("the seed is too large: use \(range)") }
        throw ValidationError("`\(text.count > 40 ? String(text.prefix(40)) + "..." : text)` is not a seed: use \(range)")
    }
}
