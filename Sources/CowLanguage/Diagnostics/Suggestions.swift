/// "Did you mean ...?": the known word nearest to a misspelt one.
public enum Suggestions {
    /// Edit distance (insertions, deletions, substitutions, and adjacent swaps counting as one edit,
    /// as in Damerau's optimal string alignment, since `frok` is one slip from `fork`); case ignored.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        if x.count > 64 || y.count > 64 { return max(x.count, y.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }

    /// The candidate nearest to `word`, if it is close enough to be a plausible slip (at most 2
    /// edits, fewer than half the word's length, and fewer than either word's length, so that
    /// one-letter names are never suggested for unrelated one-letter slips); ties go to the earliest candidate. None when
    /// the word is itself a candidate: it is spelt right, only misplaced, and "found `rw`; did
    /// you mean `r`?" would mislead. (The same word in other letter case is suggested: `Fork`.)
    public static func nearest(to word: String, in candidates: [String]) -> String? {
        guard !candidates.contains(word) else { return nil }
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(word, candidate)
            let limit = min(2, max(1, (max(word.count, candidate.count) + 1) / 3))
            // A one-letter word (or name) shares nothing with another one-letter word it is
            // one edit from: `c` is not a slip for `a`.
            guard d <= limit, d < word.count, d < candidate.count else { continue }
            if best == nil || d < best?.1 ?? Int.max { best = (candidate, d) }
        }
        return best?.0
    }
}
