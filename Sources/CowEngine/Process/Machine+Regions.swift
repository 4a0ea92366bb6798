// Region bookkeeping shared by mmap, munmap, mprotect, madvise, exec and exit: insert, split,
// remove. Like xv6's vm.c, each helper has one job and the public operations compose them.

extension Machine {
    /// Drops one entry's reference to its frame; frees an anonymous frame nobody maps any more.
    /// Returns true if a frame was freed. Page-cache and shmem frames outlive their mappings, and
    /// so does a swap-cache frame while swap entries name its slot. A swap entry drops its
    /// reference to its slot (Reclaim/Machine+Swap.swift).
    @inline(__always) mutating func dropReference(_ e: PackedEntry) -> Bool {
        guard Packed.isPresent(e) else { return e != 0 && dropSwapEntry(e) }
        let f = Packed.frame(e)
        guard f != frames.zeroFrame else { return false }
        frames.mapcount[f] -= 1
        if frames.mapcount[f] == 0 && frames.kinds[f] == .anonymous && !isSwapCached(f) {
            frames.release(f)
            return true
        }
        return false
    }

    /// True if entry `e` maps a private anonymous frame (not the zero page, not the page cache).
    @inline(__always) func mapsAnonymousFrame(_ e: PackedEntry) -> Bool {
        Packed.isPresent(e) && Packed.frame(e) != frames.zeroFrame && frames.kinds[Packed.frame(e)] == .anonymous
    }

    /// Inserts a new region, empty, into address space `space`, keeping regions sorted.
    mutating func insertRegion(_ space: Int, _ info: Region, source: RegionSource, objectOffset: Int) {
        var record = RegionRecord(info: info, entries: Array(repeating: 0, count: info.pages),
                                  source: source, objectOffset: objectOffset)
        anonVmaSerial += 1
        record.anonVma = anonVmaSerial
        let at = firstRegion(space, startingAtOrAfter: info.start)
        procs[space].regions.insert(record, at: at)
        procs[space].regionNames[info.name, default: 0] += 1
        entryCount += info.pages
    }

    /// Removes the regions `range` of `space` (O(log n) each), unmapping their pages; returns
    /// the frames freed.
    mutating func removeRegions(_ space: Int, _ range: Range<Int>) -> Int {
        guard !range.isEmpty else { return 0 }
        let removed = procs[space].regions.removeSubrange(range)
        releaseTables(space, spans: removed.map { $0.info.start..<$0.info.end })
        var freed = 0
        for record in removed.reversed() {
            if tlb.isOn { invalidateTLB(space, record.info.start..<record.info.end) }
            for e in record.entries where dropReference(e) { freed += 1 }
            if case .shmem(let id) = record.source { freed += releaseShmem(id) }
            entryCount -= record.info.pages
            forgetRegionName(space, record.info.name)
        }
        return freed
    }

    /// Counts one region called `name` of `space` gone.
    private mutating func forgetRegionName(_ space: Int, _ name: String) {
        let left = (procs[space].regionNames[name] ?? 0) - 1
        procs[space].regionNames[name] = left > 0 ? left : nil
    }

    /// Unmaps every region of `space`; returns the frames freed.
    mutating func tearDown(_ space: Int) -> Int {
        releaseShares(space)
        dropTLB(space)      // the address space is gone: not counted as invalidations
        let freed = removeRegions(space, 0..<procs[space].regions.count)
        freeAllTables(space)
        return freed
    }

    /// Splits the region containing `vpn` into [start, vpn) and [vpn, end) when `vpn` falls
    /// strictly inside it; both halves keep the name. No-op otherwise.
    mutating func split(_ space: Int, at vpn: Int) {
        guard let r = regionIndex(space, vpn) else { return }
        let old = procs[space].regions[r]
        let k = vpn - old.info.start
        guard k > 0 else { return }
        var left = old, right = old
        left.info.pages = k
        left.entries = Array(old.entries[0..<k])
        right.info.start = vpn
        right.info.pages = old.info.pages - k
        right.entries = Array(old.entries[k...])
        right.objectOffset = old.objectOffset + k
        if !old.hugeBlocks.isEmpty {
            // A huge mapping the cut goes through is split; the others go with their half.
            left.hugeBlocks = old.hugeBlocks.filter { $0 + Machine.hugePagePages <= vpn }
            right.hugeBlocks = old.hugeBlocks.filter { $0 >= vpn }
            for b in old.hugeBlocks where b < vpn && b + Machine.hugePagePages > vpn { note(.hugePageSplit(pid: procs[space].pid, vpn: b)) }
        }
        if case .file(let id, let offset) = old.info.backing { right.info.backing = .file(id, offset: offset + k) }
        if case .shmem(let id) = old.source { retainShmem(id) }
        procs[space].regions[r] = left
        procs[space].regions.insert(right, at: r + 1)
        procs[space].regionNames[old.info.name, default: 0] += 1
    }

    /// Under `profile linux`, merges the regions of `space` overlapping [vpn, end) with each
    /// other and with the regions just before and after, as Linux's vma_modify (mprotect_fixup,
    /// mlock_fixup, madvise_update_vma) merges a changed range back into its neighbours, so
    /// /proc/PID/maps shows one VMA again. The textbook profile keeps the pieces. Two adjacent
    /// regions merge when every attribute but their extent is the same (name: split pieces keep
    /// the mapping's unique name, standing in for the anon_vma_name check; rights, sharing,
    /// advice and hints, lock) and the second continues the first in the same object (source,
    /// objectOffset and file offset contiguous). anon_vma, simply: pieces split from one mapping
    /// in one process share it, and fork gives every child region its own (anon_vma_fork), so
    /// two regions whose anonVma differ merge only if at most one has held an anonymous frame
    /// (is_mergeable_anon_vma refuses two different non-null ones). Entries, huge blocks and
    /// frames move as they are (mapcounts, entryCount and the TLB are unchanged); the shmem
    /// reference and the name count that `split` added are given back. Callers copy shared
    /// page tables first (on-demand fork), as for the change itself; the merge changes no entry.
    mutating func mergeRegions(_ space: Int, _ vpn: Int, _ end: Int) {
        guard config.profile == .linux else { return }
        let lo = max(firstRegion(space, endingAfter: vpn) - 1, 0)
        let hi = min(firstRegion(space, startingAtOrAfter: end), procs[space].regions.count - 1)
        guard lo < hi else { return }
        var r = hi
        while r > lo {
            let a = procs[space].regions[r - 1], b = procs[space].regions[r]
            var sameBut = b.info
            sameBut.start = a.info.start
            sameBut.pages = a.info.pages
            sameBut.backing = a.info.backing
            var continues = a.info.end == b.info.start && sameBut == a.info && a.source == b.source
                && a.objectOffset + a.info.pages == b.objectOffset
                && !(a.hadAnonymousFrame && b.hadAnonymousFrame && a.anonVma != b.anonVma)
            if case .file(let id, let offset) = a.info.backing {
                continues = continues && b.info.backing == .file(id, offset: offset + a.info.pages)
            }
            if continues {
                procs[space].regions.remove(at: r)
                procs[space].regions.updateElement(at: r - 1) { m in
                    m.info.pages += b.info.pages
                    m.entries += b.entries
                    m.hugeBlocks += b.hugeBlocks
                    if b.hadAnonymousFrame && !m.hadAnonymousFrame { m.anonVma = b.anonVma }
                    m.hadAnonymousFrame = m.hadAnonymousFrame || b.hadAnonymousFrame
                }
                if case .shmem(let id) = b.source { _ = releaseShmem(id) }    // a stays: frees nothing
                forgetRegionName(space, b.info.name)
            }
            r -= 1
        }
    }

    /// Splits regions so that [vpn, end) starts and ends on region boundaries; returns the
    /// index range of the regions inside it.
    mutating func isolate(_ space: Int, _ vpn: Int, _ end: Int) -> Range<Int> {
        split(space, at: vpn)
        split(space, at: end)
        let first = firstRegion(space, startingAtOrAfter: vpn)
        let last = firstRegion(space, startingAtOrAfter: end)
        return first..<max(first, last)
    }

    /// Index of the first region of `space` starting at or after `vpn` (the count if none), in
    /// O(log n).
    func firstRegion(_ space: Int, startingAtOrAfter vpn: Int) -> Int {
        procs[space].regions.countBelow(vpn)
    }

    /// Index of the first region of `space` ending after `vpn` (the count if none), in
    /// O(log n): regions are sorted and disjoint, so it is the last one starting at or before
    /// `vpn` if that one reaches past it, else the next.
    func firstRegion(_ space: Int, endingAfter vpn: Int) -> Int {
        let regions = procs[space].regions
        let r = regions.countAtMost(vpn) - 1
        if r >= 0 && regions[r].info.end > vpn { return r }
        return r + 1
    }

    /// Indices of the regions of `space` overlapping [vpn, end), in address order.
    func regionsOverlapping(_ space: Int, _ vpn: Int, _ end: Int) -> Range<Int> {
        let first = firstRegion(space, endingAfter: vpn)
        let last = firstRegion(space, startingAtOrAfter: end)
        return first..<max(first, last)
    }

    /// The first region of `space` overlapping [vpn, end), if any.
    func firstOverlap(_ space: Int, _ vpn: Int, _ end: Int) -> RegionRecord? {
        let r = firstRegion(space, endingAfter: vpn)
        guard r < procs[space].regions.count, procs[space].regions[r].info.start < end else { return nil }
        return procs[space].regions[r]
    }

    /// The first page of [vpn, end) that no region of `space` covers, if any.
    func firstHole(_ space: Int, _ vpn: Int, _ end: Int) -> Int? {
        var next = vpn
        let regions = procs[space].regions
        var r = firstRegion(space, endingAfter: vpn)
        while r < regions.count && regions[r].info.start < end {
            if regions[r].info.start > next { return next }
            next = regions[r].info.end
            if next >= end { return nil }
            r += 1
        }
        return next < end ? next : nil
    }
}
