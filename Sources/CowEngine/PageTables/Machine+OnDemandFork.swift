// On-demand fork (`set fork odf`, issue 13; Zhao et al., "On-Demand-Fork", EuroSys 2021).
//
// The child gets its own top and upper-level tables but shares the parent's last-level (leaf)
// tables, write-protected at the level above (the PMD on x86-64): the same table id sits in
// both processes' `levels.last`, and `sharedLeaves[id]` counts the sharers (the address spaces
// whose tree holds that id; `sharers(of:)` lists them in index order, which is the order of
// sharing: a fork's child is always the newest space). Nothing is done per page at fork: the
// entries under a shared table keep their flags, frames keep their mapcounts, and per shared
// table one fixed-size record is written in a flat array indexed by table id (no allocation).
//
// - The first write by any sharer to a page under a shared table copies that one table for the
//   writer (`copySharedLeaf`): the writer gets a new table id; the private writable entries
//   under it are write-protected in every sharer (copy_pte_range's work, done for these 512
//   entries only); then the write goes on as an ordinary copy-on-write fault. A fault that
//   fills an entry (a read of a page not present) copies the table too; a read of a present
//   page copies nothing (only the accessed bit is set, in the one shared table).
// - Mapcounts are deferred: a shared table maps its pages once per sharer, but `frames.mapcount`
//   holds only `counted` of those. `settleLeaf` adds the missing ones (and the swap slots'
//   references) when the table is copied; `settleAll` settles every table before any other
//   operation that changes mappings or reads mapcounts (munmap, mprotect, madvise, mremap,
//   msync, truncate, exit, exec, reclaim, another fork mode), and the figures (`usage`, frame
//   views, `check`) are computed on a settled copy, so smaps gives exactly the figures of a
//   copy-on-write fork.
// - Any operation other than an access that changes entries under a shared table copies the
//   table first (counted as a copy); exit and exec only drop their share.
// - VmPTE counts a shared table in each sharer (it is in every sharer's tree, as Rss counts a
//   shared page in each mapper); `page_tables()` counts each table page once.

/// A leaf table shared by several address spaces.
struct SharedLeaf: Sendable {
    /// Its key at the leaf level (first page `key << leafShift`); -1 in an unused slot.
    var key: Int
    /// How many address spaces' trees hold it (at least 2 while shared).
    var sharerCount: Int
    /// How many sharers' mappings are in `frames.mapcount` (and the swap slots' counts).
    var counted: Int
    /// Whether its private writable entries have been write-protected (on the first copy).
    var protected = false
}

/// The shared leaf tables, by table id: a flat array of fixed-size records (table ids are serial
/// numbers from 1 when tables can be shared), so sharing a table at fork is one store.
struct SharedLeafTable: Sendable {
    private var records: [SharedLeaf] = []
    /// How many tables are shared now.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    subscript(id: Int) -> SharedLeaf? {
        get { id >= 0 && id < records.count && records[id].key >= 0 ? records[id] : nil }
        set {
            guard id >= 0 else { return }
            if let newValue {
                if id >= records.count { grow(to: id + 1) }
                if records[id].key < 0 { count += 1 }
                records[id] = newValue
            } else if id < records.count && records[id].key >= 0 {
                records[id].key = -1
                count -= 1
            }
        }
    }

    /// The ids of the shared tables, in increasing order.
    var ids: [Int] {
        var list: [Int] = []
        list.reserveCapacity(count)
        for id in records.indices where records[id].key >= 0 { list.append(id) }
        return list
    }

    /// Room for ids below `limit` (one allocation before a fork shares many tables).
    mutating func reserve(upTo limit: Int) {
        if limit > records.count { grow(to: limit) }
    }

    /// One more sharer of table `id` (leaf key `key`); true if the table was not shared yet
    /// (its owner and the new sharer: 2 sharers, the owner's mappings counted).
    @inline(__always) mutating func addSharer(_ id: Int, key: Int) -> Bool {
        if id >= records.count { grow(to: id + 1) }
        if records[id].key < 0 {
            records[id] = SharedLeaf(key: key, sharerCount: 2, counted: 1)
            count += 1
            return true
        }
        records[id].sharerCount += 1
        return false
    }

    private mutating func grow(to limit: Int) {
        let size = max(limit, records.count * 2, 64)
        records.append(contentsOf: repeatElement(SharedLeaf(key: -1, sharerCount: 0, counted: 0), count: size - records.count))
    }
}

extension Machine {
    /// The address spaces (indices into `procs`) whose tree holds shared leaf `id` at `key`, in
    /// index order (= order of sharing).
    func sharers(of id: Int, key: Int) -> [Int] {
        var list: [Int] = []
        for s in procs.indices where isSharer(s, id, key: key) { list.append(s) }
        return list
    }

    /// Whether the tree of `space` holds shared leaf `id` at `key`.
    @inline(__always) func isSharer(_ space: Int, _ id: Int, key: Int) -> Bool {
        procs[space].tables.sharedLeaves != 0 && procs[space].tables.levels.last?[key] == id
    }

    /// Whether the leaf table over `vpn` of `space` is shared; its id if so.
    @inline(__always) func sharedLeafID(_ space: Int, _ vpn: Int) -> Int? {
        guard procs[space].tables.sharedLeaves != 0, let leafShift = tableShifts.last,
              let id = procs[space].tables.levels.last?[vpn >> leafShift], sharedLeaves[id] != nil else { return nil }
        return id
    }

    /// The entry ranges (region index, entry indices) of `space` under leaf `key`.
    func leafSpans(_ space: Int, key: Int) -> [(r: Int, range: Range<Int>)] {
        guard let leafShift = tableShifts.last else { return [] }
        let lo = key << leafShift, hi = (key + 1) << leafShift
        var spans: [(Int, Range<Int>)] = []
        var r = max(procs[space].regions.countAtMost(lo) - 1, 0)
        while r < procs[space].regions.count {
            let info = procs[space].regions[r].info
            if info.start >= hi { break }
            if info.end > lo {
                spans.append((r, (max(lo, info.start) - info.start)..<(min(hi, info.end) - info.start)))
            }
            r += 1
        }
        return spans
    }

    /// Adds the missing mappings of shared leaf `id` to the mapcounts and swap slots.
    mutating func settleLeaf(_ id: Int) {
        guard let leaf = sharedLeaves[id], leaf.counted < leaf.sharerCount,
              let owner = sharers(of: id, key: leaf.key).first else { return }
        let missing = leaf.sharerCount - leaf.counted
        let zero = frames.zeroFrame
        for (r, range) in leafSpans(owner, key: leaf.key) {
            for k in range {
                let e = procs[owner].regions[r].entries[k]
                if Packed.isPresent(e) {
                    let f = Packed.frame(e)
                    if f != zero {
                        frames.mapcount[f] += Int32(missing)
                        frames.exclusive[f] = false     // rule 10: shared by fork, as a cow fork clears it
                    }
                } else if Packed.isSwap(e) {
                    swap.count[Packed.slot(e)] += Int32(missing)
                }
            }
        }
        sharedLeaves[id]?.counted = leaf.sharerCount
        uncountedShares -= missing
    }

    /// Settles every shared leaf (before anything that reads or changes mapcounts at large).
    mutating func settleAll() {
        guard uncountedShares > 0 else { return }
        for id in sharedLeaves.ids { settleLeaf(id) }
    }

    /// Write-protects the private writable entries under shared leaf `id` in every sharer (the
    /// work copy_pte_range does on both tables), once.
    mutating func protectLeaf(_ id: Int) {
        guard let leaf = sharedLeaves[id], !leaf.protected else { return }
        for s in sharers(of: id, key: leaf.key) {
            for (r, range) in leafSpans(s, key: leaf.key) where !procs[s].regions[r].info.isShared {
                for k in range {
                    let e = procs[s].regions[r].entries[k]
                    if e & Packed.present != 0 && e & Packed.writable != 0 {
                        // No TLB caches these writable (fork dropped them, fills under a shared
                        // table are read-only); dropped here too should one be.
                        if tlb.isOn {
                            let v = procs[s].regions[r].info.start + k
                            invalidateTLB(s, v..<(v + 1), writableOnly: true)
                        }
                        procs[s].regions[r].entries[k] = (e & ~Packed.writable) | Packed.copyOnWrite
                    }
                }
            }
        }
        sharedLeaves[id]?.protected = true
    }

    /// Takes `space` out of the sharers of leaf `id` (settled first, so its mappings stay
    /// counted as its own). With `copy`, `space` gets a new private copy of the table (a new
    /// table page); without, it keeps the id only until it frees its tables (exit, exec).
    mutating func leaveSharedLeaf(_ space: Int, _ id: Int, copy: Bool) {
        guard var leaf = sharedLeaves[id], isSharer(space, id, key: leaf.key) else { return }
        settleLeaf(id)
        if copy { protectLeaf(id) }
        leaf = sharedLeaves[id] ?? leaf
        leaf.sharerCount -= 1
        leaf.counted -= 1
        procs[space].tables.sharedLeaves -= 1
        let d = procs[space].tables.levels.count - 1
        if d >= 0 {
            if copy {
                tableSerial += 1
                procs[space].tables.levels[d][leaf.key] = tableSerial
                tablesCopied += 1
            } else {
                // It gives its tables up (all freed right after): out of its tree now, so that
                // it no longer counts among the sharers.
                procs[space].tables.levels[d][leaf.key] = nil
            }
        }
        if leaf.sharerCount <= 1 {
            for s in sharers(of: id, key: leaf.key) { procs[s].tables.sharedLeaves -= 1 }
            sharedLeaves[id] = nil
        } else {
            sharedLeaves[id] = leaf
        }
    }

    /// A write (or a fault that fills an entry) by process `i` at `vpn` of `space`: copies the
    /// shared leaf table over `vpn`, if any, and records it.
    mutating func copySharedLeaf(_ i: Int, _ space: Int, _ vpn: Int) {
        guard let id = sharedLeafID(space, vpn) else { return }
        if swap.isOn { settleAll() }        // reclaim and swap-in read any frame's and slot's counts
        leaveSharedLeaf(space, id, copy: true)
        note(.pageTableCopied(pid: procs[i].pid, vpn: vpn, table: tableSerial))
    }

    /// Before an operation that changes the entries of `space` in [lo, hi) (or its regions
    /// there): settles everything, and copies the shared leaf tables there for `space`.
    mutating func unshareRange(_ space: Int, _ lo: Int, _ hi: Int) {
        settleAll()
        guard procs[space].tables.sharedLeaves != 0, let leafShift = tableShifts.last, lo < hi else { return }
        for id in sharedLeaves.ids {
            guard let leaf = sharedLeaves[id], isSharer(space, id, key: leaf.key) else { continue }
            let tlo = leaf.key << leafShift, thi = (leaf.key + 1) << leafShift
            if tlo < hi && thi > lo { leaveSharedLeaf(space, id, copy: true) }
        }
    }

    /// The shared leaves of `space` whose keys are not in sorted `keys` copied (an on-demand
    /// fork that cannot share them rewrites their entries).
    mutating func unshareLeaves(_ space: Int, except keys: [Int]) {
        for id in sharedLeaves.ids {
            guard let leaf = sharedLeaves[id], isSharer(space, id, key: leaf.key), !Machine.sortedContains(keys, leaf.key) else { continue }
            settleAll()
            leaveSharedLeaf(space, id, copy: true)
        }
    }

    /// Every shared leaf of `space` copied (before a cow or eager fork rewrites its entries).
    mutating func unshareAll(_ space: Int) {
        unshareRange(space, 0, vpnLimit)
    }

    /// `space` gives its address space up (exit, exec, a kill): it leaves every shared leaf
    /// without copying; the other sharers keep the table.
    mutating func releaseShares(_ space: Int) {
        settleAll()
        guard procs[space].tables.sharedLeaves != 0 else { return }
        for id in sharedLeaves.ids {
            guard let leaf = sharedLeaves[id], isSharer(space, id, key: leaf.key) else { continue }
            leaveSharedLeaf(space, id, copy: false)
        }
    }

    /// A read of a present page without the accessed bit under a shared leaf: the bit is set in
    /// the one shared table, i.e. in every sharer's entry.
    mutating func markAccessedInSharers(_ id: Int, _ vpn: Int) {
        guard let leaf = sharedLeaves[id] else { return }
        for s in sharers(of: id, key: leaf.key) {
            if let r = regionIndex(s, vpn) {
                procs[s].regions[r].entries[vpn - procs[s].regions[r].info.start] |= Packed.accessed
            }
        }
    }

    /// This machine with every shared leaf settled (and, with `materialized`, copied for every
    /// sharer but the first): the state a copy-on-write fork would have left, for figures.
    func settled(materialized: Bool = false) -> Machine {
        var m = self
        m.settleAll()
        if materialized {
            for id in m.sharedLeaves.ids {
                while let leaf = m.sharedLeaves[id], let last = m.sharers(of: id, key: leaf.key).last {
                    m.leaveSharedLeaf(last, id, copy: true)
                }
            }
        }
        return m
    }

    /// Whether some mappings of shared tables are not yet in the mapcounts (the figures then
    /// settle a copy of the machine first, O(pages of the shared tables) per call).
    public var hasUncountedShares: Bool { uncountedShares > 0 }

    /// Adds every deferred mapping of the shared tables to the mapcounts (sharing nothing
    /// less): a caller about to ask for many figures (a dump, a question) settles once.
    public mutating func settleSharedMappings() { settleAll() }

    // MARK: figures

    /// Leaf tables of process `pid` shared with another process now; nil for an unknown pid.
    public func sharedPageTablePages(of pid: PID) -> Int? {
        guard pid >= 1, pid <= procs.count else { return nil }
        return procs[pid - 1].tables.sharedLeaves
    }

    /// Page-table pages shared now (each counted once), and page-table pages copied by
    /// on-demand fork so far (tables shared at forks, tables copied by writes and changes).
    public var onDemandForkCounts: (sharedNow: Int, sharedAtForks: Int, copied: Int) {
        (sharedLeaves.count, tablesSharedAtForks, tablesCopied)
    }

    /// Whether `stats` should show the on-demand-fork figures (odf chosen, or used).
    public var showsOnDemandFork: Bool { config.forkMode == .onDemand || tablesSharedAtForks > 0 }

    /// What leaf table `key` of `space` holds: its non-empty entries with their pages, in order.
    /// Pages no region covers read as empty entries, as in a real table, so a sharer that maps
    /// a new region there (mmap fills no entry) or splits one (mprotect of other rights copies
    /// the table first, mlock and madvise change no entry) still sees the same table.
    func leafContents(_ space: Int, key: Int) -> [(vpn: Int, entry: PackedEntry)] {
        var contents: [(vpn: Int, entry: PackedEntry)] = []
        for (r, range) in leafSpans(space, key: key) {
            let start = procs[space].regions[r].info.start
            for k in range {
                let e = procs[space].regions[r].entries[k]
                if e != 0 { contents.append((start + k, e)) }
            }
        }
        return contents
    }

    /// Checks of the sharing bookkeeping, part of `check()`.
    func checkSharedLeaves(_ problems: inout [String]) {
        var perSpace = Array(repeating: 0, count: procs.count)
        var missing = 0
        for id in sharedLeaves.ids {
            guard let leaf = sharedLeaves[id] else { continue }
            let holders = procs.indices.filter { procs[$0].tables.levels.last?[leaf.key] == id }
            if leaf.sharerCount < 2 { problems.append("shared page table \(id) has \(leaf.sharerCount) sharer(s)") }
            if holders.count != leaf.sharerCount {
                problems.append("shared page table \(id) has \(leaf.sharerCount) sharers but \(holders.count) trees hold it")
            }
            if leaf.counted < 1 || leaf.counted > leaf.sharerCount {
                problems.append("shared page table \(id) counts \(leaf.counted) of \(leaf.sharerCount) sharers")
            }
            missing += leaf.sharerCount - leaf.counted
            var first: [(vpn: Int, entry: PackedEntry)]?
            for s in holders {
                perSpace[s] += 1
                let mine = leafContents(s, key: leaf.key)
                if let first, !first.elementsEqual(mine, by: { $0.vpn == $1.vpn && $0.entry == $1.entry }) {
                    problems.append("process \(procs[s].pid) sees other entries than its sharers under shared page table \(id)")
                }
                if first == nil { first = mine }
            }
        }
        if missing != uncountedShares { problems.append("uncounted shares \(uncountedShares), tables say \(missing)") }
        for i in procs.indices where perSpace[i] != procs[i].tables.sharedLeaves {
            problems.append("process \(procs[i].pid) counts \(procs[i].tables.sharedLeaves) shared page tables, \(perSpace[i]) found")
        }
    }
}
