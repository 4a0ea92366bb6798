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
    /// Id of the top table (PGD); -1 when the process has no address space of its own. Ids are
    /// serial numbers from 1, or frame numbers with `config page-tables LAYOUT frames`.
    var top = -1
    /// Tables below the top, per level (index 0 = level 1): key (`vpn >> shift`) -> table id.
    var levels: [[Int: Int]] = []
    /// Key of a leaf table known to exist (faults in it skip the lookups); -1: none.
    var lastLeaf = -1
    /// How many of its leaf tables are shared with other address spaces (on-demand fork).
    var sharedLeaves = 0

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
    /// False when a table frame was needed and none could be had (`config page-tables LAYOUT
    /// frames`): the fault then ends as out of memory.
    @inline(__always) mutating func ensureTables(_ space: Int, _ vpn: Int) -> Bool {
        guard let leafShift = tableShifts.last else { return true }
        if procs[space].tables.lastLeaf == vpn >> leafShift { return true }
        return allocateTables(space, vpn, fault: true)
    }

    /// The slow part of `ensureTables`: the lookups, level by level. With table frames, a
    /// fault (`fault`) may reclaim or call the out-of-memory killer for a frame as for data;
    /// elsewhere only a free frame will do. False when a table could not be allocated (the
    /// tables above it stay, as Linux keeps them).
    @discardableResult
    mutating func allocateTables(_ space: Int, _ vpn: Int, fault: Bool = false) -> Bool {
        if procs[space].tables.levels.count != tableShifts.count {
            procs[space].tables.levels = Array(repeating: [:], count: tableShifts.count)
        }
        for (d, shift) in tableShifts.enumerated() where procs[space].tables.levels[d][vpn >> shift] == nil {
            guard let id = newTableID(fault: fault) else { return false }
            // The out-of-memory killer may have torn this very space down meanwhile.
            guard procs[space].tables.levels.count == tableShifts.count else {
                frames.release(id)
                return false
            }
            procs[space].tables.levels[d][vpn >> shift] = id
        }
        procs[space].tables.lastLeaf = vpn >> (tableShifts.last ?? 0)
        return true
    }

    /// The id of a new table page: the next serial number, or with `config page-tables LAYOUT
    /// frames` a frame of kind page-table (nil when none: during a fault after reclaim and the
    /// out-of-memory killer had their say, elsewhere when no frame is free).
    mutating func newTableID(fault: Bool = false) -> Int? {
        guard config.tableFrames else {
            tableSerial += 1
            return tableSerial
        }
        return fault ? allocateFrame(.pageTable) : frames.allocate(.pageTable)
    }

    /// Frees table page `id` (its frame, with table frames; nothing otherwise).
    mutating func freeTable(_ id: Int) {
        if config.tableFrames && id >= 0 { frames.release(id) }
    }

    /// Frees every table page of `space` (exit, exec, kill).
    mutating func freeAllTables(_ space: Int) {
        if config.tableFrames {
            freeTable(procs[space].tables.top)
            for level in procs[space].tables.levels { for id in level.values { freeTable(id) } }
        }
        procs[space].tables = PageTableSet()
    }

    /// Frames a new address space's tables need (0 without table frames): callers that cannot
    /// reclaim check them before changing anything.
    func tableFramesNeeded(_ tables: Int) -> Int { config.tableFrames ? tables : 0 }

    /// Gives address space `space` a fresh top table (spawn, fork, exec); false (nothing
    /// changed) when it needs a frame and none is free.
    @discardableResult
    mutating func newTopTable(_ space: Int) -> Bool {
        guard let id = newTableID() else { return false }
        procs[space].tables = PageTableSet(top: id, levels: Array(repeating: [:], count: tableShifts.count))
        return true
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
            for d in procs[space].tables.levels.indices {
                if config.tableFrames { for id in procs[space].tables.levels[d].values { freeTable(id) } }
                procs[space].tables.levels[d].removeAll()
            }
            return
        }
        for (d, shift) in tableShifts.enumerated() where d < procs[space].tables.levels.count {
            for span in spans {
                for key in tableKeys(procs[space].tables.levels[d], shift: shift, span.lowerBound, span.upperBound)
                where firstOverlap(space, key << shift, (key + 1) << shift) == nil {
                    if let id = procs[space].tables.levels[d][key] { freeTable(id) }
                    procs[space].tables.levels[d][key] = nil
                }
            }
        }
    }

    /// The child's tables after fork: per level, the parent's tables overlapping `copied` (the
    /// ranges of the regions whose entries fork copies, in address order), with new ids given
    /// level by level, in address order. `levels` of the result; its top is set by the caller.
    mutating func forkTables(_ space: Int, copied: [Range<Int>], shared: [Int] = []) -> [[Int: Int]] {
        var result: [[Int: Int]] = Array(repeating: [:], count: tableShifts.count)
        let parent = procs[space].tables.levels
        for (d, shift) in tableShifts.enumerated() where d < parent.count {
            if d == tableShifts.count - 1 && !shared.isEmpty && shared.count == parent[d].count {
                // On-demand fork sharing every leaf table of the parent (the shared keys are
                // among those the copied spans overlap, which are among the parent's): the
                // child's leaf level is the parent's, one O(1) copy.
                result[d] = parent[d]
                continue
            }
            var keys: [Int] = []
            for span in copied {
                for key in tableKeys(parent[d], shift: shift, span.lowerBound, span.upperBound) where keys.last != key {
                    keys.append(key)    // spans are sorted, so equal keys come together
                }
            }
            result[d].reserveCapacity(keys.count)
            let leaf = d == tableShifts.count - 1
            for key in keys where result[d][key] == nil {
                if leaf && !shared.isEmpty && Machine.sortedContains(shared, key), let id = parent[d][key] {
                    result[d][key] = id     // on-demand fork: the child shares the parent's leaf table
                    continue
                }
                // fork checked the frames first (`forkTableCount`)
                result[d][key] = newTableID() ?? -1
            }
        }
        return result
    }

    /// How many tables `forkTables` will allocate (same arguments).
    func forkTableCount(_ space: Int, copied: [Range<Int>], shared: [Int] = []) -> Int {
        let parent = procs[space].tables.levels
        var n = 0
        for (d, shift) in tableShifts.enumerated() where d < parent.count {
            var keys = Set<Int>()
            for span in copied { keys.formUnion(tableKeys(parent[d], shift: shift, span.lowerBound, span.upperBound)) }
            if d == tableShifts.count - 1 && !shared.isEmpty { keys.subtract(shared) }
            n += keys.count
        }
        return n
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
        for p in procs where p.tables.top >= 0 { n += 1 + p.tables.belowTop }
        for id in sharedLeaves.ids { n -= (sharedLeaves[id]?.sharerCount ?? 1) - 1 }     // a shared table is one page
        return n
    }

    /// Whether the script chose a layout (`config page-tables`), which turns the table
    /// figures on in `stats` and fork events.
    public var showsPageTables: Bool { config.pageTables != nil }

    /// The table pages of process `pid`, top first then level by level in address order.
    public func pageTablePagesList(of pid: PID) -> [PageTablePage] {
        guard pid >= 1, pid <= procs.count else { return [] }
        let t = procs[pid - 1].tables
        guard t.top >= 0 else { return [] }
        var list = [PageTablePage(level: 0, key: 0, id: t.top, pages: 0..<vpnLimit)]
        for (d, shift) in tableShifts.enumerated() where d < t.levels.count {
            for (key, id) in t.levels[d].sorted(by: { $0.key < $1.key }) {
                list.append(PageTablePage(level: d + 1, key: key, id: id, pages: (key << shift)..<((key + 1) << shift)))
            }
        }
        return list
    }
}
