// Reads and writes of virtual pages. The common case (the entry already allows the access) is a
// few array operations; anything else goes to the fault handlers in Machine+Faults.swift.

extension Machine {
    /// Reads one page. A kill (SIGSEGV, out of memory) is an outcome, not an error; errors are
    /// only for bad requests (no such process, process not running, page number out of range).
    public mutating func read(_ pid: PID, vpn: Int) throws(EngineError) -> AccessOutcome {
        try validateVPN(vpn)
        let i = try runningIndex(pid)
        return readPage(i, spaceIndex(i), vpn)
    }

    /// Writes `value` into one page (a page holds one Int64 in this model).
    public mutating func write(_ pid: PID, vpn: Int, value: Int64) throws(EngineError) -> AccessOutcome {
        try validateVPN(vpn)
        let i = try runningIndex(pid)
        return writePage(i, spaceIndex(i), vpn, value)
    }

    /// Writes `value` into every page of `vpns`, stopping at the first kill. `.value(value)` if
    /// all pages were written.
    public mutating func write(_ pid: PID, vpns: Range<Int>, value: Int64) throws(EngineError) -> AccessOutcome {
        try validateRange(vpns)
        let i = try runningIndex(pid)
        let space = spaceIndex(i)
        for vpn in vpns {
            let outcome = writePage(i, space, vpn, value)
            if case .killed = outcome { return outcome }
        }
        return .value(value)
    }

    /// Reads every page of `vpns`, stopping at the first kill; returns the values read so far.
    public mutating func read(_ pid: PID, vpns: Range<Int>) throws(EngineError) -> (values: [Int64], killed: Kill?) {
        try validateRange(vpns)
        let i = try runningIndex(pid)
        let space = spaceIndex(i)
        var values: [Int64] = []
        values.reserveCapacity(min(vpns.count, 1 << 16))
        var hint = -1     // the region of the previous page: tried first, no search while it holds the pages
        for vpn in vpns {
            switch tlb.isOn ? readThroughTLB(i, space, vpn) : walkRead(i, space, vpn, hint: &hint) {
            case .value(let v): values.append(v)
            case .killed(let kill): return (values, kill)
            }
        }
        return (values, nil)
    }

    /// Read by process `i` through address space `space` (through the TLB when there is one).
    @inline(__always) mutating func readPage(_ i: Int, _ space: Int, _ vpn: Int) -> AccessOutcome {
        if tlb.isOn { return readThroughTLB(i, space, vpn) }
        return walkRead(i, space, vpn)
    }

    /// Write by process `i` through address space `space` (through the TLB when there is one).
    @inline(__always) mutating func writePage(_ i: Int, _ space: Int, _ vpn: Int, _ value: Int64) -> AccessOutcome {
        if tlb.isOn { return writeThroughTLB(i, space, vpn, value) }
        return walkWrite(i, space, vpn, value)
    }

    /// Read by process `i` through address space `space`, from its page table.
    @inline(__always) mutating func walkRead(_ i: Int, _ space: Int, _ vpn: Int) -> AccessOutcome {
        var hint = -1
        return walkRead(i, space, vpn, hint: &hint)
    }

    /// `walkRead` trying region `hint` first (see `regionEntryAndRights`); sets `hint` to the
    /// region that held `vpn`.
    @inline(__always) mutating func walkRead(_ i: Int, _ space: Int, _ vpn: Int, hint: inout Int) -> AccessOutcome {
        guard let (r, start, e, permissions) = regionEntryAndRights(space, vpn, hint: hint) else {
            return kill(i, .segfault(vpn: vpn, .unmapped))
        }
        hint = r
        guard !permissions.isEmpty else { return kill(i, .segfault(vpn: vpn, .readOfNoAccess)) }
        let k = vpn - start
        if e & (Packed.present | Packed.accessed) == Packed.present | Packed.accessed {
            if frames.replacement.isTracking { frames.replacement.referenced(Packed.frame(e), write: false) }
            return .value(frames.value(Packed.frame(e)))
        }
        if Packed.isPresent(e) {
            if let id = sharedLeafID(space, vpn) {
                markAccessedInSharers(id, vpn)      // the bit is set in the one shared table
            } else {
                modifyRegion(space, r) { $0.entries[k] = e | Packed.accessed }
            }
            if frames.replacement.isTracking { frames.replacement.referenced(Packed.frame(e), write: false) }
            return .value(frames.value(Packed.frame(e)))
        }
        if procs[space].tables.sharedLeaves != 0 || (swap.isOn && uncountedShares > 0) {
            copySharedLeafBeforeFault(i, space, vpn)     // the fault fills an entry of the shared table
        }
        let site = FaultSite(process: i, space: space, region: r, vpn: vpn)
        guard frames.replacement.isTracking else { return swap.isOn ? readFaultWithSwap(at: site) : readFault(at: site) }
        frames.replacement.faultBegins()
        let outcome = swap.isOn ? readFaultWithSwap(at: site) : readFault(at: site)
        if case .value = outcome { referenceAfterFault(space, vpn, write: false, region: r) }
        return outcome
    }

    /// Write by process `i` through address space `space`, from its page table. A writable entry implies a writable
    /// region (mprotect write-protects entries), so the fast path needs no rights check.
    @inline(__always) mutating func walkWrite(_ i: Int, _ space: Int, _ vpn: Int, _ value: Int64) -> AccessOutcome {
        guard let (r, _, found) = regionAndEntry(space, vpn) else { return kill(i, .segfault(vpn: vpn, .unmapped)) }
        var e = found
        if procs[space].tables.sharedLeaves != 0 && withRegion(space, r, { $0.info.permissions.contains(.write) }) {
            copySharedLeafBeforeFault(i, space, vpn)     // on-demand fork: the write copies the shared table
            e = regionEntry(space, r, vpn)     // copying it write-protects the private writable entries
        }
        if e & Packed.fastWrite == Packed.fastWrite {
            frames.values[Packed.frame(e)] = value
            if frames.replacement.isTracking { frames.replacement.referenced(Packed.frame(e), write: true) }
            return .value(value)
        }
        if swap.isOn && uncountedShares > 0 { settleAll() }
        let site = FaultSite(process: i, space: space, region: r, vpn: vpn)
        guard frames.replacement.isTracking else { return swap.isOn ? writeSlowWithSwap(at: site, value) : writeSlow(at: site, value) }
        frames.replacement.faultBegins()
        let outcome = swap.isOn ? writeSlowWithSwap(at: site, value) : writeSlow(at: site, value)
        if case .value = outcome { referenceAfterFault(space, vpn, write: true, region: r) }
        return outcome
    }

    /// Before a fault by process `i` at `vpn` of `space` (on-demand fork): with swap, every
    /// shared table is settled (reclaim and swap-in read any frame's and slot's counts); the
    /// shared leaf table over `vpn`, if any, is copied for `space` (the fault changes its entry).
    mutating func copySharedLeafBeforeFault(_ i: Int, _ space: Int, _ vpn: Int) {
        if swap.isOn { settleAll() }
        copySharedLeaf(i, space, vpn)
    }
}
