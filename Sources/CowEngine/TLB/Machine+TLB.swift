// The TLB in front of every access, and its invalidations (see TLB.swift).
//
// Rules (documented in Grammar.md, "The TLB"):
// - An access looks the TLB up first. A read hits on any entry for its page; a write hits only
//   on an entry whose cached permission allows writing (x86: a write through a read-only entry
//   re-walks the page table). Anything else is a miss: the page table is walked (and the fault,
//   if any, handled); if the access then succeeds the entry is filled from the page-table entry
//   as it is after the fault. A killed access fills nothing.
// - The engine itself always reads the page table, so a TLB never changes what an access does:
//   the invalidations below keep every entry equal to its page-table entry (`check()` verifies
//   it), and the figures count what a real MMU would do.
// - Entries are tagged with the address-space id (the owner's pid; a vfork child uses its
//   parent's): no flush on process switch. Exec and exit drop the process's entries (not counted
//   as invalidations: the address space is gone).

extension Machine {
    /// Sets the number of TLB entries (0 = no TLB); empties the TLB (counters are kept).
    public mutating func setTLB(entries: Int) throws(EngineError) {
        guard (0...TLB.maxEntries).contains(entries) else {
            throw EngineError.invalidArgument("a TLB has 0 to \(TLB.maxEntries) entries, got \(entries)")
        }
        config.tlbEntries = entries
        tlb = TLB(capacity: entries)
    }

    /// The TLB entries of process `pid`'s address space, most recently used first; empty without
    /// a TLB or for a dead process.
    public func tlbEntries(_ pid: PID) -> [TLBEntry] {
        guard tlb.isOn, pid >= 1, pid <= procs.count, procs[pid - 1].state.isAlive else { return [] }
        return tlb.entries(of: procs[spaceIndex(pid - 1)].pid)
    }

    /// How many entries the TLB holds now (all processes).
    public var tlbCount: Int { tlb.count }

    // MARK: accesses

    @inline(never) mutating func readThroughTLB(_ i: Int, _ space: Int, _ vpn: Int) -> AccessOutcome {
        let asid = procs[space].pid
        if let s = tlb.slot(asid, vpn) {
            tlb.touch(s)
            procs[i].counters.tlbHits += 1
            return walkRead(i, space, vpn)
        }
        procs[i].counters.tlbMisses += 1
        let outcome = walkRead(i, space, vpn)
        if case .value = outcome { fillTLB(space, vpn) }
        return outcome
    }

    @inline(never) mutating func writeThroughTLB(_ i: Int, _ space: Int, _ vpn: Int, _ value: Int64) -> AccessOutcome {
        let asid = procs[space].pid
        if let s = tlb.slot(asid, vpn), tlb.writable[s] {
            tlb.touch(s)
            procs[i].counters.tlbHits += 1
            return walkWrite(i, space, vpn, value)
        }
        procs[i].counters.tlbMisses += 1
        let outcome = walkWrite(i, space, vpn, value)
        if case .value = outcome { fillTLB(space, vpn) }
        return outcome
    }

    /// Caches the page-table entry of `vpn` in address space `space` (if present).
    private mutating func fillTLB(_ space: Int, _ vpn: Int) {
        guard procs[space].state.isAlive, let r = regionIndex(space, vpn) else { return }
        let e = procs[space].regions[r].entries[vpn - procs[space].regions[r].info.start]
        guard Packed.isPresent(e) else { return }
        // Under a leaf table shared by on-demand fork the level above is write-protected: the
        // entry is cached read-only whatever its own bit says (a write copies the table).
        let writable = e & Packed.writable != 0 && sharedLeafID(space, vpn) == nil
        tlb.fill(procs[space].pid, vpn, frame: Packed.frame(e), writable: writable)
    }

    // MARK: invalidation

    /// Drops the entry of `vpn` in address space `space`, counting it; true if there was one.
    @discardableResult
    mutating func invalidateTLB(_ space: Int, _ vpn: Int) -> Bool {
        guard tlb.isOn, let s = tlb.slot(procs[space].pid, vpn) else { return false }
        tlb.remove(s, counted: true)
        procs[space].counters.tlbInvalidations += 1
        return true
    }

    /// Drops the entries of `vpns` in address space `space` (only the writable ones when
    /// `writableOnly`), counting them; returns how many.
    @discardableResult
    mutating func invalidateTLB(_ space: Int, _ vpns: Range<Int>, writableOnly: Bool = false) -> Int {
        guard tlb.isOn, !vpns.isEmpty else { return 0 }
        let asid = procs[space].pid
        var doomed: [Int] = []
        if vpns.count <= tlb.count {
            for v in vpns { if let s = tlb.slot(asid, v) { doomed.append(s) } }
        } else {
            doomed = tlb.slots(of: asid).filter { vpns.contains(tlb.keys[$0].vpn) }
        }
        if writableOnly { doomed = doomed.filter { tlb.writable[$0] } }
        for s in doomed { tlb.remove(s, counted: true) }
        procs[space].counters.tlbInvalidations += doomed.count
        return doomed.count
    }

    /// Drops every entry of address space `space` without counting (exec, exit, kill).
    mutating func dropTLB(_ space: Int) {
        guard tlb.isOn else { return }
        for s in tlb.slots(of: procs[space].pid) { tlb.remove(s, counted: false) }
    }

    /// Invalidations so far (all processes), to tell what one operation invalidated.
    var tlbInvalidationMark: Int { tlb.invalidations }

    /// Records what one operation invalidated since `mark` (nothing if none; `always`: even 0).
    mutating func noteTLB(_ pid: PID?, since mark: Int, _ cause: TLBCause, always: Bool = false) {
        guard tlb.isOn else { return }
        let n = tlb.invalidations - mark
        if n > 0 || always { note(.tlbInvalidated(pid: pid, entries: n, cause: cause)) }
    }

    // MARK: checking

    /// Every TLB entry must equal what its page-table entry says now: a present entry with the
    /// same frame, writable only if the page-table entry is.
    func checkTLB(_ problems: inout [String]) {
        guard tlb.isOn else { return }
        let all = tlb.all()
        if all.count != tlb.count || tlb.count > tlb.capacity {
            problems.append("the TLB's LRU list holds \(all.count) entries, its index \(tlb.count), capacity \(tlb.capacity)")
        }
        for (key, frame, writable) in all {
            let what = "TLB entry (asid \(key.asid), page \(key.vpn))"
            guard key.asid >= 1, key.asid <= procs.count else { problems.append("\(what): no such address space"); continue }
            let space = key.asid - 1
            guard procs[space].state.isAlive, procs[space].borrowsFrom == nil else {
                problems.append("\(what): the address space is gone"); continue
            }
            guard let r = regionIndex(space, key.vpn) else { problems.append("\(what): page not mapped"); continue }
            let e = procs[space].regions[r].entries[key.vpn - procs[space].regions[r].info.start]
            guard Packed.isPresent(e) else { problems.append("\(what): page-table entry not present"); continue }
            if Packed.frame(e) != frame { problems.append("\(what): caches frame \(frame), the page table says \(Packed.frame(e))") }
            if writable && e & Packed.writable == 0 { problems.append("\(what): writable, the page-table entry is not") }
            if procs[space].regions[r].info.permissions.isEmpty { problems.append("\(what): the region allows no access") }
        }
    }
}
