// Reclaim and the out-of-memory killer: what a fault does when no frame is free and swap is
// configured (without swap, `allocateFrame` is `frames.allocate` and the faulting process is
// killed as before).
//
// Reclaim takes one frame chosen by the replacement policy (`chooseVictim`):
// - a page-cache page is dropped (written back first if dirty); every entry mapping it is
//   emptied, so a later access is a major fault that reads it back;
// - an anonymous page goes to a swap slot (the lowest free one), unless the frame is the
//   swap-cache copy of a slot already (then nothing is written); every entry mapping it becomes
//   a swap entry naming the slot, which counts them.
// Shared anonymous memory (shmem) and the shared zero page are never reclaimed here.
// When nothing can be reclaimed (memory full, swap full) the out-of-memory killer kills the
// process with the largest Rss + swap entries + page-table pages, as Linux's `oom_badness`
// ranks them (ties: the newest process, as the kernel's process-list walk keeps the last of
// equal scores), and the fault carries on with the memory that freed; if the victim is the
// faulting process itself (or the address space it uses), the fault ends in its death.

extension Machine {
    /// A frame of `kind` (owner and page as `FrameTable.allocate`): a free one, else (with swap)
    /// one reclaimed, else one freed by the out-of-memory killer during a fault. nil when there is
    /// none: without swap as before; with swap, when the faulting process itself was killed
    /// (then `outOfMemory` reports its death) or outside a fault. `sparing` is a frame the caller
    /// is still working on (the source of a copy), which reclaim must leave alone.
    @inline(__always)
    mutating func allocateFrame(_ kind: FrameTable.Kind, owner: Int = 0, page: Int = 0, sparing: Int = -1) -> Int? {
        if let f = frames.allocate(kind, owner: owner, page: page) { return f }
        guard swap.isOn else { return nil }
        return allocateUnderPressure(kind, owner: owner, page: page, sparing: sparing)
    }

    /// Reclaims (or, failing that, kills) until a frame is free.
    private mutating func allocateUnderPressure(_ kind: FrameTable.Kind, owner: Int, page: Int, sparing: Int) -> Int? {
        let saved = swap.pinned.1
        swap.pinned.1 = sparing
        defer { swap.pinned.1 = saved }
        // Each round frees a frame (reclaim) or kills a process (at most one round per process).
        while true {
            if let choice = chooseVictim() {
                reclaim(choice.frame, why: choice.why)
            } else {
                guard let fault = swap.faulting, outOfMemoryKill(fault) else { return nil }
            }
            if let f = frames.allocate(kind, owner: owner, page: page) { return f }
        }
    }

    // MARK: choosing the frame

    /// The frame reclaim should take and why, nil when none can be taken: the replacement
    /// policy's choice (`set policy`). A frame it names that cannot be taken now (shmem, the
    /// source of the copy being made, an anonymous page with swap full) is passed over (the
    /// policy keeps it and names it last) and the policy asked again, at most once per frame it
    /// tracks. Without tracking (never, with swap on): the lowest-numbered reclaimable frame.
    mutating func chooseVictim() -> (frame: Int, why: String)? {
        guard frames.replacement.isTracking else {
            for f in 0..<frames.materialized where isReclaimable(f) { return (f, "lowest-numbered reclaimable frame") }
            return nil
        }
        var tries = frames.replacement.count
        while tries > 0, let choice = chooseReplacementVictim() {
            if isReclaimable(choice.frame) { return choice }
            passOverVictim(choice.frame)
            tries -= 1
        }
        return nil
    }

    /// Whether reclaim can take frame `f` now: a page-cache page, or an anonymous page with a
    /// free swap slot to go to (or already in the swap cache); never a frame the fault being
    /// handled is working on, never shmem or a tmpfs page (they would need swap, not modelled).
    @inline(__always) func isReclaimable(_ f: Int) -> Bool {
        guard f >= 0, f < frames.materialized, f != swap.pinned.0, f != swap.pinned.1 else { return false }
        switch frames.kinds[f] {
        case .pageCache:
            if fileRecords[Int(frames.owner[f]) - 1].isTmpfs { return false }     // tmpfs pages have no disk to go to
        case .anonymous:
            if swap.slot(cachedIn: f) == nil && swap.used >= swap.capacity { return false }
        default:
            return false
        }
        // The lock check reads the process array alone: calling a method of the whole machine
        // here made every call of `chooseVictim` copy the machine's 728 bytes first (issue 14).
        return !everLocked || !Machine.isLocked(f, procs)
    }

    // MARK: reclaiming it

    /// Frees frame `f` (which `isReclaimable`), recording why it was chosen.
    mutating func reclaim(_ f: Int, why: String) {
        let tlbMark = tlbInvalidationMark
        defer { noteTLB(nil, since: tlbMark, .reclaim) }
        switch frames.kinds[f] {
        case .anonymous:
            let slot: Int
            let written: Bool
            if let s = swap.slot(cachedIn: f) {
                // The swap-cache copy of a slot: the slot holds the same page (nobody could write
                // the frame: it is mapped read-only while swap entries still name the slot).
                slot = s
                written = false
                swap.unlink(s)
            } else {
                guard let s = swap.allocate() else { return }
                slot = s
                written = true
                swap.value[s] = frames.values[f]
                swap.pagesOut += 1
            }
            splitHugeMappings(ofFrame: f)     // a huge page is split before a page of it goes to swap
            let n = replaceMappings(of: f, with: Packed.swapEntry(slot))
            swap.count[slot] += Int32(n)
            frames.release(f)               // mapcount back to 0 with the rest of the frame's state
            if swap.count[slot] == 0 { swap.release(slot) }     // mapped by nobody: nothing to keep
            note(.reclaimed(frame: f, page: .swappedOut(slot: slot, written: written), entries: n, why: why))
        case .pageCache:
            let id = Int(frames.owner[f]), page = Int(frames.ownerPage[f])
            var dirty = frames.dirty[f]
            let n = unmapPageCacheFrame(f, file: id, page: page, dirty: &dirty)
            if dirty { fileRecords[id - 1].disk[page] = frames.values[f] }
            fileRecords[id - 1].cache[page] = -1
            fileRecords[id - 1].cachedCount -= 1
            frames.mapcount[f] = 0
            frames.release(f)
            note(.reclaimed(frame: f, page: .dropped(file: id, page: page, writtenBack: dirty), entries: n, why: why))
        default:
            return
        }
    }

    /// Replaces every entry mapping anonymous frame `f` by `replacement`; returns how many. Looks
    /// at the frame's hinted page in every address space first (copy-on-write keeps a page at
    /// one address), and walks all page tables only if that did not find every mapper.
    private mutating func replaceMappings(of f: Int, with replacement: PackedEntry) -> Int {
        var left = Int(frames.mapcount[f])
        guard left > 0 else { return 0 }
        var n = 0
        let vpn = swap.hintedVPN(f)
        if vpn >= 0 {
            for space in procs.indices where procs[space].state.isAlive && procs[space].borrowsFrom == nil {
                guard let (r, start, e) = regionAndEntry(space, vpn), Packed.isPresent(e), Packed.frame(e) == f else { continue }
                let k = vpn - start
                if tlb.isOn { invalidateTLB(space, vpn) }
                procs[space].regions[r].entries[k] = replacement
                n += 1
                left -= 1
                if left == 0 { return n }
            }
        }
        for space in procs.indices where procs[space].state.isAlive && procs[space].borrowsFrom == nil {
            for r in procs[space].regions.indices {
                guard !procs[space].regions[r].info.isShared else { continue }     // anonymous frames live in private regions
                for k in procs[space].regions[r].entries.indices {
                    let e = procs[space].regions[r].entries[k]
                    guard Packed.isPresent(e), Packed.frame(e) == f else { continue }
                    if tlb.isOn { invalidateTLB(space, procs[space].regions[r].info.start + k) }
                    procs[space].regions[r].entries[k] = replacement
                    n += 1
                    left -= 1
                    if left == 0 { return n }
                }
            }
        }
        return n
    }

    /// Empties every entry mapping page-cache frame `f` (page `page` of file `id`), gathering
    /// their dirty bits into `dirty`; returns how many. Only regions of that file can map it.
    private mutating func unmapPageCacheFrame(_ f: Int, file id: FileID, page: Int, dirty: inout Bool) -> Int {
        var n = 0
        for space in procs.indices where procs[space].state.isAlive && procs[space].borrowsFrom == nil {
            for r in procs[space].regions.indices {
                guard case .file(let owner) = procs[space].regions[r].source, owner == id else { continue }
                let k = page - procs[space].regions[r].objectOffset
                guard k >= 0, k < procs[space].regions[r].info.pages else { continue }
                let e = procs[space].regions[r].entries[k]
                guard Packed.isPresent(e), Packed.frame(e) == f else { continue }
                if e & Packed.dirty != 0 { dirty = true }
                if tlb.isOn { invalidateTLB(space, procs[space].regions[r].info.start + k) }
                procs[space].regions[r].entries[k] = 0
                n += 1
            }
        }
        return n
    }

    // MARK: the out-of-memory killer

    /// How the out-of-memory killer ranks the process at index `i` (which owns an address space).
    func oomScore(_ i: Int) -> OOMScore {
        var rss = 0, swapped = 0
        for record in procs[i].regions {
            for e in record.entries where e != 0 {
                if Packed.isPresent(e) {
                    if Packed.frame(e) != frames.zeroFrame { rss += 1 }
                } else {
                    swapped += 1
                }
            }
        }
        return OOMScore(rss: rss, swap: swapped, pageTables: oomTablePages(i))
    }

    /// Page-table pages of the address space at index `i`, for the out-of-memory score: its
    /// tables below the top level (Linux's mm_pgtables_bytes, which does not count the PGD; the
    /// same pages as VmPTE) once the script has chosen a page-table layout, so that the tables'
    /// cost shows; 0 before, as the score was before page tables were accounted (the event and
    /// the victim of existing scripts stay as they were).
    func oomTablePages(_ i: Int) -> Int { showsPageTables ? procs[i].tables.belowTop : 0 }

    /// Memory and swap are full during `fault`: kills the process with the largest score (with
    /// any vfork child borrowing its address space). Returns whether the faulting process
    /// survived (then the fault may go on with the memory that freed).
    private mutating func outOfMemoryKill(_ fault: (process: Int, space: Int, vpn: Int)) -> Bool {
        var best: (index: Int, score: OOMScore)?
        for i in procs.indices where procs[i].state.isAlive && procs[i].borrowsFrom == nil {
            let score = oomScore(i)
            if let (_, top) = best, score.points < top.points { continue }
            best = (i, score)
        }
        let faulter = procs[fault.process].pid
        guard let (v, score) = best else { return false }
        let victimPid = procs[v].pid
        note(.oomKilled(victim: victimPid, score: score, pid: faulter, vpn: fault.vpn))
        var group = [v]
        for i in procs.indices where procs[i].state.isAlive && procs[i].borrowsFrom == victimPid { group.append(i) }
        for i in group {
            let reason: Kill = i == fault.process ? .outOfMemory(vpn: fault.vpn) : .oomVictim(pid: faulter, vpn: fault.vpn)
            _ = terminate(i, .killed(reason))
        }
        return !group.contains(fault.process)
    }
}
