// The page-table pages' invariants (PageTables/), part of `check()`.

extension Machine {
    /// Process `i`'s table pages: a top table exactly while it owns an address space; a leaf
    /// table above every entry in use; the tables above every table; and no table that no
    /// region overlaps (unmapping frees those).
    func checkTables(_ i: Int, _ problems: inout [String]) {
        let p = procs[i]
        let owns = p.state.isAlive && p.borrowsFrom == nil
        if owns != (p.tables.top != 0) {
            problems.append("process \(p.pid) \(owns ? "owns an address space but has no top page table" : "has a top page table but no address space")")
        }
        let levels = p.tables.levels
        guard !levels.isEmpty || p.tables.belowTop == 0 else { return }
        if !levels.isEmpty && levels.count != tableShifts.count {
            problems.append("process \(p.pid) has page tables at \(levels.count) levels below the top, the layout \(tableShifts.count)")
            return
        }
        guard let leafShift = tableShifts.last else { return }
        for record in p.regions {
            var k = 0
            let start = record.info.start
            while k < record.entries.count {
                let vpn = start + k
                let chunkEnd = min(((vpn >> leafShift) + 1) << leafShift, record.info.end) - start
                if record.entries[k..<chunkEnd].contains(where: { $0 != 0 }), levels.last?[vpn >> leafShift] == nil {
                    problems.append("process \(p.pid): page \(vpn) has an entry but no leaf page table")
                }
                k = chunkEnd
            }
        }
        for (d, shift) in tableShifts.enumerated() where d < levels.count {
            for key in levels[d].keys {
                let lo = key << shift, hi = (key + 1) << shift
                if d > 0, levels[d - 1][lo >> tableShifts[d - 1]] == nil {
                    problems.append("process \(p.pid): the level-\(d + 1) table over page \(lo) has no table above it")
                }
                if Machine.overlapsRegion(p.regions, lo, hi) == false {
                    problems.append("process \(p.pid): the level-\(d + 1) table over pages \(lo)..<\(hi) overlaps no region")
                }
            }
        }
    }

    /// Whether some region of `regions` overlaps [lo, hi).
    static func overlapsRegion(_ regions: OrderedTree<RegionRecord>, _ lo: Int, _ hi: Int) -> Bool {
        let r = regions.countBelow(hi) - 1      // last region starting before hi
        return r >= 0 && regions[r].info.end > lo
    }
}
