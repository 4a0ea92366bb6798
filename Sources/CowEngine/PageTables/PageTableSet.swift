// Page-table pages as memory (issue 13, conformance rule 19). The entries themselves stay in the
// regions' packed arrays (so fork is still a buffer copy); what is kept here is which table
// pages an address space has, per level, the way Linux allocates and frees them:
// - a fault allocates the tables above the faulting page, top-down, where missing (Linux's
//   __handle_mm_fault: pud_alloc, pmd_alloc, pte_alloc), before it allocates the page;
// - MADV_DONTNEED, reclaim and truncate drop entries but keep their tables;
// - unmapping (munmap, mremap's source, exit, exec) frees the tables that no region overlaps any
//   more (Linux's free_pgtables); a table still overlapped by a region stays, even empty;
// - fork gives the child, per level, the parent's tables that overlap a region fork copies
//   (copy_page_range skips regions fork leaves out: rules 2 and 11).
// The cost stays small: one dictionary entry per table page (one per 512 entries with x86_64),
// and a fault in the same leaf table as the previous one looks nothing up.

/// The table pages of one address space.
struct PageTableSet: Sendable {
    /// Id of the top table (PGD); 0 when the process has no address space of its own.
    var top = 0
    /// Tables below the top, per level (index 0 = level 1): key (`vpn >> shift`) -> table id.
    var levels: [[Int: Int]] = []
    /// Key of a leaf table known to exist (faults in it skip the lookups); -1: none.
    var lastLeaf = -1

    /// Table pages below the top (what `VmPTE` counts).
    var belowTop: Int { levels.reduce(0) { $0 + $1.count } }
}

/// One table page, for `dump P tables` and tests.
public struct PageTablePage: Equatable, Sendable {
    /// Level from the top (0 = the top table).
    public var level: Int
    /// Its key: the first page it covers is `key << shift(level)`.
    public var key: Int
    /// Its id (machine-wide, in order of allocation).
    public var id: Int
    /// The virtual pages it covers.
    public var pages: Range<Int>
}

extension Machine {
    /// Allocates the tables above page `vpn` of address space `space` where missing, top-down.
    /// Called by every fault before it maps anything.
    @inline(__always) mutating func ensureTables(_ space: Int, _ vpn: Int) {
        guard let leafShift = tableShifts.last else { return }
        if procs[space].tables.lastLeaf == vpn >> leafShift { return }
        allocateTables(space, vpn)
    }

    /// The slow part of `ensureTables`: the lookups, level by level.
    mutating func allocateTables(_ space: Int, _ vpn: Int) {
        if procs[space].tables.levels.count != tableShifts.count {
            procs[space].tables.levels = Array(repeating: [:], count: tableShifts.count)
        }
        for (d, shift) in tableShifts.enumerated() where procs[space].tables.levels[d][vpn >> shift] == nil {
            tableSerial += 1
            procs[space].tables.levels[d][vpn >> shift] = tableSerial
        }
        procs[space].tables.lastLeaf = vpn >> (tableShifts.last ?? 0)
    }

    /// Gives address space `space` a fresh top table (spawn, fork, exec).
    mutating func newTopTable(_ space: Int) {
        tableSerial += 1
        procs[space].tables = PageTableSet(top: tableSerial, levels: Array(repeating: [:], count: tableShifts.count))
    }

    /// Keys at `level` (index `d` below the top) of the existing tables overlapping [lo, hi), in
    /// increasing order: by walking the keys the range covers, or the existing ones, whichever
    /// is fewer.
    func tableKeys(_ tables: [Int: Int], shift: Int, _ lo: Int, _ hi: Int) -> [Int] {
        guard lo < hi, !tables.isEmpty else { return [] }
        let first = lo >> shift, last = (hi - 1) >> shift
        if last - first + 1 <= tables.count {
            return (first...last).filter { tables[$0] != nil }
        }
        return tables.keys.filter { $0 >= first && $0 <= last }.sorted()
    }

    /// Frees the tables of `space` overlapping the ranges `spans` that no region overlaps any
    /// more (free_pgtables), after the regions there were removed.
    mutating func releaseTables(_ space: Int, spans: [Range<Int>]) {
        procs[space].tables.lastLeaf = -1
        guard !procs[space].regions.isEmpty else {
            for d in procs[space].tables.levels.indices { procs[space].tables.levels[d].removeAll() }
            return
        }
        for (d, shift) in tableShifts.enumerated() where d < procs[space].tables.levels.count {
            for span in spans {
                for key in tableKeys(procs[space].tables.levels[d], shift: shift, span.lowerBound, span.upperBound)
                where firstOverlap(space, key << shift, (key + 1) << shift) == nil {
                    procs[space].tables.levels[d][key] = nil
                }
            }
        }
    }

    /// The child's tables after fork: per level, the parent's tables overlapping `copied` (the
    /// ranges of the regions whose entries fork copies, in address order), with new ids given
    /// level by level, in address order. `levels` of the result; its top is set by the caller.
    mutating func forkTables(_ space: Int, copied: [Range<Int>]) -> [[Int: Int]] {
        var result: [[Int: Int]] = Array(repeating: [:], count: tableShifts.count)
        let parent = procs[space].tables.levels
        for (d, shift) in tableShifts.enumerated() where d < parent.count {
            var keys: [Int] = []
            for span in copied {
                for key in tableKeys(parent[d], shift: shift, span.lowerBound, span.upperBound) where keys.last != key {
                    keys.append(key)    // spans are sorted, so equal keys come together
                }
            }
            result[d].reserveCapacity(keys.count)
            for key in keys where result[d][key] == nil {
                tableSerial += 1
                result[d][key] = tableSerial
            }
        }
        return result
    }

    /// mremap moved [from, from + pages) to `to`: the destination gets tables wherever the
    /// source had leaf tables over the moved pages (move_page_tables), then the source's tables
    /// no region overlaps any more are freed.
    mutating func moveTables(_ space: Int, from: Int, to: Int, pages: Int) {
        if let leafShift = tableShifts.last, let leaves = procs[space].tables.levels.last {
            for key in tableKeys(leaves, shift: leafShift, from, from + pages) {
                let lo = max(key << leafShift, from), hi = min((key + 1) << leafShift, from + pages)
                allocateTables(space, lo - from + to)
                allocateTables(space, hi - 1 - from + to)
            }
        }
        releaseTables(space, spans: [from..<(from + pages)])
    }

    // MARK: figures

    /// Table pages of process `pid` below the top level (`VmPTE` = this x page size); nil for
    /// an unknown pid. A vfork child borrowing its parent's space owns none.
    public func pageTablePages(of pid: PID) -> Int? {
        guard pid >= 1, pid <= procs.count else { return nil }
        return procs[pid - 1].tables.belowTop
    }

    /// `VmPTE` of process `pid` in bytes (table pages below the top, as /proc/PID/status).
    public func vmPTEBytes(of pid: PID) -> Int? {
        pageTablePages(of: pid).map { $0 * pageSize }
    }

    /// Every table page of the machine, top tables included (what /proc/meminfo's PageTables
    /// counts since Linux 6.15 accounts the PGD too).
    public var pageTablePagesTotal: Int {
        var n = 0
        for p in procs where p.tables.top != 0 { n += 1 + p.tables.belowTop }
        return n
    }

    /// Whether the script chose a layout (`config page-tables`), which turns the table
    /// figures on in `stats` and fork events.
    public var showsPageTables: Bool { config.pageTables != nil }

    /// The table pages of process `pid`, top first then level by level in address order.
    public func pageTablePagesList(of pid: PID) -> [PageTablePage] {
        guard pid >= 1, pid <= procs.count else { return [] }
        let t = procs[pid - 1].tables
        guard t.top != 0 else { return [] }
        var list = [PageTablePage(level: 0, key: 0, id: t.top, pages: 0..<vpnLimit)]
        for (d, shift) in tableShifts.enumerated() where d < t.levels.count {
            for (key, id) in t.levels[d].sorted(by: { $0.key < $1.key }) {
                list.append(PageTablePage(level: d + 1, key: key, id: id, pages: (key << shift)..<((key + 1) << shift)))
            }
        }
        return list
    }
}
