import CowLanguage
/// A unified diff (`diff -u` format) of a file and a version of it where some line ranges were
/// replaced. Transcript checks replace only `#>` ranges, so the diff is built from those edits
/// (an exact LCS inside each range) instead of diffing whole files: a million-line script with
/// one wrong transcript line costs one small comparison.
public enum UnifiedDiff {
    /// Lines `start ..< start + old.count` (0-based) of a file replaced by `new`.
    public struct Edit: Equatable, Sendable {
        /// First replaced line, 0-based.
        public var start: Int
        /// The lines there now.
        public var old: [String]
        /// The lines that should be there.
        public var new: [String]
        /// An edit from its parts.
        public init(start: Int, old: [String], new: [String]) {
            self.start = start
            self.old = old
            self.new = new
        }
    }

    enum Kind { case equal, delete, insert }

    /// A run of lines of one kind: `count` lines from `oldStart` (old file) / `newStart` (new).
    struct Run {
        var kind: Kind
        var oldStart: Int
        var newStart: Int
        var count: Int
    }

    /// The diff text, without a trailing newline on the last line; empty when nothing changes.
    /// `oldLines` is the whole old file; edits must be sorted and must not overlap.
    public static func lines(old oldLines: [String], edits: [Edit], oldName: String, newName: String, context: Int = 3) -> [String] {
        var newLines: [String] = []
        let runs = self.runs(oldCount: oldLines.count, edits: edits, newLines: &newLines, oldLines: oldLines)
        let hunks = self.hunks(runs, context: context)
        guard !hunks.isEmpty else { return [] }
        var out = ["--- \(oldName)", "+++ \(newName)"]
        for hunk in hunks {
            let oldCount = hunk.reduce(0) { $0 + ($1.kind == .insert ? 0 : $1.count) }
            let newCount = hunk.reduce(0) { $0 + ($1.kind == .delete ? 0 : $1.count) }
            let oldStart = hunk.first?.oldStart ?? 0
            let newStart = hunk.first?.newStart ?? 0
            out.append("@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@")
            for run in hunk {
                for k in 0..<run.count {
                    switch run.kind {
                    case .equal: out.append(" " + oldLines[run.oldStart + k])
                    case .delete: out.append("-" + oldLines[run.oldStart + k])
                    case .insert: out.append("+" + newLines[run.newStart + k])
                    }
                }
            }
        }
        return out
    }

    /// `start,count` as GNU diff prints it: 1-based, `,1` left out, an empty range names the
    /// line before it.
    static func range(_ start: Int, _ count: Int) -> String {
        switch count {
        case 0: return "\(start),0"
        case 1: return "\(start + 1)"
        default: return "\(start + 1),\(count)"
        }
    }

    /// The whole file as runs; `newLines` receives the new file's lines.
    static func runs(oldCount: Int, edits: [Edit], newLines: inout [String], oldLines: [String]) -> [Run] {
        var runs: [Run] = []
        var oldAt = 0
        func append(_ kind: Kind, _ count: Int, _ oldStart: Int, _ newStart: Int) {
            guard count > 0 else { return }
            if let last = runs.last, last.kind == kind,
               last.oldStart + (kind == .insert ? 0 : last.count) == oldStart,
               last.newStart + (kind == .delete ? 0 : last.count) == newStart {
                runs[runs.count - 1].count += count
            } else {
                runs.append(Run(kind: kind, oldStart: oldStart, newStart: newStart, count: count))
            }
        }
        for edit in edits where edit.start >= oldAt && edit.start + edit.old.count <= oldCount {
            let gap = edit.start - oldAt
            append(.equal, gap, oldAt, newLines.count)
            newLines += oldLines[oldAt..<edit.start]
            oldAt = edit.start
            for op in lcsOperations(edit.old, edit.new) {
                switch op {
                case .equal:
                    append(.equal, 1, oldAt, newLines.count)
                    newLines.append(oldLines[oldAt])
                    oldAt += 1
                case .delete:
                    append(.delete, 1, oldAt, newLines.count)
                    oldAt += 1
                case .insert(let text):
                    append(.insert, 1, oldAt, newLines.count)
                    newLines.append(text)
                }
            }
        }
        append(.equal, oldCount - oldAt, oldAt, newLines.count)
        newLines += oldLines[oldAt..<oldCount]
        return runs
    }

    enum Operation: Equatable {
        case equal, delete, insert(String)
    }

    /// The edit script turning `a` into `b` with the most lines kept (longest common
    /// subsequence); deletions come before insertions at each change, as `diff` prints them.
    /// Large ranges fall back to "delete all, insert all".
    static func lcsOperations(_ a: [String], _ b: [String]) -> [Operation] {
        let n = a.count, m = b.count
        guard n > 0, m > 0, n * m <= 250_000 else {
            return Array(repeating: .delete, count: n) + b.map { .insert($0) }
        }
        // table[i][j]: LCS length of a[i...] and b[j...].
        var table = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var ops: [Operation] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                ops.append(.equal)
                i += 1
                j += 1
            } else if j >= m || (i < n && table[i + 1][j] >= table[i][j + 1]) {
                ops.append(.delete)
                i += 1
            } else {
                ops.append(.insert(b[j]))
                j += 1
            }
        }
        return ops
    }

    /// Groups changes into hunks with `context` equal lines around them; changes closer than
    /// twice the context share a hunk.
    static func hunks(_ runs: [Run], context: Int) -> [[Run]] {
        let changes = runs.indices.filter { runs[$0].kind != .equal }
        guard let firstChange = changes.first else { return [] }
        var groups: [(Int, Int)] = []
        var groupStart = firstChange, groupEnd = firstChange
        for index in changes.dropFirst() {
            let between = runs[(groupEnd + 1)..<index].reduce(0) { $0 + ($1.kind == .equal ? $1.count : 0) }
            if between <= 2 * context {
                groupEnd = index
            } else {
                groups.append((groupStart, groupEnd))
                groupStart = index
                groupEnd = index
            }
        }
        groups.append((groupStart, groupEnd))
        return groups.map { (start, end) in
            var hunk: [Run] = []
            if start > 0, runs[start - 1].kind == .equal {
                let run = runs[start - 1]
                let take = min(context, run.count)
                hunk.append(Run(kind: .equal, oldStart: run.oldStart + run.count - take, newStart: run.newStart + run.count - take, count: take))
            }
            hunk += runs[start...end]
            if end + 1 < runs.count, runs[end + 1].kind == .equal {
                let run = runs[end + 1]
                hunk.append(Run(kind: .equal, oldStart: run.oldStart, newStart: run.newStart, count: min(context, run.count)))
            }
            return hunk.filter { $0.count > 0 }
        }
    }
}
