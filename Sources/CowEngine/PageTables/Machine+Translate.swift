// Address translation as the MMU does it, and the page-table tree (issue 13): both only read
// the machine (no accessed bit set, nothing allocated).

/// One table page in the tree of `dump P tables`.
public struct PageTableNode: Equatable, Sendable {
    /// The table page.
    public var page: PageTablePage
    /// Its index in the table above it (nil for the top table).
    public var indexInParent: Int?
    /// Entries in use: tables below it (upper levels) or non-empty entries (last level:
    /// present, or naming a swap slot).
    public var inUse: Int
    /// The lowest and highest index in use (nil when none is).
    public var usedIndexes: ClosedRange<Int>?
    /// On-demand fork: the other processes that share this last-level table (empty when none does).
    public var sharedWith: [PID] = []
}

/// One level of a walk: which table, which index, what the entry holds.
public struct WalkStep: Equatable, Sendable {
    /// Level from the top.
    public var level: Int
    /// Id of the table read at this level.
    public var table: Int
    /// Index of the entry read.
    public var index: Int
    /// Id of the table the entry points to (upper levels); nil: the entry is empty (or this is
    /// the last level).
    public var next: Int?
}

/// What translating an address finds (`translate P ADDR`).
public struct Translation: Equatable, Sendable {
    /// The virtual page and the offset in it.
    public var vpn: Int
    public var offset: Int
    /// The levels read, top first; the walk stops at the first empty entry.
    public var steps: [WalkStep]
    /// The region holding the page, nil if none.
    public var region: Region?
    /// The last-level entry, when the walk got there and the entry is present.
    public var entry: PageTableEntry?
    /// The swap slot named by the last-level entry, if it names one.
    public var swapSlot: Int?
    /// Mapcount of the frame the entry maps (0 for the zero page or none).
    public var mapcount: Int
    /// On-demand fork: the last-level table is shared with other processes (write-protected
    /// one level up), so a write, or a fault filling the entry, copies it first.
    public var sharedLeaf = false
}

extension Machine {
    /// Walks the page tables of `pid` for page `vpn` (changing nothing). The process must be
    /// alive; a vfork child walks its parent's tables.
    public func translate(_ pid: PID, vpn: Int) throws(EngineError) -> Translation {
        try validateVPN(vpn)
        if hasUncountedShares { return try settled().translate(pid, vpn: vpn) }     // on-demand fork
        let i = try processIndex(pid)
        guard procs[i].state.isAlive else { throw EngineError.processNotRunning(pid, procs[i].state) }
        let space = spaceIndex(i)
        let tables = procs[space].tables
        var t = Translation(vpn: vpn, offset: 0, steps: [], region: nil, entry: nil, swapSlot: nil, mapcount: 0)
        let r = regionIndex(space, vpn)
        t.region = r.map { procs[space].regions[$0].info }
        var table = tables.top
        var reachedLeaf = true
        for level in 0..<tableLayout.levels {
            var step = WalkStep(level: level, table: table, index: tableLayout.index(vpn, level: level), next: nil)
            if level + 1 < tableLayout.levels {
                let d = level
                step.next = d < tables.levels.count ? tables.levels[d][vpn >> tableShifts[d]] : nil
                t.steps.append(step)
                guard let next = step.next else { reachedLeaf = false; break }
                table = next
            } else {
                t.steps.append(step)
            }
        }
        guard reachedLeaf, let r else { return t }
        t.sharedLeaf = sharedLeafID(space, vpn) != nil
        let e = procs[space].regions[r].entries[vpn - procs[space].regions[r].info.start]
        if Packed.isPresent(e) {
            t.entry = Packed.unpack(e)
            let f = Packed.frame(e)
            t.mapcount = f == frames.zeroFrame ? 0 : Int(frames.mapcount[f])
        } else if Packed.isSwap(e) {
            t.swapSlot = Packed.slot(e)
        }
        return t
    }

    /// The table pages of `pid` (its own, or the lent ones of a vfork child's parent) as a tree
    /// in walk order: each table followed by the tables below it, in address order.
    public func pageTableTree(of pid: PID) -> [PageTableNode] {
        guard pid >= 1, pid <= procs.count else { return [] }
        let space = spaceIndex(pid - 1)
        var list = pageTablePagesList(of: space + 1)
        list.sort { ($0.pages.lowerBound, $0.level) < ($1.pages.lowerBound, $1.level) }
        let levels = procs[space].tables.levels
        let last = tableLayout.levels - 1
        return list.map { page in
            var node = PageTableNode(page: page, indexInParent: nil, inUse: 0, usedIndexes: nil)
            if page.level > 0 { node.indexInParent = tableLayout.index(page.pages.lowerBound, level: page.level - 1) }
            var lo = Int.max, hi = Int.min
            func use(_ index: Int) {
                node.inUse += 1
                lo = min(lo, index)
                hi = max(hi, index)
            }
            if page.level < last {
                let d = page.level      // tables one level down are levels[d]
                let shift = tableShifts[d]
                if d < levels.count {
                    for key in tableKeys(levels[d], shift: shift, page.pages.lowerBound, page.pages.upperBound) {
                        use(tableLayout.index(key << shift, level: page.level))
                    }
                }
            } else {
                for r in regionsOverlapping(space, page.pages.lowerBound, page.pages.upperBound) {
                    let record = procs[space].regions[r]
                    let from = max(record.info.start, page.pages.lowerBound), to = min(record.info.end, page.pages.upperBound)
                    for v in from..<to where record.entries[v - record.info.start] != 0 { use(v - page.pages.lowerBound) }
                }
            }
            if node.inUse > 0 { node.usedIndexes = lo...hi }
            if page.level == last, let shift = tableShifts.last, let id = levels.last?[page.pages.lowerBound >> shift],
               sharedLeaves[id] != nil {
                node.sharedWith = sharers(of: id, key: page.pages.lowerBound >> shift).filter { $0 != space }.map { $0 + 1 }
            }
            return node
        }
    }
}
