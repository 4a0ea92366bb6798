// Page-fault handling: what happens when an access finds no entry, or a write finds the entry
// write-protected. Each handler takes one kind of fault, counts it and records its event.

/// Where a fault happened, named instead of four bare indices: the process that took it, the
/// address space and region it hit, and the page.
struct FaultSite {
    /// Index in `procs` of the faulting process (charged for the fault, killed if it must be).
    let process: Int
    /// Index in `procs` of the address-space owner (the vfork parent for a borrowing child).
    let space: Int
    /// Index of the region of that address space holding `vpn`.
    let region: Int
    /// The virtual page.
    let vpn: Int
}

extension Machine {
    // MARK: small steps

    /// Points entry `vpn` of region `r` at `frame` with `flags`, counting the new mapping.
    @inline(__always) mutating func install(_ space: Int, _ r: Int, _ vpn: Int, frame: Int, _ flags: UInt32) {
        var anonymous = false
        if frame != frames.zeroFrame {
            frames.mapcount[frame] += 1
            if frames.kinds[frame] == .anonymous {
                anonymous = true
                if swap.isOn { swap.hint(frame, vpn) }
            }
        }
        let entry = Packed.make(frame: frame, flags | Packed.present | Packed.user)
        // One change of the record in place (one walk down the region tree).
        modifyRegion(space, r) { record in
            if anonymous { record.hadAnonymousFrame = true }
            record.entries[vpn - record.info.start] = entry
        }
    }

    /// Stores a written value in `frame` and marks the page dirty.
    @inline(__always) mutating func store(_ frame: Int, _ value: Int64) {
        if !populating { frames.values[frame] = value }
        frames.dirty[frame] = true
    }

    /// Counts a fault against process `i`.
    @inline(__always) mutating func countFault(_ i: Int, major: Bool) {
        if major { procs[i].counters.majorFaults += 1 } else { procs[i].counters.minorFaults += 1 }
    }

    /// Flags for a read-mapped file or shmem page: shared mappings get the region's write right
    /// (no write-notify in this model); private ones stay read-only, copy-on-write if writable.
    @inline(__always) func readMappingFlags(_ info: Region) -> UInt32 {
        guard info.permissions.contains(.write) else { return 0 }
        if info.isShared, notifiesWrites(info.backing) { return 0 }
        return info.isShared ? Packed.writable : Packed.copyOnWrite
    }

    /// The frame of `page` of shmem object `id`, allocating it (zero-filled) if needed; nil when
    /// a frame was needed and none is free.
    mutating func shmemPageFrame(_ id: Int, page: Int) -> (frame: Int, fresh: Bool)? {
        if let f = shmemFrame(id, page: page) { return (f, false) }
        guard let f = allocateShmemFrame(id, page: page) else { return nil }
        return (f, true)
    }

    // MARK: read faults

    /// A read found no entry: map the zero page, a fresh frame, or the file / shmem page (plus
    /// its cached neighbours with fault-around). One fault.
    mutating func readFault(at site: FaultSite) -> AccessOutcome {
        let (i, space, r, vpn) = (site.process, site.space, site.region, site.vpn)
        guard ensureTables(space, vpn) else { return outOfMemory(i, vpn) }
        let (info, page, source) = withRegion(space, r) { ($0.info, $0.objectPage(vpn), $0.source) }
        let pid = procs[i].pid
        switch source {
        case .privateAnonymous:
            let writable = info.permissions.contains(.write)
            if config.behaviours.zeroPage {
                install(space, r, vpn, frame: frames.zeroFrame, Packed.accessed | (writable ? Packed.copyOnWrite : 0))
                countFault(i, major: false)
                note(.zeroPageMapped(pid: pid, vpn: vpn))
                return .value(0)
            }
            if let huge = faultHugePage(at: site, write: nil) { return huge }
            guard let f = allocateFrame(.anonymous) else { return outOfMemory(i, vpn) }
            install(space, r, vpn, frame: f, Packed.accessed | (writable ? Packed.writable : 0))
            frames.exclusive[f] = true
            countFault(i, major: false)
            note(.demandZero(pid: pid, vpn: vpn, frame: f))
            return .value(0)
        case .file(let id):
            guard page < fileRecords[id - 1].pages else { return kill(i, .busError(vpn: vpn)) }
            guard let (f, major, hole) = pageCacheFrame(file: id, page: page, for: site) else { return outOfMemory(i, vpn) }
            install(space, r, vpn, frame: f, Packed.accessed | readMappingFlags(info))
            let around = faultAround(space, r, vpn)
            countFault(i, major: major)
            note(hole ? .demandZero(pid: pid, vpn: vpn, frame: f)
                      : .fileRead(pid: pid, vpn: vpn, frame: f, major: major, mappedPages: 1 + around))
            return .value(frames.values[f])
        case .shmem(let id):
            guard let (f, fresh) = shmemPageFrame(id, page: page) else { return outOfMemory(i, vpn) }
            install(space, r, vpn, frame: f, Packed.accessed | readMappingFlags(info))
            _ = faultAround(space, r, vpn)
            countFault(i, major: false)
            note(fresh ? .demandZero(pid: pid, vpn: vpn, frame: f) : .sharedMapped(pid: pid, vpn: vpn, frame: f))
            return .value(frames.values[f])
        }
    }

    /// Linux fault-around (conformance rule 9): after a read fault on a file or shmem mapping,
    /// also map every page of the 16-page window whose frame already exists and is not mapped
    /// here yet. The window starts at the aligned 16-page boundary, or at the region's start if
    /// that is later, and keeps its length of 16 (cut at the region's end and at the end of the
    /// 512-entry page table): a region starting 5 pages into a window gets 16 pages on its first
    /// read fault, not 11. Returns how many extra pages were mapped (0 when the switch is off).
    mutating func faultAround(_ space: Int, _ r: Int, _ vpn: Int) -> Int {
        guard config.behaviours.faultAround else { return 0 }
        // The region's facts, read once (in place) for the whole window.
        let (info, source, objectOffset) = withRegion(space, r) { ($0.info, $0.source, $0.objectOffset) }
        let tableEnd = vpn - vpn % Machine.pageTableEntries + Machine.pageTableEntries
        let windowStart = max(info.start, vpn - vpn % Machine.faultAroundPages)
        let windowEnd = min(windowStart + Machine.faultAroundPages, tableEnd, info.end)
        let flags = readMappingFlags(info)
        var mapped = 0
        for v in windowStart..<windowEnd where v != vpn {
            // Only empty entries: a swap entry (an anonymous copy in swap) is not the file's page.
            guard withRegion(space, r, { $0.entries[v - info.start] }) == 0 else { continue }
            // On-demand fork: a leaf table still shared (a layout with leaves smaller than the
            // window) is left alone; the fault copied only the faulting page's table.
            if procs[space].tables.sharedLeaves != 0 && sharedLeafID(space, v) != nil { continue }
            let page = objectOffset + (v - info.start)
            let existing: Int?
            switch source {
            case .file(let id): existing = page < fileRecords[id - 1].pages ? cachedFrame(file: id, page: page) : nil
            case .shmem(let id): existing = shmemFrame(id, page: page)
            case .privateAnonymous: existing = nil
            }
            guard let f = existing else { continue }
            // A layout with leaves smaller than the window: v's own table (with table frames only
            // from a free frame; none free: fault-around stops there).
            if let leafShift = tableShifts.last, procs[space].tables.lastLeaf != v >> leafShift,
               !allocateTables(space, v) { break }
            install(space, r, v, frame: f, flags)
            mapped += 1
        }
        return mapped
    }

    // MARK: write faults

    /// A write that the fast path could not finish: rights check, then the right handler.
    mutating func writeSlow(at site: FaultSite, _ value: Int64) -> AccessOutcome {
        let (i, space, r, vpn) = (site.process, site.space, site.region, site.vpn)
        // The facts needed, read in place (no copy of the region, whose name is a String).
        let (permissions, start, isShared, backing, e) = withRegion(space, r) {
            ($0.info.permissions, $0.info.start, $0.info.isShared, $0.info.backing, $0.entries[vpn - $0.info.start])
        }
        guard permissions.contains(.write) else { return kill(i, .segfault(vpn: vpn, .writeToReadOnly)) }
        let k = vpn - start
        if !Packed.isPresent(e) { return writeFault(at: site, value) }
        let f = Packed.frame(e)
        if e & Packed.writable != 0 {
            // First write through this entry: set the dirty and accessed bits, no fault.
            modifyRegion(space, r) { $0.entries[k] = e | Packed.dirty | Packed.accessed }
            store(f, value)
            return .value(value)
        }
        if isShared {
            // Shared page mapped read-only (write notification, or an unusual mprotect sequence):
            // make it writable and dirty.
            modifyRegion(space, r) { $0.entries[k] = (e & ~Packed.copyOnWrite) | Packed.writable | Packed.dirty | Packed.accessed }
            store(f, value)
            countFault(i, major: false)
            if notifiesWrites(backing) {
                note(.writeNotified(pid: procs[i].pid, vpn: vpn, frame: f))
            } else {
                note(.sharedMapped(pid: procs[i].pid, vpn: vpn, frame: f))
            }
            return .value(value)
        }
        if isHugeMapped(space, r, vpn), let reused = writeProtectedHugePage(at: site, value) { return reused }
        return copyOnWriteFault(at: site, value, from: f)
    }

    /// A write to a write-protected private page holding frame `from`: replace the zero page by
    /// a fresh frame, reuse an anonymous frame nobody else maps (cow-reuse), or copy. One fault.
    mutating func copyOnWriteFault(at site: FaultSite, _ value: Int64, from: Int) -> AccessOutcome {
        let (i, space, r, vpn) = (site.process, site.space, site.region, site.vpn)
        let pid = procs[i].pid
        let k = vpn - withRegion(space, r) { $0.info.start }
        let writableFlags = Packed.present | Packed.user | Packed.writable | Packed.dirty | Packed.accessed
        countFault(i, major: false)
        if tlb.isOn { invalidateTLB(space, vpn) }     // the writer's read-only entry goes
        if from == frames.zeroFrame {
            guard let g = allocateFrame(.anonymous) else { return outOfMemory(i, vpn) }
            if swap.isOn { swap.hint(g, vpn) }
            frames.mapcount[g] = 1
            modifyRegion(space, r) { record in
                record.entries[k] = Packed.make(frame: g, writableFlags)
                record.hadAnonymousFrame = true
            }
            frames.exclusive[g] = true
            store(g, value)
            note(.demandZero(pid: pid, vpn: vpn, frame: g))
            return .value(value)
        }
        if config.behaviours.reuseSoleSharer && frames.kinds[from] == .anonymous && frames.mapcount[from] == 1
            && !isSwapCached(from) && !(frames.inHugeFolio(from) && inHugePageMappedElsewhere(from, site)) {
            modifyRegion(space, r) { $0.entries[k] = Packed.make(frame: from, writableFlags) }
            frames.exclusive[from] = true
            store(from, value)
            procs[i].counters.reuses += 1
            note(.copyOnWriteReuse(pid: pid, vpn: vpn, frame: from))
            return .value(value)
        }
        guard let g = allocateFrame(.anonymous, sparing: from) else { return outOfMemory(i, vpn) }
        if swap.isOn { swap.hint(g, vpn) }
        frames.values[g] = frames.values[from]     // the copy (then overwritten by the write)
        frames.mapcount[g] = 1
        modifyRegion(space, r) { record in
            record.entries[k] = Packed.make(frame: g, writableFlags)
            record.hadAnonymousFrame = true
        }
        frames.exclusive[g] = true
        _ = dropReference(Packed.make(frame: from, Packed.present))
        store(g, value)
        procs[i].counters.copies += 1
        note(.copyOnWrite(pid: pid, vpn: vpn, from: from, to: g))
        return .value(value)
    }

    /// A write found no entry: a fresh anonymous frame, a private copy of the file page, or the
    /// shared file / shmem frame itself. One fault, one page (no fault-around on writes).
    mutating func writeFault(at site: FaultSite, _ value: Int64) -> AccessOutcome {
        let (i, space, r, vpn) = (site.process, site.space, site.region, site.vpn)
        guard ensureTables(space, vpn) else { return outOfMemory(i, vpn) }
        let pid = procs[i].pid
        let (page, source, isShared) = withRegion(space, r) { ($0.objectPage(vpn), $0.source, $0.info.isShared) }
        let flags = Packed.writable | Packed.dirty | Packed.accessed
        if case .file(let id) = source, page >= fileRecords[id - 1].pages {
            return kill(i, .busError(vpn: vpn))
        }
        switch source {
        case .privateAnonymous:
            if let huge = faultHugePage(at: site, write: value) { return huge }
            countFault(i, major: false)
            guard let f = allocateFrame(.anonymous) else { return outOfMemory(i, vpn) }
            install(space, r, vpn, frame: f, flags)
            frames.exclusive[f] = true
            store(f, value)
            note(.demandZero(pid: pid, vpn: vpn, frame: f))
        case .file(let id) where isShared:
            guard let (f, major, hole) = pageCacheFrame(file: id, page: page, for: site) else {
                countFault(i, major: false)
                return outOfMemory(i, vpn)
            }
            countFault(i, major: major)
            install(space, r, vpn, frame: f, flags)
            store(f, value)
            note(hole ? .demandZero(pid: pid, vpn: vpn, frame: f) : .fileRead(pid: pid, vpn: vpn, frame: f, major: major, mappedPages: 1))
        case .file(let id):
            guard let (c, major, _) = pageCacheFrame(file: id, page: page, for: site) else {
                countFault(i, major: false)
                return outOfMemory(i, vpn)
            }
            countFault(i, major: major)
            if major { note(.fileRead(pid: pid, vpn: vpn, frame: c, major: true, mappedPages: 0)) }
            guard let g = allocateFrame(.anonymous, sparing: c) else { return outOfMemory(i, vpn) }
            frames.values[g] = frames.values[c]
            install(space, r, vpn, frame: g, flags)
            frames.exclusive[g] = true
            store(g, value)
            procs[i].counters.copies += 1
            note(.copyOnWrite(pid: pid, vpn: vpn, from: c, to: g))
        case .shmem(let id):
            countFault(i, major: false)
            guard let (f, fresh) = shmemPageFrame(id, page: page) else { return outOfMemory(i, vpn) }
            install(space, r, vpn, frame: f, flags)
            store(f, value)
            note(fresh ? .demandZero(pid: pid, vpn: vpn, frame: f) : .sharedMapped(pid: pid, vpn: vpn, frame: f))
        }
        return .value(value)
    }

    // MARK: kills

    /// The out-of-memory killer takes the faulting process (with swap configured it chose its
    /// victim already, see Reclaim/; if that was this process, it is dead).
    mutating func outOfMemory(_ i: Int, _ vpn: Int) -> AccessOutcome {
        if case .killed(let reason) = procs[i].state { return .killed(reason) }
        return kill(i, .outOfMemory(vpn: vpn))
    }

    /// Kills process `i` (SIGSEGV, SIGBUS or OOM): records the event, tears its mappings down and lets a
    /// waiting vfork parent run again.
    mutating func kill(_ i: Int, _ reason: Kill) -> AccessOutcome {
        switch reason {
        case .segfault(let vpn, let why): note(.segfault(pid: procs[i].pid, vpn: vpn, reason: why))
        case .outOfMemory(let vpn): note(.outOfMemory(pid: procs[i].pid, vpn: vpn))
        case .oomVictim: break      // the out-of-memory killer recorded its own event
        case .busError(let vpn): noteBusError(i, vpn)
        }
        _ = terminate(i, .killed(reason))
        return .killed(reason)
    }
}
