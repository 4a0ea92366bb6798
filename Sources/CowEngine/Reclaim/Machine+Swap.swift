// Swap entries: faults on them (swap-in), what unmapping and fork do with them, and the views
// `dump`, `dump swap`, smaps and the functions read. See SwapSpace.swift for the model.

extension Machine {
    // MARK: faults with swap configured

    /// A read fault with swap configured: a swap entry is swapped in, anything else goes to the
    /// ordinary handler; either way the out-of-memory killer knows which fault needs memory.
    mutating func readFaultWithSwap(at site: FaultSite) -> AccessOutcome {
        swap.faulting = (site.process, site.space, site.vpn)
        defer { swap.faulting = nil }
        let (e, start, writable) = withRegions(site.space) { regions in
            regions.withElement(at: site.region) {
                ($0.entries[site.vpn - $0.info.start], $0.info.start, $0.info.permissions.contains(.write))
            }
        }
        if Packed.isSwap(e) { return swapIn(at: site, slot: Packed.slot(e), write: nil, regionStart: start, writable: writable) }
        return readFault(at: site)
    }

    /// A write the fast path could not finish, with swap configured (as `readFaultWithSwap`).
    mutating func writeSlowWithSwap(at site: FaultSite, _ value: Int64) -> AccessOutcome {
        swap.faulting = (site.process, site.space, site.vpn)
        defer { swap.faulting = nil }
        // Fields read in place (a copy of the whole record would retain and release its arrays).
        let (e, start, writable) = withRegions(site.space) { regions in
            regions.withElement(at: site.region) {
                ($0.entries[site.vpn - $0.info.start], $0.info.start, $0.info.permissions.contains(.write))
            }
        }
        if Packed.isSwap(e) && writable {
            return swapIn(at: site, slot: Packed.slot(e), write: value, regionStart: start, writable: writable)
        }
        return writeSlow(at: site, value)
    }

    /// A fault on a swap entry naming `slot`: the page comes from the swap cache (minor fault)
    /// or is read from the slot into a new frame that joins the swap cache (major fault). The
    /// entry then maps that frame: writable if this process is now its only user (no other
    /// mapping, no other swap entry: the slot is freed), else copy-on-write, so a page shared
    /// before it was swapped out is shared again. A write then stores into the frame, or copies
    /// it first if it is still shared (no second fault). `regionStart` and `writable` are the
    /// faulting region's first page and write right, read by the caller with the entry (one read
    /// of the region record per miss, issue 14). The frame left mapped is told to the
    /// replacement policy's `mappedByFault`, so the reference after the fault needs no lookup.
    mutating func swapIn(at site: FaultSite, slot: Int, write: Int64?, regionStart: Int, writable: Bool) -> AccessOutcome {
        let (i, space, r, vpn) = (site.process, site.space, site.region, site.vpn)
        let pid = procs[i].pid
        var major = false
        let f: Int
        if swap.cache[slot] >= 0 {
            f = Int(swap.cache[slot])
        } else {
            guard let g = allocateFrame(.anonymous) else {
                countFault(i, major: false)
                return outOfMemory(i, vpn)
            }
            frames.values[g] = swap.value[slot]
            swap.link(g, slot)
            swap.pagesIn += 1
            major = true
            f = g
        }
        countFault(i, major: major)
        let k = vpn - regionStart
        // This entry's reference moves from the slot to the frame.
        swap.count[slot] -= 1
        frames.mapcount[f] += 1
        swap.hint(f, vpn)
        var slotFreed = false
        if swap.count[slot] == 0 {
            swap.unlink(slot)
            swap.release(slot)
            frames.dirty[f] = true          // memory holds the only copy now
            slotFreed = true
        }
        let exclusive = slotFreed && frames.mapcount[f] == 1
        if exclusive { frames.exclusive[f] = true }
        var flags = Packed.present | Packed.user | Packed.accessed
        if writable { flags |= exclusive ? Packed.writable : Packed.copyOnWrite }
        // One modification of the region record for its flag and the entry (each goes down the
        // region tree); a write to an exclusive page sets the dirty bit in the same store.
        let dirtyNow = write != nil && exclusive
        do {
            let entry = Packed.make(frame: f, flags) | (dirtyNow ? Packed.dirty : 0)
            modifyRegion(space, r) { record in
                record.hadAnonymousFrame = true
                record.entries[k] = entry
            }
        }
        note(.swappedIn(pid: pid, vpn: vpn, slot: slot, frame: f, major: major, slotFreed: slotFreed))
        frames.replacement.mappedByFault = Int32(truncatingIfNeeded: f)
        guard let value = write else { return .value(frames.values[f]) }
        if exclusive {
            store(f, value)
            return .value(value)
        }
        // Still shared (other mappers, or other swap entries waiting for this copy): copy now.
        swap.pinned.0 = f
        defer { swap.pinned.0 = -1 }
        guard let g = allocateFrame(.anonymous, sparing: f) else { return outOfMemory(i, vpn) }
        frames.values[g] = frames.values[f]
        frames.mapcount[g] = 1
        frames.exclusive[g] = true
        procs[space].regions[r].entries[k] = Packed.make(frame: g, Packed.present | Packed.user | Packed.writable | Packed.dirty | Packed.accessed)
        swap.hint(g, vpn)
        frames.replacement.mappedByFault = Int32(truncatingIfNeeded: g)
        _ = dropReference(Packed.make(frame: f, Packed.present))
        store(g, value)
        procs[i].counters.copies += 1
        note(.copyOnWrite(pid: pid, vpn: vpn, from: f, to: g))
        return .value(value)
    }

    // MARK: swap entries going away or being copied

    /// Drops swap entry `e`'s reference to its slot; with the last one the slot is freed, and
    /// its swap-cache frame too if nothing maps it. Returns true if a frame was freed.
    mutating func dropSwapEntry(_ e: PackedEntry) -> Bool {
        let slot = Packed.slot(e)
        guard swap.isUsed(slot) else { return false }
        swap.count[slot] -= 1
        guard swap.count[slot] == 0 else { return false }
        var freed = false
        if let c = swap.unlink(slot) {
            if frames.mapcount[c] == 0 {
                frames.release(c)
                freed = true
            } else {
                frames.dirty[c] = true
            }
        }
        swap.release(slot)
        return freed
    }

    /// One more entry names each swap entry's slot in `entries` (fork copied them).
    mutating func retainSwapEntries(_ entries: [PackedEntry]) {
        for e in entries where Packed.isSwap(e) { swap.count[Packed.slot(e)] += 1 }
    }

    /// Whether anonymous frame `f` is the swap-cache copy of a slot that swap entries still name
    /// (then it must not become writable, nor be reused by a copy-on-write fault: the processes
    /// waiting to swap it in would see the write).
    @inline(__always) func isSwapCached(_ f: Int) -> Bool {
        swap.isOn && swap.slot(cachedIn: f) != nil
    }

    // MARK: views

    /// Pages of swap configured (0: no swap).
    public var swapCapacity: Int { swap.capacity }

    /// Swap slots in use; O(1).
    public var swapUsed: Int { swap.used }

    /// Pages written to swap and read back from it since the machine was made.
    public var swapTraffic: (pagesOut: Int, pagesIn: Int) { (swap.pagesOut, swap.pagesIn) }

    /// Swap entries of the address space `pid` uses, sorted by page (empty for unknown pids).
    public func swapEntries(of pid: PID) -> [SwappedPage] {
        guard pid >= 1, pid <= procs.count else { return [] }
        var pages: [SwappedPage] = []
        for record in procs[spaceIndex(pid - 1)].regions {
            for (k, e) in record.entries.enumerated() where Packed.isSwap(e) {
                pages.append(SwappedPage(vpn: record.info.start + k, region: record.info.name, slot: Packed.slot(e)))
            }
        }
        return pages
    }

    /// Swap entries in the address space process `pid` uses (0 for unknown or dead ones).
    public func swapEntryCount(of pid: PID) -> Int {
        guard pid >= 1, pid <= procs.count, procs[pid - 1].state.isAlive else { return 0 }
        var n = 0
        for record in procs[spaceIndex(pid - 1)].regions {
            for e in record.entries where Packed.isSwap(e) { n += 1 }
        }
        return n
    }

    /// The swap slot a swap entry at `vpn` of `pid`'s address space names, nil if the entry is
    /// not a swap entry.
    public func swapSlot(_ pid: PID, vpn: Int) -> Int? {
        guard pid >= 1, pid <= procs.count else { return nil }
        let space = spaceIndex(pid - 1)
        guard let r = regionIndex(space, vpn) else { return nil }
        let e = procs[space].regions[r].entries[vpn - procs[space].regions[r].info.start]
        return Packed.isSwap(e) ? Packed.slot(e) : nil
    }

    /// Every slot in use, by number, with the entries naming it (one walk of all page tables).
    public var swapSlots: [SwapSlotInfo] {
        if hasUncountedShares { return settled().swapSlots }     // on-demand fork
        var referrers: [Int: [Mapper]] = [:]
        for i in procs.indices where procs[i].state.isAlive && procs[i].borrowsFrom == nil {
            for record in procs[i].regions {
                for (k, e) in record.entries.enumerated() where Packed.isSwap(e) {
                    referrers[Packed.slot(e), default: []].append(Mapper(pid: procs[i].pid, vpn: record.info.start + k))
                }
            }
        }
        var slots: [SwapSlotInfo] = []
        for s in 0..<swap.materialized where swap.count[s] > 0 {
            let c = Int(swap.cache[s])
            slots.append(SwapSlotInfo(slot: s, count: Int(swap.count[s]), value: swap.value[s],
                                      cachedIn: c >= 0 ? c : nil, referrers: referrers[s] ?? []))
        }
        return slots
    }

    /// The swap-cache slot of frame `f`, if it is the swap-cache copy of one.
    public func swapCacheSlot(ofFrame f: Int) -> Int? { swap.isOn ? swap.slot(cachedIn: f) : nil }
}

/// A swap entry with where it is, for page-table dumps.
public struct SwappedPage: Equatable, Sendable {
    /// Virtual page number.
    public var vpn: Int
    /// Name of the region holding the page.
    public var region: String
    /// The swap slot the entry names.
    public var slot: Int
    /// A swapped page, for building expectations.
    public init(vpn: Int, region: String, slot: Int) {
        self.vpn = vpn
        self.region = region
        self.slot = slot
    }
}

/// A swap slot in use, for `dump swap`.
public struct SwapSlotInfo: Equatable, Sendable {
    /// Slot number (0 first).
    public var slot: Int
    /// Swap entries naming it (Linux: its swap count).
    public var count: Int
    /// The page it holds.
    public var value: Int64
    /// The frame holding its swap-cache copy, if one does.
    public var cachedIn: Int?
    /// The entries naming it, sorted by pid then page.
    public var referrers: [Mapper]
    /// A slot, for building expectations.
    public init(slot: Int, count: Int, value: Int64, cachedIn: Int?, referrers: [Mapper]) {
        self.slot = slot
        self.count = count
        self.value = value
        self.cachedIn = cachedIn
        self.referrers = referrers
    }
}

extension Machine {
    /// Runs `body` on region record `r` of address space `space` in place: one walk down the
    /// region tree for several changes to the record (the swap-in path, issue 14), retaining no
    /// node on the way (`updateElement`). `body` must not change the region's start.
    @inline(__always) mutating func modifyRegion<T>(_ space: Int, _ r: Int, _ body: (inout RegionRecord) -> T) -> T {
        procs[space].regions.updateElement(at: r, body)
    }
}

extension Machine {
    /// Calls `body` with the region tree of address space `space`, borrowed where it is stored:
    /// reading `procs[space].regions` through the array's subscript copies the process record
    /// (retaining and releasing everything in it), several times per trace miss (issue 14).
    @inline(__always) func withRegions<R>(_ space: Int, _ body: (OrderedTree<RegionRecord>) -> R) -> R {
        procs.withUnsafeBufferPointer { body($0[space].regions) }
    }

    /// The region of address space `space` holding `vpn` and the page's entry: one search and
    /// one read of the record in place (issue 14: the access path's lookup).
    @inline(__always) func regionAndEntry(_ space: Int, _ vpn: Int) -> (r: Int, start: Int, entry: PackedEntry)? {
        withRegions(space) { regions in
            // One region (a trace's process): it is the only candidate, no search.
            let r = regions.count == 1 ? 0 : regions.countAtMost(vpn) - 1
            guard r >= 0 else { return nil }
            return regions.withElement(at: r) {
                $0.info.contains(vpn) ? (r, $0.info.start, $0.entries[vpn - $0.info.start]) : nil
            }
        }
    }

    /// `regionAndEntry` plus the region's rights: the read path's one lookup (a region search
    /// and one read of the record in place instead of four walks down the region tree).
    /// `hint`: a region index to try first (the previous page's, in a range read); it is used
    /// only if that region holds `vpn`, and then it is the answer (regions do not overlap).
    @inline(__always) func regionEntryAndRights(_ space: Int, _ vpn: Int, hint: Int = -1)
        -> (r: Int, start: Int, entry: PackedEntry, permissions: Permissions)? {
        withRegions(space) { regions in
            if hint >= 0 && hint < regions.count,
               let found = regions.withElement(at: hint, { record -> (Int, PackedEntry, Permissions)? in
                   record.info.contains(vpn) ? (record.info.start, record.entries[vpn - record.info.start], record.info.permissions) : nil
               }) {
                return (hint, found.0, found.1, found.2)
            }
            let r = regions.count == 1 ? 0 : regions.countAtMost(vpn) - 1
            guard r >= 0 else { return nil }
            return regions.withElement(at: r) {
                $0.info.contains(vpn) ? (r, $0.info.start, $0.entries[vpn - $0.info.start], $0.info.permissions) : nil
            }
        }
    }

    /// Calls `body` with region record `r` of address space `space`, borrowed in place (reading
    /// `procs[space].regions[r].field` may copy the whole record: its arrays retained and released).
    @inline(__always) func withRegion<R>(_ space: Int, _ r: Int, _ body: (RegionRecord) -> R) -> R {
        withRegions(space) { $0.withElement(at: r, body) }
    }

    /// The entry of page `vpn` if region `r` of address space `space` (still) holds it, read in
    /// place; nil if there is no region `r` or it does not hold `vpn`.
    @inline(__always) func entryIfInRegion(_ space: Int, _ r: Int, _ vpn: Int) -> PackedEntry? {
        withRegions(space) { regions in
            guard r >= 0, r < regions.count else { return nil }
            return regions.withElement(at: r) { $0.info.contains(vpn) ? $0.entries[vpn - $0.info.start] : nil }
        }
    }

    /// The entry of page `vpn` in region `r` of address space `space`, read in place.
    @inline(__always) func regionEntry(_ space: Int, _ r: Int, _ vpn: Int) -> PackedEntry {
        withRegions(space) { $0.entry(r, vpn: vpn) }
    }
}

extension OrderedTree where Element == RegionRecord {
    /// First page of region `r`, read in place.
    @inline(__always) func start(of r: Int) -> Int { withElement(at: r) { $0.info.start } }

    /// The entry of page `vpn` (inside region `r`), read in place.
    @inline(__always) func entry(_ r: Int, vpn: Int) -> PackedEntry {
        withElement(at: r) { $0.entries[vpn - $0.info.start] }
    }

    /// Whether region `r` may be written, read in place.
    @inline(__always) func isWritable(_ r: Int) -> Bool { withElement(at: r) { $0.info.permissions.contains(.write) } }
}
