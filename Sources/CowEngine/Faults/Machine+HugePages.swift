// Transparent huge pages (conformance rule 17), for private anonymous regions advised
// `hugepage`. A huge page is 512 consecutive frames starting at a multiple of 512, mapped by the
// 512 ordinary entries of a 512-page block that starts at a multiple of 512 (2 MiB with 4 KiB
// pages); the region remembers the block in `hugeBlocks`, which is what Linux's single PMD entry
// says. So frame accounting, mapcounts, Rss and Pss need nothing new: each of the 512 frames is
// counted as a page, as Linux's smaps counts a PMD-mapped THP page by page.
//
// - The first fault in an empty block (no entry, no swap entry) that wants a frame maps the whole
//   block: one fault, one event, 512 frames, every entry writable (if the region is), dirty and
//   accessed (Linux makes the PMD dirty at once). A write always wants one; a read only when the
//   zero page is switched off (`textbook`): with it (`linux`) a read maps the 4 KiB zero page as
//   any read of untouched memory, so the block then has an entry and later writes get 4 KiB
//   pages (Linux maps its huge zero page there; after its split the writes are 4 KiB pages too).
//   No aligned block of 512 free frames: 4 KiB page, as Linux falls back (no reclaim for it).
// - Fork shares it copy-on-write (the child's region keeps the block). A write fault on it by a
//   process whose frames nobody else maps reuses the whole huge page (one fault, one reuse);
//   otherwise the process's huge mapping is split and the fault is an ordinary copy-on-write
//   fault of one 4 KiB page (one fault, one copy); the other 511 pages stay shared.
// - munmap, mprotect, madvise and mremap of part of a block split it first (region splits do
//   it, see `split(_:at:)`), dontneed / free of any of it too, and reclaim splits every mapping
//   of a huge page before swapping one of its pages out.

extension Machine {
    /// Pages of one transparent huge page: the entries of one page-table page.
    public static let hugePagePages = pageTableEntries

    /// The first page of the block holding `vpn`.
    @inline(__always) static func hugeBlock(_ vpn: Int) -> Int { vpn - vpn % hugePagePages }

    /// Whether region `r` of `space` maps the block holding `vpn` as a huge page.
    @inline(__always) func isHugeMapped(_ space: Int, _ r: Int, _ vpn: Int) -> Bool {
        withRegion(space, r) { !$0.hugeBlocks.isEmpty && $0.hugeBlocks.contains(Self.hugeBlock(vpn)) }
    }

    /// Whether `vpn` of the address space `pid` uses is mapped by a transparent huge page.
    public func isHugeMapped(_ pid: PID, vpn: Int) -> Bool {
        guard pid >= 1, pid <= procs.count else { return false }
        let space = spaceIndex(pid - 1)
        guard let r = regionIndex(space, vpn) else { return false }
        return isHugeMapped(space, r, vpn)
    }

    /// The block a fault at `vpn` of region `r` would map as a huge page: the region is private
    /// anonymous, advised `hugepage`, holds the whole aligned block, and no entry of the block
    /// is set (no page, no zero page, no swap entry). nil otherwise.
    func hugeBlockForFault(_ space: Int, _ r: Int, _ vpn: Int) -> Int? {
        // Read in place, the cheap facts first: a copy of the record (its arrays retained and
        // released) on every anonymous fault was a large part of a first touch's time.
        let (hugePages, source, start, end) = withRegion(space, r) {
            ($0.info.hugePages, $0.source, $0.info.start, $0.info.end)
        }
        guard hugePages == .hugepage, source == .privateAnonymous else { return nil }
        let b = Self.hugeBlock(vpn)
        guard b >= start, b + Self.hugePagePages <= end else { return nil }
        let k = b - start
        let empty = withRegion(space, r) { record in
            record.entries.withUnsafeBufferPointer { entries in
                !entries[k..<(k + Self.hugePagePages)].contains { $0 != 0 }
            }
        }
        guard empty else { return nil }
        if procs[space].tables.sharedLeaves != 0, let leafShift = tableShifts.last {
            // On-demand fork: a block over several leaf tables (small leaves) some of which are
            // still shared gets a 4 KiB page (the fault copied only the faulting page's table).
            var v = b
            while v < b + Self.hugePagePages {
                if sharedLeafID(space, v) != nil { return nil }
                v = ((v >> leafShift) + 1) << leafShift
            }
        }
        return b
    }

    /// Maps the block of `site` as one huge page if it can (see `hugeBlockForFault`), storing
    /// `value` in the faulting page when it is a write; counts the fault. nil (nothing changed)
    /// when it cannot: the caller maps a 4 KiB page instead.
    mutating func faultHugePage(at site: FaultSite, write value: Int64?) -> AccessOutcome? {
        let (i, space, r, vpn) = (site.process, site.space, site.region, site.vpn)
        // The region's advice first, read here: most regions are not advised `hugepage`, and the
        // inlined `hugeBlockForFault` starts by copying the whole machine (776 bytes) to read it.
        let (hugePages, source) = withRegion(space, r) { ($0.info.hugePages, $0.source) }
        guard hugePages == .hugepage, source == .privateAnonymous else { return nil }
        guard let b = hugeBlockForFault(space, r, vpn) else { return nil }
        if let leafShift = tableShifts.last, (1 << leafShift) < Self.hugePagePages {
            // Leaves smaller than a block: every leaf table of the block first (with table frames
            // only from free frames; none free: a 4 KiB page instead).
            var v = b
            while v < b + Self.hugePagePages {
                if procs[space].tables.levels.last?[v >> leafShift] == nil, !allocateTables(space, v) { return nil }
                v += 1 << leafShift
            }
        }
        guard let first = frames.allocateBlock(Self.hugePagePages) else { return nil }
        let writable = procs[space].regions[r].info.permissions.contains(.write)
        let flags = Packed.dirty | Packed.accessed | (writable ? Packed.writable : 0)
        for j in 0..<Self.hugePagePages {
            install(space, r, b + j, frame: first + j, flags)
            frames.dirty[first + j] = true
        }
        procs[space].regions[r].hugeBlocks.append(b)
        procs[space].regions[r].hugeBlocks.sort()
        countFault(i, major: false)
        note(.hugePageMapped(pid: procs[i].pid, vpn: b, frame: first, pages: Self.hugePagePages))
        if let value {
            store(first + (vpn - b), value)
            return .value(value)
        }
        return .value(0)
    }

    /// A write fault on a write-protected page of a huge mapping (after fork): if every frame of
    /// the huge page is this mapping's alone, the whole huge page becomes writable again (one
    /// fault, one reuse; Linux reuses the PMD) and the outcome is returned; otherwise the mapping
    /// is split and nil returned, for the ordinary copy-on-write fault of the one page.
    mutating func writeProtectedHugePage(at site: FaultSite, _ value: Int64) -> AccessOutcome? {
        let (i, space, r, vpn) = (site.process, site.space, site.region, site.vpn)
        let b = Self.hugeBlock(vpn)
        let start = procs[space].regions[r].info.start
        let first = Packed.frame(procs[space].regions[r].entries[b - start])
        let alone = config.behaviours.reuseSoleSharer
            && (first..<(first + Self.hugePagePages)).allSatisfy { frames.mapcount[$0] == 1 && !isSwapCached($0) }
        guard alone else {
            splitHugeBlocks(space, r, b, b + 1)
            return nil
        }
        for j in 0..<Self.hugePagePages {
            let e = procs[space].regions[r].entries[b - start + j]
            procs[space].regions[r].entries[b - start + j] = (e & ~Packed.copyOnWrite) | Packed.writable | Packed.dirty | Packed.accessed
        }
        store(first + (vpn - b), value)
        countFault(i, major: false)
        procs[i].counters.reuses += 1
        note(.copyOnWriteReuse(pid: procs[i].pid, vpn: vpn, frame: first + (vpn - b)))
        return .value(value)
    }

    /// Whether frame `f` belongs to a huge page (a large folio, even after its mappings split)
    /// some page of which another mapping outside the faulting block of this address space
    /// still maps. Linux (6.x) reuses a page of a large folio on a write fault only when the
    /// whole folio is this process's alone; otherwise it copies, even if this one page has
    /// mapcount 1 (measured on the host: the kernel copied where reuse-by-mapcount would not).
    func inHugePageMappedElsewhere(_ f: Int, _ site: FaultSite) -> Bool {
        guard frames.inHugeFolio(f) else { return false }
        let first = f - f % FrameTable.hugeFolioFrames
        var total = 0
        for g in first..<(first + Self.hugePagePages) where frames.inHugeFolio(g) { total += Int(frames.mapcount[g]) }
        let record = procs[site.space].regions[site.region]
        let b = Self.hugeBlock(site.vpn)
        var here = 0
        for v in max(b, record.info.start)..<min(b + Self.hugePagePages, record.info.end) {
            let e = record.entries[v - record.info.start]
            if Packed.isPresent(e), Packed.frame(e) >= first, Packed.frame(e) < first + Self.hugePagePages,
               frames.inHugeFolio(Packed.frame(e)) { here += 1 }
        }
        return total != here
    }

    /// Splits the huge mappings of region `r` of `space` whose blocks overlap [vpn, end).
    mutating func splitHugeBlocks(_ space: Int, _ r: Int, _ vpn: Int, _ end: Int) {
        guard !procs[space].regions[r].hugeBlocks.isEmpty else { return }
        let pid = procs[space].pid
        let blocks = procs[space].regions[r].hugeBlocks
        let split = blocks.filter { $0 < end && $0 + Self.hugePagePages > vpn }
        guard !split.isEmpty else { return }
        procs[space].regions[r].hugeBlocks = blocks.filter { !($0 < end && $0 + Self.hugePagePages > vpn) }
        for b in split { note(.hugePageSplit(pid: pid, vpn: b)) }
    }

    /// Splits the huge mappings of every region of `space` overlapping [vpn, end).
    mutating func splitHugeBlocks(_ space: Int, _ vpn: Int, _ end: Int) {
        for r in regionsOverlapping(space, vpn, end) { splitHugeBlocks(space, r, vpn, end) }
    }

    /// Splits every huge mapping (in every address space) of the huge page holding frame `f`,
    /// before reclaim takes the frame.
    mutating func splitHugeMappings(ofFrame f: Int) {
        // Every frame a huge mapping maps is part of its folio (`checkHugeBlocks`): a frame in
        // none has nothing to split, and the walk of every region is skipped (issue 14: reclaim
        // calls this for every page it swaps out).
        guard !frames.hugeFolios.isEmpty, frames.inHugeFolio(f) else { return }
        for space in procs.indices where procs[space].state.isAlive && procs[space].borrowsFrom == nil {
            for r in procs[space].regions.indices where !procs[space].regions[r].hugeBlocks.isEmpty {
                let start = procs[space].regions[r].info.start
                for b in procs[space].regions[r].hugeBlocks {
                    let first = Packed.frame(procs[space].regions[r].entries[b - start])
                    if f >= first && f < first + Self.hugePagePages { splitHugeBlocks(space, r, b, b + 1) }
                }
            }
        }
    }

    /// mremap moved `record` by `delta` pages: its huge mappings move with it when the move keeps
    /// blocks aligned (Linux moves the PMDs), and are split otherwise.
    mutating func moveHugeBlocks(_ record: inout RegionRecord, by delta: Int, pid: PID) {
        guard !record.hugeBlocks.isEmpty else { return }
        if delta % Self.hugePagePages == 0 {
            record.hugeBlocks = record.hugeBlocks.map { $0 + delta }
        } else {
            for b in record.hugeBlocks { note(.hugePageSplit(pid: pid, vpn: b)) }
            record.hugeBlocks = []
        }
    }

    /// Huge pages mapped by the address space `pid` uses (or by its regions called `region`).
    public func hugePageCount(of pid: PID, region: String? = nil) -> Int {
        guard pid >= 1, pid <= procs.count, procs[pid - 1].state.isAlive else { return 0 }
        var n = 0
        for record in procs[spaceIndex(pid - 1)].regions where region == nil || record.info.name == region {
            n += record.hugeBlocks.count
        }
        return n
    }

    /// Every frame still part of a huge page's folio is in use and anonymous.
    func checkHugeFolios(_ problems: inout [String]) {
        for first in frames.hugeFolios.keys.sorted() {
            let ok = first % FrameTable.hugeFolioFrames == 0
                && (first..<(first + FrameTable.hugeFolioFrames)).allSatisfy {
                    !frames.inHugeFolio($0) || (frames.isUsed($0) && frames.kinds[$0] == .anonymous) }
            if !ok { problems.append("huge page at frame \(first) has a frame that is free or not anonymous") }
        }
    }

    /// The huge-page invariants of region `record` of process `pid`: each block inside the
    /// region, aligned, in order, its entries mapping 512 consecutive anonymous frames from an
    /// aligned first frame.
    func checkHugeBlocks(_ pid: PID, _ record: RegionRecord, _ problems: inout [String]) {
        var previous = Int.min
        for b in record.hugeBlocks {
            let at = "huge page at \(b) of \(pid) (\(record.info.name))"
            guard b % Self.hugePagePages == 0, b >= record.info.start, b + Self.hugePagePages <= record.info.end,
                  b >= previous + Self.hugePagePages, record.source == .privateAnonymous else {
                problems.append("\(at) is unaligned, out of order or not inside its private anonymous region")
                continue
            }
            previous = b
            let k = b - record.info.start
            let first = Packed.frame(record.entries[k])
            guard first % Self.hugePagePages == 0, frames.hugeFolios[first] != nil else {
                problems.append("\(at) starts at frame \(first), not the first frame of a huge page")
                continue
            }
            for j in 0..<Self.hugePagePages {
                let e = record.entries[k + j]
                let ok = Packed.isPresent(e) && Packed.frame(e) == first + j && frames.isUsed(first + j)
                    && frames.kinds[first + j] == .anonymous && frames.inHugeFolio(first + j)
                if !ok {
                    problems.append("\(at): entry \(b + j) does not map frame \(first + j) of the huge page like the others")
                    break
                }
            }
        }
    }
}
