// madvise beyond fork's advice: dropping pages (dontneed, free), reading ahead (willneed) and the
// hints recorded on a region (random / sequential, hugepage / nohugepage).

/// Every advice `madvise` takes in this model, by the word scripts use (MADV_ + upper case).
public enum MemoryAdvice: String, Sendable, CaseIterable {
    /// MADV_NORMAL: clears fork advice (dontfork, wipeonfork) and the readahead hint.
    case normal
    /// MADV_DONTFORK.
    case dontfork
    /// MADV_WIPEONFORK.
    case wipeonfork
    /// MADV_DONTNEED: drops the range's page-table entries now.
    case dontneed
    /// MADV_FREE: private anonymous pages this process alone maps are freed (as if reclaimed at once).
    case free
    /// MADV_WILLNEED: reads the range's file pages into the page cache, mapping nothing.
    case willneed
    /// MADV_RANDOM: no readahead on this region.
    case random
    /// MADV_SEQUENTIAL: more readahead on this region.
    case sequential
    /// MADV_HUGEPAGE: transparent huge pages wanted (recorded).
    case hugepage
    /// MADV_NOHUGEPAGE: no transparent huge pages (recorded).
    case nohugepage
}

/// The readahead hint of a region (MADV_NORMAL / MADV_RANDOM / MADV_SEQUENTIAL).
public enum ReadaheadHint: String, Sendable {
    case normal, random, sequential
}

/// The transparent-huge-page hint of a region.
public enum HugePageHint: String, Sendable {
    /// Neither MADV_HUGEPAGE nor MADV_NOHUGEPAGE was given.
    case unset
    case hugepage, nohugepage
}

/// What an `madvise` call did, for the language to report.
public struct AdviceOutcome: Equatable, Sendable {
    /// Present page-table entries removed (dontneed, free).
    public var entriesDropped = 0
    /// Frames freed because no entry maps them any more (dontneed, free).
    public var framesFreed = 0
    /// File pages read into the page cache (willneed).
    public var pagesRead = 0
    /// An outcome, for building expectations.
    public init(entriesDropped: Int = 0, framesFreed: Int = 0, pagesRead: Int = 0) {
        self.entriesDropped = entriesDropped
        self.framesFreed = framesFreed
        self.pagesRead = pagesRead
    }
}

extension Machine {
    /// `madvise(addr, len, advice)` on [vpn, vpn + pages), which must be mapped entirely (Linux
    /// returns ENOMEM for a hole; here nothing changes). Advice that cannot apply to a region of
    /// the range is refused before anything changes:
    /// - `free` and `hugepage` apply only to private anonymous memory (Linux: MADV_FREE is EINVAL
    ///   on file and shared mappings; this model also refuses huge pages there);
    /// - `wipeonfork` as `advise` says.
    public mutating func madvise(_ pid: PID, at vpn: Int, pages: Int, advice: MemoryAdvice) throws(EngineError) -> AdviceOutcome {
        if uncountedShares > 0 || !sharedLeaves.isEmpty, (try? validateRange(vpn, pages)) != nil,
           let i = try? runningIndex(pid), firstHole(spaceIndex(i), vpn, vpn + pages) == nil {
            unshareRange(spaceIndex(i), vpn, vpn + pages)     // on-demand fork: shared tables there are copied first
        }
        switch advice {
        case .normal, .dontfork, .wipeonfork:
            let forkAdvice: Advice = advice == .dontfork ? .dontFork : advice == .wipeonfork ? .wipeOnFork : .normal
            try advise(pid, at: vpn, pages: pages, advice: forkAdvice)
            if advice == .normal { try setRegionHint(pid, vpn, pages) { $0.readahead = .normal } }
            return AdviceOutcome()
        case .random, .sequential:
            let hint: ReadaheadHint = advice == .random ? .random : .sequential
            try setRegionHint(pid, vpn, pages) { $0.readahead = hint }
            return AdviceOutcome()
        case .hugepage:
            try requirePrivateAnonymous(pid, vpn, pages, advice)
            try requireWholeHugePage(vpn, pages)
            try setRegionHint(pid, vpn, pages) { $0.hugePages = .hugepage }
            return AdviceOutcome()
        case .nohugepage:
            try setRegionHint(pid, vpn, pages) { $0.hugePages = .nohugepage }
            return AdviceOutcome()
        case .dontneed:
            let space = try mappedSpace(pid, vpn, pages)
            let tlbMark = tlbInvalidationMark
            defer { noteTLB(procs[space].pid, since: tlbMark, .madvise) }
            return dropEntries(space, vpn, vpn + pages, onlyExclusiveAnonymous: false)
        case .free:
            let space = try requirePrivateAnonymous(pid, vpn, pages, advice)
            // MADV_FREE marks the pages lazily freeable; reclaim then frees those nobody else maps
            // and leaves pages shared with another process (and the zero page) mapped. This model
            // reclaims at once.
            let tlbMark = tlbInvalidationMark
            defer { noteTLB(procs[space].pid, since: tlbMark, .madvise) }
            return dropEntries(space, vpn, vpn + pages, onlyExclusiveAnonymous: true)
        case .willneed:
            let space = try mappedSpace(pid, vpn, pages)
            return readAhead(space, vpn, vpn + pages)
        }
    }

    /// The address space of running process `pid` after checking that [vpn, vpn + pages) is
    /// entirely mapped.
    func mappedSpace(_ pid: PID, _ vpn: Int, _ pages: Int) throws(EngineError) -> Int {
        let i = try runningIndex(pid)
        try validateRange(vpn, pages)
        let space = spaceIndex(i)
        if let hole = firstHole(space, vpn, vpn + pages) {
            throw EngineError.notMapped(pid: procs[space].pid, vpn: hole)
        }
        return space
    }

    /// As `mappedSpace`, also refusing a range that touches anything but private anonymous memory.
    @discardableResult
    private func requirePrivateAnonymous(_ pid: PID, _ vpn: Int, _ pages: Int, _ advice: MemoryAdvice) throws(EngineError) -> Int {
        let space = try mappedSpace(pid, vpn, pages)
        if let r = regionsOverlapping(space, vpn, vpn + pages).first(where: {
            procs[space].regions[$0].source != .privateAnonymous })
        {
            let bad = procs[space].regions[r]
            let what: String
            if case .file = bad.source { what = "a file mapping" } else { what = "shared anonymous memory" }
            throw EngineError.invalidArgument(
                "advice \(advice.rawValue) applies only to private anonymous memory; region \(bad.info.name) is \(what)")
        }
        return space
    }

    /// Refuses `hugepage` advice on a range that holds no whole aligned 512-page block: no
    /// transparent huge page could ever be used there (Linux accepts the advice and silently
    /// never uses one; issue 11 wants it refused). A range holding one or more such blocks is
    /// accepted as a whole, as Linux does.
    private func requireWholeHugePage(_ vpn: Int, _ pages: Int) throws(EngineError) {
        let n = Machine.hugePagePages
        let firstBlock = (vpn + n - 1) / n * n
        guard firstBlock + n > vpn + pages else { return }
        throw EngineError.invalidArgument(
            "advice hugepage needs a range holding a whole huge page (\(n) pages from a multiple of \(n) pages: 2 MiB, 2 MiB-aligned, with 4 KiB pages); this range of \(pages) pages holds none")
    }

    /// `changeRegions` on the range of running process `pid`, which must be mapped entirely.
    private mutating func setRegionHint(_ pid: PID, _ vpn: Int, _ pages: Int, _ change: (inout Region) -> Void) throws(EngineError) {
        changeRegions(try mappedSpace(pid, vpn, pages), vpn, vpn + pages, change)
    }

    /// Splits the regions of `space` at the edges of [vpn, end), applies `change` to each region
    /// inside, and under `profile linux` merges identical neighbours back (madvise_update_vma).
    mutating func changeRegions(_ space: Int, _ vpn: Int, _ end: Int, _ change: (inout Region) -> Void) {
        for r in isolate(space, vpn, end) { change(&procs[space].regions[r].info) }
        mergeRegions(space, vpn, end)
    }

    /// Removes the present entries of [vpn, end), or only those mapping an anonymous frame nobody
    /// else maps when `onlyExclusiveAnonymous` (regions are not split, as
    /// MADV_DONTNEED leaves the VMAs alone). A frame loses one mapping; an anonymous frame nobody
    /// maps any more is freed; page-cache and shmem frames stay in memory.
    private mutating func dropEntries(_ space: Int, _ vpn: Int, _ end: Int,
                                       onlyExclusiveAnonymous: Bool) -> AdviceOutcome {
        var outcome = AdviceOutcome()
        for r in regionsOverlapping(space, vpn, end) {
            splitHugeBlocks(space, r, vpn, end)
            let info = procs[space].regions[r].info
            let lo = max(vpn, info.start), hi = min(end, info.end)
            for v in lo..<hi {
                let e = procs[space].regions[r].entries[v - info.start]
                if Packed.isSwap(e) {
                    // A swap entry goes too (Linux frees swap entries on dontneed and free alike).
                    procs[space].regions[r].entries[v - info.start] = 0
                    outcome.entriesDropped += 1
                    if dropSwapEntry(e) { outcome.framesFreed += 1 }
                    continue
                }
                guard Packed.isPresent(e) else { continue }
                if onlyExclusiveAnonymous && !(mapsAnonymousFrame(e) && frames.mapcount[Packed.frame(e)] == 1) { continue }
                if tlb.isOn { invalidateTLB(space, v) }
                procs[space].regions[r].entries[v - info.start] = 0
                outcome.entriesDropped += 1
                if dropReference(e) { outcome.framesFreed += 1 }
            }
        }
        return outcome
    }

    /// MADV_WILLNEED: reads every page of the file regions in [vpn, end) that is not cached into
    /// the page cache (clean, unmapped, no fault counted). Anonymous and shared anonymous memory
    /// have nothing to read. Stops quietly when memory is full, as readahead does.
    private mutating func readAhead(_ space: Int, _ vpn: Int, _ end: Int) -> AdviceOutcome {
        var outcome = AdviceOutcome()
        for r in regionsOverlapping(space, vpn, end) {
            let record = procs[space].regions[r]
            guard case .file(let id) = record.source else { continue }
            let lo = max(vpn, record.info.start), hi = min(end, record.info.end)
            for v in lo..<hi {
                let page = record.objectPage(v)
                guard page < fileRecords[id - 1].pages, cachedFrame(file: id, page: page) == nil else { continue }
                guard readIntoCache(file: id, page: page) != nil else { return outcome }
                outcome.pagesRead += 1
            }
        }
        return outcome
    }
}
