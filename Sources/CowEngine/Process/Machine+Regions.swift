// Region bookkeeping shared by mmap, munmap, mprotect, madvise, exec and exit: insert, split,
// remove. Like xv6's vm.c, each helper has one job and the public operations compose them.

extension Machine {
    /// Drops one entry's reference to its frame; frees an anonymous frame nobody maps any more.
    /// Returns true if a frame was freed. Page-cache and shmem frames outlive their mappings.
    @inline(__always) mutating func dropReference(_ e: PackedEntry) -> Bool {
        guard Packed.isPresent(e) else { return false }
        let f = Packed.frame(e)
        guard f != frames.zeroFrame else { return false }
        frames.mapcount[f] -= 1
        if frames.mapcount[f] == 0 && frames.kinds[f] == .anonymous {
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
        let record = RegionRecord(info: info, entries: Array(repeating: 0, count: info.pages),
                                  source: source, objectOffset: objectOffset)
        let at = procs[space].regions.firstIndex { $0.info.start > info.start } ?? procs[space].regions.count
        procs[space].regions.insert(record, at: at)
        entryCount += info.pages
    }

    /// Removes region `r` of `space`, unmapping its pages; returns the frames freed.
    mutating func removeRegion(_ space: Int, _ r: Int) -> Int {
        let record = procs[space].regions.remove(at: r)
        var freed = 0
        for e in record.entries where dropReference(e) { freed += 1 }
        if case .shmem(let id) = record.source { freed += releaseShmem(id) }
        entryCount -= record.info.pages
        return freed
    }

    /// Unmaps every region of `space`; returns the frames freed.
    mutating func tearDown(_ space: Int) -> Int {
        var freed = 0
        while !procs[space].regions.isEmpty { freed += removeRegion(space, procs[space].regions.count - 1) }
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
        if case .file(let id, let offset) = old.info.backing { right.info.backing = .file(id, offset: offset + k) }
        if case .shmem(let id) = old.source { retainShmem(id) }
        procs[space].regions[r] = left
        procs[space].regions.insert(right, at: r + 1)
    }

    /// Splits regions so that [vpn, end) starts and ends on region boundaries; returns the
    /// index range of the regions inside it.
    mutating func isolate(_ space: Int, _ vpn: Int, _ end: Int) -> Range<Int> {
        split(space, at: vpn)
        split(space, at: end)
        let regions = procs[space].regions
        let first = regions.firstIndex { $0.info.start >= vpn } ?? regions.count
        let last = regions.firstIndex { $0.info.start >= end } ?? regions.count
        return first..<max(first, last)
    }

    /// The first region of `space` overlapping [vpn, end), if any.
    func firstOverlap(_ space: Int, _ vpn: Int, _ end: Int) -> RegionRecord? {
        procs[space].regions.first { $0.info.start < end && vpn < $0.info.end }
    }

    /// The first page of [vpn, end) that no region of `space` covers, if any.
    func firstHole(_ space: Int, _ vpn: Int, _ end: Int) -> Int? {
        var next = vpn
        for r in procs[space].regions where r.info.end > next && r.info.start < end {
            if r.info.start > next { return next }
            next = r.info.end
            if next >= end { return nil }
        }
        return next < end ? next : nil
    }
}
