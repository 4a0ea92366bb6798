// fork and vfork.

extension Machine {
    /// What fork does with one region of the parent.
    enum ForkPlan {
        /// MADV_DONTFORK: the child does not get the region.
        case omit
        /// The child gets the region with no entries (wipeonfork, or fork-skip).
        case empty
        /// The child gets copies of the entries.
        case copy
    }

    /// Decides how region `record` is inherited under the current behaviours.
    func forkPlan(_ record: RegionRecord) -> ForkPlan {
        switch record.info.advice {
        case .dontFork: return .omit
        case .wipeOnFork: return .empty
        case .normal: break
        }
        guard config.behaviours.forkSkipsUnfaulted else { return .copy }
        switch record.source {
        case .shmem: return .empty
        case .file where record.info.isShared: return .empty
        case .file: return holdsAnonymous(record) ? .copy : .empty
        case .privateAnonymous:
            // Rule 11: a region that never held a real anonymous page (only the zero page, or
            // nothing) has no anon_vma, and fork leaves its entries out; the child faults again.
            return record.hadAnonymousFrame ? .copy : .empty
        }
    }

    /// True if some entry of the region maps a private anonymous frame (or is a swap entry: an
    /// anonymous page swapped out).
    func holdsAnonymous(_ record: RegionRecord) -> Bool {
        record.entries.contains { mapsAnonymousFrame($0) || Packed.isSwap($0) }
    }

    /// Number of private anonymous frames an eager fork must duplicate for region `record`.
    func framesToDuplicate(_ record: RegionRecord) -> Int {
        guard !record.info.isShared else { return 0 }
        var n = 0
        for e in record.entries where mapsAnonymousFrame(e) { n += 1 }
        return n
    }

    /// Creates a child with a copy of the parent's address space. Copy-on-write mode shares every
    /// frame and write-protects private writable pages in both; eager mode copies every private
    /// anonymous frame now, and fails with `outOfMemory` (changing nothing) if frames run short.
    public mutating func fork(_ pid: PID, childName: String) throws(EngineError) -> PID {
        let i = try runningIndex(pid)
        try checkNewProcess(name: childName)
        let space = spaceIndex(i)
        let onDemand = config.forkMode == .onDemand && tableShifts.count >= 1 && !config.tableFrames
        if !onDemand { unshareAll(space) }      // a cow or eager fork rewrites the parent's entries
        let plans = procs[space].regions.map(forkPlan)
        var pages = 0
        var needed = 0
        let eager = config.forkMode == .eager
        for (r, plan) in plans.enumerated() {
            if case .omit = plan { continue }
            pages += procs[space].regions[r].info.pages
            if case .copy = plan, eager { needed += framesToDuplicate(procs[space].regions[r]) }
        }
        guard entryCount + pages <= Machine.maxEntries else {
            throw EngineError.limitExceeded("all processes together may map at most \(Machine.maxEntries) pages")
        }
        if config.tableFrames {     // the child's tables take frames: the top one and the copies
            var spans: [Range<Int>] = []
            for (r, plan) in plans.enumerated() {
                if case .copy = plan { spans.append(procs[space].regions[r].info.start..<procs[space].regions[r].info.end) }
            }
            needed += 1 + forkTableCount(space, copied: spans)
        }
        guard needed <= frames.freeCount else { throw EngineError.outOfMemory(needed: needed, free: frames.freeCount) }

        var childRegions: [RegionRecord] = []
        var childNames: [String: Int] = [:]
        var entriesCopied = 0, framesCopied = 0
        let tlbMark = tlbInvalidationMark
        var copiedSpans: [Range<Int>] = []
        let shareable = onDemand ? shareableLeaves(space, plans) : []
        if onDemand && procs[space].tables.sharedLeaves != 0 { unshareLeaves(space, except: shareable) }
        for (r, plan) in plans.enumerated() {
            var child = procs[space].regions[r]
            child.info.locked = false      // mlock is not inherited by fork
            anonVmaSerial += 1             // anon_vma_fork: each child region its own
            child.anonVma = anonVmaSerial
            if case .copy = plan { copiedSpans.append(child.info.start..<child.info.end) }
            switch plan {
            case .omit: continue
            case .empty:
                child.entries = Array(repeating: 0, count: child.info.pages)
                child.hadAnonymousFrame = false
                child.hugeBlocks = []
            case .copy where eager && !child.info.isShared:
                let (entries, copied, duplicated) = copyEagerly(space, r)
                child.entries = entries
                entriesCopied += copied
                child.hugeBlocks = []     // eager copies are 4 KiB frames
                framesCopied += duplicated
            case .copy where onDemand:
                if tlb.isOn { invalidateTLBForOnDemandFork(space, r, shareable) }
                entriesCopied += shareEntriesOutside(space, r, shareable)
                child.entries = procs[space].regions[r].entries
            case .copy:
                if tlb.isOn && !child.info.isShared {
                    // The parent's writable pages become read-only: their TLB entries go.
                    invalidateTLB(space, child.info.start..<child.info.end, writableOnly: true)
                }
                entriesCopied += shareEntries(space, r)
                child.entries = procs[space].regions[r].entries
            }
            if case .shmem(let id) = child.source { retainShmem(id) }
            childNames[child.info.name, default: 0] += 1
            childRegions.append(child)
        }
        let childPid = procs.count + 1
        let top = newTableID() ?? -1        // checked above
        var childTables = PageTableSet(top: top, levels: forkTables(space, copied: copiedSpans, shared: shareable))
        childTables.sharedLeaves = shareable.count
        addProcess(ProcessRecord(pid: childPid, name: childName, parent: pid, state: .running, borrowsFrom: nil,
                                 regions: OrderedTree(childRegions), counters: ProcessCounters(),
                                 regionNames: childNames, tables: childTables))
        entryCount += pages
        if onDemand { shareLeaves(space, childPid - 1, shareable) }
        note(.forked(parent: pid, child: childPid, entriesCopied: entriesCopied, framesCopied: framesCopied, vfork: false,
                     tablePages: showsPageTables || onDemand ? childTables.belowTop - shareable.count : nil,
                     tablesShared: onDemand ? shareable.count : nil))
        noteTLB(procs[space].pid, since: tlbMark, .fork, always: true)
        return childPid
    }

    /// Copy-on-write fork of region `r`: every present entry gains a mapper, and writable
    /// entries of a private region become read-only + copy-on-write (the child then takes the
    /// same array). One tight loop. Returns the number of present entries.
    mutating func shareEntries(_ space: Int, _ r: Int) -> Int {
        shareEntries(space, r, 0..<procs[space].regions[r].entries.count)
    }

    /// On-demand fork of region `r`: the entries under the leaf tables of `shared` are left as
    /// they are (the child shares the tables); the others are shared as by a copy-on-write fork.
    mutating func shareEntriesOutside(_ space: Int, _ r: Int, _ shared: [Int]) -> Int {
        guard let leafShift = tableShifts.last else { return shareEntries(space, r) }
        let start = procs[space].regions[r].info.start, end = procs[space].regions[r].info.end
        var present = 0
        var vpn = start
        var s = Machine.lowerBound(shared, start >> leafShift)     // keys come in order: one search
        while vpn < end {
            let key = vpn >> leafShift
            let next = min((key + 1) << leafShift, end)
            while s < shared.count && shared[s] < key { s += 1 }
            if s == shared.count || shared[s] != key {
                present += shareEntries(space, r, (vpn - start)..<(next - start))
            }
            vpn = next
        }
        return present
    }

    /// On-demand fork of region `r` with a TLB: the parent's writable TLB entries go where its
    /// pages become read-only: under the shared leaf tables `shared` (write-protected at the
    /// level above, for every page, shared mappings too) and, in a private region, everywhere
    /// else as a copy-on-write fork does.
    mutating func invalidateTLBForOnDemandFork(_ space: Int, _ r: Int, _ shared: [Int]) {
        let info = procs[space].regions[r].info
        guard !info.isShared else {
            guard let leafShift = tableShifts.last else { return }
            var vpn = info.start
            while vpn < info.end {
                let key = vpn >> leafShift
                let next = min((key + 1) << leafShift, info.end)
                if Machine.sortedContains(shared, key) { invalidateTLB(space, vpn..<next, writableOnly: true) }
                vpn = next
            }
            return
        }
        invalidateTLB(space, info.start..<info.end, writableOnly: true)
    }

    /// Whether sorted `keys` holds `key` (binary search).
    static func sortedContains(_ keys: [Int], _ key: Int) -> Bool {
        let lo = lowerBound(keys, key)
        return lo < keys.count && keys[lo] == key
    }

    /// The index of the first of sorted `keys` not below `key` (binary search).
    static func lowerBound(_ keys: [Int], _ key: Int) -> Int {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Keys, in order, of the parent's leaf tables an on-demand fork shares with the child: those
    /// over a region fork copies, and under no region fork leaves out or empties (the child's
    /// table would differ there).
    func shareableLeaves(_ space: Int, _ plans: [ForkPlan]) -> [Int] {
        guard let leafShift = tableShifts.last, let leaves = procs[space].tables.levels.last else { return [] }
        var keys: [Int] = [], blocked = Set<Int>()
        for (r, plan) in plans.enumerated() {
            let info = procs[space].regions[r].info
            let found = tableKeys(leaves, shift: leafShift, info.start, info.end)
            if case .copy = plan {
                for key in found where keys.last != key { keys.append(key) }
            } else {
                blocked.formUnion(found)
            }
        }
        return blocked.isEmpty ? keys : keys.filter { !blocked.contains($0) }
    }

    /// Records that the child `child` shares the parent's leaf tables `keys` (settling nothing:
    /// the child's mappings through them are not in the mapcounts yet).
    mutating func shareLeaves(_ space: Int, _ child: Int, _ keys: [Int]) {
        guard !keys.isEmpty, let leaves = procs[space].tables.levels.last else { return }
        sharedLeaves.reserve(upTo: tableSerial + 1)
        var newlyShared = 0
        if keys.count == leaves.count {     // every leaf table of the parent: no lookups
            for (key, id) in leaves where sharedLeaves.addSharer(id, key: key) { newlyShared += 1 }
        } else {
            for key in keys {
                guard let id = leaves[key] else { continue }
                if sharedLeaves.addSharer(id, key: key) { newlyShared += 1 }
            }
        }
        procs[space].tables.sharedLeaves += newlyShared
        uncountedShares += keys.count
        tablesSharedAtForks += keys.count
    }

    /// `shareEntries` over the entries `range` of region `r`.
    mutating func shareEntries(_ space: Int, _ r: Int, _ range: Range<Int>) -> Int {
        let isPrivate = !procs[space].regions[r].info.isShared
        let zero = UInt32(frames.zeroFrame)
        var present = 0
        var swapped = 0
        procs[space].regions[r].entries.withUnsafeMutableBufferPointer { entries in
            frames.mapcount.withUnsafeMutableBufferPointer { mapcount in
              frames.exclusive.withUnsafeMutableBufferPointer { exclusive in
                for k in range {
                    let e = entries[k]
                    if e & Packed.present == 0 {
                        if e != 0 { swapped &+= 1 }     // a swap entry: its slot gains a reference below
                        continue
                    }
                    present &+= 1
                    let f = e >> Packed.frameShift
                    if f != zero {
                        mapcount[Int(f)] &+= 1
                        exclusive[Int(f)] = false      // rule 10: fork clears the mark in both
                    }
                    if isPrivate && e & Packed.writable != 0 {
                        entries[k] = (e & ~Packed.writable) | Packed.copyOnWrite
                    }
                }
              }
            }
        }
        if swapped > 0 { retainSwapEntries(Array(procs[space].regions[r].entries[range])) }
        return present
    }

    /// Eager fork of private region `r`: anonymous frames are duplicated into new frames (the
    /// caller checked enough are free), page-cache frames and the zero page are shared. The
    /// parent is left untouched. Returns the child's entries and the counts.
    mutating func copyEagerly(_ space: Int, _ r: Int) -> (entries: [PackedEntry], copied: Int, duplicated: Int) {
        var entries = procs[space].regions[r].entries
        let writable = procs[space].regions[r].info.permissions.contains(.write)
        var copied = 0, duplicated = 0
        retainSwapEntries(entries)      // swap entries are shared with the child (their slots count it)
        for k in 0..<entries.count {
            let e = entries[k]
            guard Packed.isPresent(e) else { continue }
            copied += 1
            let f = Packed.frame(e)
            guard f != frames.zeroFrame else { continue }
            guard frames.kinds[f] == .anonymous, let g = frames.allocate(.anonymous) else {
                frames.mapcount[f] += 1
                continue
            }
            frames.values[g] = frames.values[f]
            frames.dirty[g] = frames.dirty[f]
            frames.mapcount[g] = 1
            frames.exclusive[g] = true
            var flags = e & Packed.flagMask & ~(Packed.copyOnWrite | Packed.writable)
            if writable { flags |= Packed.writable }
            entries[k] = Packed.make(frame: g, flags)
            duplicated += 1
        }
        return (entries, copied, duplicated)
    }

    /// Creates a child that borrows the parent's address space (no copying at all); the parent
    /// is suspended until the child exits or execs. The child's accesses act on the parent's
    /// page table, as after vfork(2).
    public mutating func vfork(_ pid: PID, childName: String) throws(EngineError) -> PID {
        let i = try runningIndex(pid)
        try checkNewProcess(name: childName)
        let owner = procs[spaceIndex(i)].pid
        let childPid = procs.count + 1
        addProcess(ProcessRecord(pid: childPid, name: childName, parent: pid, state: .running, borrowsFrom: owner,
                                 regions: [], counters: ProcessCounters()))
        procs[i].state = .suspended(child: childPid)
        note(.forked(parent: pid, child: childPid, entriesCopied: 0, framesCopied: 0, vfork: true))
        return childPid
    }
}
