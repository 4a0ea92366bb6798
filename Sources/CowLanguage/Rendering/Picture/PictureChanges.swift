import CowEngine

extension Picture {
    /// What differs from an earlier picture: the entry runs whose pages now map other frames (or
    /// are new), and the frame runs holding a frame that no entry drawn mapped before or whose
    /// mapcount changed. `cowsim html` highlights them (new copies, moved arrows).
    public struct Changes: Sendable, Equatable {
        /// (column, index in the column's entries) of changed entry runs.
        public var entries: Set<EntryKey> = []
        /// Indices into `frames` of changed frame runs.
        public var frames: Set<Int> = []

        /// No change (the first picture of a lesson highlights nothing).
        public static let none = Changes()

        /// Whether nothing changed.
        public var isEmpty: Bool { entries.isEmpty && frames.isEmpty }
    }

    /// An entry run by its column and its index there.
    public struct EntryKey: Sendable, Hashable {
        public var column: Int
        public var index: Int
    }

    /// The most pages compared page by page (beyond that, runs are compared whole).
    static let changePageLimit = 1 << 16

    /// What changed since `earlier` (nil: nothing is highlighted).
    public func changes(since earlier: Picture?) -> Changes {
        guard let earlier else { return .none }
        // The frame each page of each process mapped before, and each frame's mapcount.
        var before: [PagePlace: Int] = [:]
        var budget = Self.changePageLimit
        for column in earlier.columns {
            for e in column.entries {
                let run = earlier.frames[e.frameRun]
                for k in 0..<min(e.pages, budget) {
                    before[PagePlace(pid: column.pid, vpn: e.firstPage + k)] = run.place(k)
                }
                budget -= min(e.pages, budget)
            }
        }
        var mapcounts: [Int: Int] = [:]
        for run in earlier.frames where run.kind != .zero {
            for k in 0..<min(run.count, Self.changePageLimit) { mapcounts[run.place(k)] = run.mapcount }
        }
        var result = Changes()
        for (c, column) in columns.enumerated() {
            for (index, e) in column.entries.enumerated() {
                let run = frames[e.frameRun]
                for k in 0..<min(e.pages, Self.changePageLimit) {
                    let now = run.place(k)
                    if before[PagePlace(pid: column.pid, vpn: e.firstPage + k)] != now {
                        result.entries.insert(EntryKey(column: c, index: index))
                        break
                    }
                }
            }
        }
        for (index, run) in frames.enumerated() where run.kind != .zero {
            for k in 0..<min(run.count, Self.changePageLimit) where mapcounts[run.place(k)] != run.mapcount {
                result.frames.insert(index)
                break
            }
        }
        return result
    }

    private struct PagePlace: Hashable {
        var pid: PID
        var vpn: Int
    }
}
