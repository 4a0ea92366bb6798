// MAP_POPULATE, mlock / munlock and mremap's resize in place (issue 11).

extension Machine {
    /// What `populate` did: the faults it took (the process's own, as Linux counts the faults of
    /// get_user_pages) and how it ended.
    public struct PopulateOutcome: Equatable, Sendable {
        /// Pages it made present or writable (a fault each, unless fault-around had mapped them).
        public var faults: Int
        /// The kill that stopped it (out of memory), if any.
        public var killed: Kill?
    }

    /// Prefaults [vpn, vpn + pages) as the kernel's populate_vma_page_range does (MAP_POPULATE,
    /// mlock): a private writable page takes a write fault (FOLL_WRITE: a new zero-filled frame,
    /// a copy of a file page, or the copy-on-write break of a shared one; the page keeps its
    /// value but is dirty), any other page a read fault (the zero page, a page-cache page with
    /// fault-around, a shmem page). Pages already present that need nothing are skipped, so are
    /// PROT_NONE regions and file pages wholly past the end of the file (no SIGBUS: the kernel's
    /// populate stops there without a signal). The faults count as the process's own.
    public mutating func populate(_ pid: PID, at vpn: Int, pages: Int) throws(EngineError) -> PopulateOutcome {
        let i = try runningIndex(pid)
        try validateRange(vpn, pages)
        let space = spaceIndex(i)
        if let hole = firstHole(space, vpn, vpn + pages) { throw EngineError.notMapped(pid: procs[space].pid, vpn: hole) }
        return populatePages(i, space, vpn, vpn + pages)
    }

    mutating func populatePages(_ i: Int, _ space: Int, _ start: Int, _ end: Int) -> PopulateOutcome {
        let before = procs[i].counters.minorFaults + procs[i].counters.majorFaults
        var killed: Kill?
        for v in start..<end {
            guard let r = regionIndex(space, v) else { continue }
            let info = procs[space].regions[r].info
            if info.permissions.isEmpty { continue }
            if case .file(let id) = procs[space].regions[r].source,
               procs[space].regions[r].objectPage(v) >= fileRecords[id - 1].pages { continue }
            let e = procs[space].regions[r].entries[v - info.start]
            let outcome: AccessOutcome
            if info.permissions.contains(.write) && !info.isShared {
                if e & Packed.fastWrite == Packed.fastWrite { continue }
                populating = true
                outcome = writePage(i, space, v, 0)
                populating = false
            } else {
                if Packed.isPresent(e) { continue }
                outcome = readPage(i, space, v)
            }
            if case .killed(let why) = outcome {
                killed = why
                break
            }
        }
        let after = procs[i].counters.minorFaults + procs[i].counters.majorFaults
        return PopulateOutcome(faults: after - before, killed: killed)
    }

    /// mlock(2): marks the regions of [vpn, vpn + pages) (which must be mapped entirely; they
    /// split at its edges) locked, then populates the range as `populate` does. Locked pages are
    /// never chosen by reclaim; smaps shows them as `Locked`. A fork's child does not inherit it.
    public mutating func mlock(_ pid: PID, at vpn: Int, pages: Int) throws(EngineError) -> PopulateOutcome {
        let i = try runningIndex(pid)
        try validateRange(vpn, pages)
        let space = spaceIndex(i)
        if let hole = firstHole(space, vpn, vpn + pages) { throw EngineError.notMapped(pid: procs[space].pid, vpn: hole) }
        setLocked(space, vpn, vpn + pages, true)
        everLocked = true
        return populatePages(i, space, vpn, vpn + pages)
    }

    /// munlock(2): clears the lock of [vpn, vpn + pages), which must be mapped entirely. The pages
    /// stay resident (reclaim may take them again).
    public mutating func munlock(_ pid: PID, at vpn: Int, pages: Int) throws(EngineError) {
        let i = try runningIndex(pid)
        try validateRange(vpn, pages)
        let space = spaceIndex(i)
        if let hole = firstHole(space, vpn, vpn + pages) { throw EngineError.notMapped(pid: procs[space].pid, vpn: hole) }
        setLocked(space, vpn, vpn + pages, false)
    }

    /// Sets the lock of [start, end), splitting only the regions whose lock changes (as
    /// mlock_fixup leaves an already-locked VMA whole); under `profile linux` identical
    /// neighbours then merge back.
    private mutating func setLocked(_ space: Int, _ start: Int, _ end: Int, _ locked: Bool) {
        var changing: [(Int, Int)] = []
        for r in regionsOverlapping(space, start, end) where procs[space].regions[r].info.locked != locked {
            let info = procs[space].regions[r].info
            changing.append((max(start, info.start), min(end, info.end)))
        }
        for (a, b) in changing {
            for r in isolate(space, a, b) { procs[space].regions[r].info.locked = locked }
        }
        if !changing.isEmpty { mergeRegions(space, start, end) }
    }

    /// Whether frame `f` is mapped by a locked region of a live process (reclaim leaves it).
    func isLocked(_ f: Int) -> Bool { Machine.isLocked(f, procs) }

    /// Whether frame `f` is mapped by a locked region of a live process of `procs`.
    static func isLocked(_ f: Int, _ procs: [ProcessRecord]) -> Bool {
        for i in procs.indices where procs[i].state.isAlive && procs[i].borrowsFrom == nil {
            for record in procs[i].regions where record.info.locked {
                for e in record.entries where Packed.isPresent(e) && Packed.frame(e) == f { return true }
            }
        }
        return false
    }

    /// mremap(2) without MREMAP_MAYMOVE: resizes the region [vpn, vpn + pages), which must be one
    /// whole region, to `newPages` in place. Shrinking unmaps the tail (its frames lose the
    /// mappings); growing extends the region over the pages after it, which must be free (else
    /// `overlaps`, nothing changed); a locked region's new pages are populated, as `mlock` does.
    /// A shared anonymous region grows only within its shmem object (Linux would give SIGBUS
    /// past it).
    public mutating func mremapResize(_ pid: PID, at vpn: Int, pages: Int, newPages: Int) throws(EngineError) {
        let i = try runningIndex(pid)
        try validateRange(vpn, pages)
        let space = spaceIndex(i)
        guard newPages > 0 else { throw EngineError.invalidArgument("mremap needs a new size of at least one page") }
        guard let r = regionIndex(space, vpn) else { throw EngineError.notMapped(pid: procs[space].pid, vpn: vpn) }
        let info = procs[space].regions[r].info
        guard info.start == vpn, info.pages == pages else {
            throw EngineError.notWholeRegion(pid: procs[space].pid, vpn: vpn, region: info.name, start: info.start, pages: info.pages)
        }
        if newPages == pages { return }
        if newPages < pages {
            unshareRange(space, vpn + newPages, vpn + pages)      // on-demand fork: shared tables there are copied first
            _ = removeRegions(space, isolate(space, vpn + newPages, vpn + pages))
            return
        }
        try validateRange(vpn, newPages)
        guard newPages <= Machine.maxPages else {
            throw EngineError.limitExceeded("a mapping may have at most \(Machine.maxPages) pages, got \(newPages)")
        }
        let extra = newPages - pages
        guard entryCount + extra <= Machine.maxEntries else {
            throw EngineError.limitExceeded("all processes together may map at most \(Machine.maxEntries) pages")
        }
        if let other = firstOverlap(space, info.end, vpn + newPages) {
            throw EngineError.overlaps(pid: procs[space].pid, region: other.info.name)
        }
        if case .shmem(let id) = procs[space].regions[r].source,
           procs[space].regions[r].objectOffset + newPages > shmemObjects[id - 1].pages {
            throw EngineError.invalidArgument("shared anonymous memory grows only within the \(shmemObjects[id - 1].pages) pages it was created with")
        }
        if case .file = info.backing, procs[space].regions[r].objectOffset > Machine.maxPages - newPages {
            throw EngineError.limitExceeded("a file mapping must end within \(Machine.maxPages) pages of the file's start")
        }
        procs[space].regions[r].info.pages = newPages
        procs[space].regions[r].entries.append(contentsOf: repeatElement(0, count: extra))
        entryCount += extra
        // As Linux's mremap: growing an mlock'd region populates the new pages (faults of the
        // process's own).
        if info.locked { _ = populatePages(i, space, vpn + pages, vpn + newPages) }
    }
}
