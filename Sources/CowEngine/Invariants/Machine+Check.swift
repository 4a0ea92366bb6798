// The engine checking itself: tests call check() after every step.

extension Machine {
    /// Every broken invariant, as a sentence; empty when the machine is consistent.
    /// Checked: each frame's mapcount equals the entries pointing at it; no writable entry of a
    /// private mapping maps a frame anyone else maps; every used frame is reachable (mapped, in
    /// the page cache or in a live shmem object) and every free frame is referenced by nothing;
    /// entry flags agree with region rights; once no process is alive only page-cache frames remain.
    public func check() -> [String] {
        if !sharedLeaves.isEmpty || uncountedShares != 0 {
            // On-demand fork: the sharing bookkeeping, then everything else on the state a
            // copy-on-write fork would have left (every shared table settled and copied).
            var problems: [String] = []
            checkSharedLeaves(&problems)
            return problems + settled(materialized: true).check()
        }
        var problems: [String] = []
        var counted = Array(repeating: Int32(0), count: frames.materialized)
        var shmemRefs = Array(repeating: 0, count: shmemObjects.count)
        var entries = 0
        for i in procs.indices {
            checkProcessState(i, &problems)
            let owns = procs[i].state.isAlive && procs[i].borrowsFrom == nil
            if !owns && !procs[i].regions.isEmpty {
                problems.append("process \(procs[i].pid) has regions but owns no address space")
            }
            checkRegionLayout(i, &problems)
            checkTables(i, &problems)
            var names: [String: Int] = [:]
            for record in procs[i].regions { names[record.info.name, default: 0] += 1 }
            if names != procs[i].regionNames {
                problems.append("process \(procs[i].pid): the region name counts do not match its regions")
            }
            for record in procs[i].regions {
                entries += record.info.pages
                if case .shmem(let id) = record.source, id >= 1, id <= shmemRefs.count { shmemRefs[id - 1] += 1 }
                for (k, e) in record.entries.enumerated() where Packed.isPresent(e) {
                    checkEntry(procs[i].pid, record, k, e, &counted, &problems)
                }
                if !record.hugeBlocks.isEmpty { checkHugeBlocks(procs[i].pid, record, &problems) }
            }
        }
        let live = procs.reduce(0) { $0 + ($1.state.isAlive ? 1 : 0) }
        if live != liveCount { problems.append("live process count is \(liveCount) but \(live) processes are alive") }
        var latest: [String: PID] = [:]
        for p in procs { latest[p.name] = p.pid }
        if latest != pidsByName { problems.append("the name index does not give the latest pid of every process name") }
        if entries != entryCount { problems.append("entry count is \(entryCount) but regions hold \(entries)") }
        checkMapcounts(counted, &problems)
        checkTLB(&problems)
        checkHugeFolios(&problems)
        checkFrames(&problems)
        checkPageCache(&problems)
        checkShmem(shmemRefs, &problems)
        checkSwap(&problems)
        checkReplacement(&problems)
        if !procs.contains(where: { $0.state.isAlive }) {
            for f in 0..<frames.materialized where frames.kinds[f] == .anonymous || frames.kinds[f] == .shmem {
                problems.append("frame \(f) is \(frames.kinds[f]) but no process is alive: only page-cache frames may remain")
            }
        }
        return problems
    }

    /// vfork bookkeeping: suspended parents wait for a live borrowing child, borrowers use a live owner.
    private func checkProcessState(_ i: Int, _ problems: inout [String]) {
        let p = procs[i]
        if case .suspended(let child) = p.state {
            let ok = child >= 1 && child <= procs.count && procs[child - 1].state.isAlive
                && procs[child - 1].parent == p.pid && procs[child - 1].borrowsFrom != nil
            if !ok { problems.append("process \(p.pid) is suspended for \(child), which is no live vfork child of it") }
        }
        if let owner = p.borrowsFrom {
            let ok = p.state.isAlive && owner >= 1 && owner <= procs.count && procs[owner - 1].state.isAlive
                && procs[owner - 1].borrowsFrom == nil
            if !ok { problems.append("process \(p.pid) borrows the address space of \(owner), which cannot lend it") }
        }
    }

    /// Regions sorted, non-overlapping, one entry per page.
    private func checkRegionLayout(_ i: Int, _ problems: inout [String]) {
        var previousEnd = Int.min
        for record in procs[i].regions {
            let r = record.info
            if r.pages < 1 || record.entries.count != r.pages {
                problems.append("region \(r.name) of \(procs[i].pid) has \(r.pages) pages and \(record.entries.count) entries")
            }
            if r.start < previousEnd { problems.append("region \(r.name) of \(procs[i].pid) overlaps or is out of order") }
            previousEnd = r.end
        }
    }

    /// One present entry: valid frame of the right kind, flags consistent with the region.
    private func checkEntry(_ pid: PID, _ record: RegionRecord, _ k: Int, _ e: PackedEntry,
                            _ counted: inout [Int32], _ problems: inout [String]) {
        let vpn = record.info.start + k
        let f = Packed.frame(e)
        let writable = e & Packed.writable != 0
        let cow = e & Packed.copyOnWrite != 0
        let regionWritable = record.info.permissions.contains(.write)
        let at = "entry \(pid):\(vpn) (\(record.info.name))"
        if e & Packed.user == 0 { problems.append("\(at) lacks the user bit") }
        if writable && !regionWritable { problems.append("\(at) is writable in a region without write") }
        if writable && cow { problems.append("\(at) is both writable and copy-on-write") }
        if case .file(let id) = record.source, record.objectPage(vpn) >= fileRecords[id - 1].pages {
            problems.append("\(at) maps page \(record.objectPage(vpn)) of a file of \(fileRecords[id - 1].pages) pages (past its end)")
        }
        if record.info.isShared {
            if cow { problems.append("\(at) of a shared region is copy-on-write") }
            // A clean page of a shared file mapping may be read-only in a writable region: write
            // notification (rule 13) makes its first write fault.
            var notified = false
            if case .file = record.source, regionWritable, !writable, e & Packed.dirty == 0 { notified = true }
            if writable != regionWritable && !notified { problems.append("\(at) of a shared region disagrees with its rights") }
        } else if regionWritable && !writable && !cow {
            problems.append("\(at) is write-protected without copy-on-write")
        } else if !regionWritable && cow {
            problems.append("\(at) is copy-on-write in a read-only region")
        }
        if f == frames.zeroFrame {
            if record.source != .privateAnonymous { problems.append("\(at) maps the zero page outside private anonymous memory") }
            if writable { problems.append("\(at) maps the zero page writable") }
            return
        }
        guard f >= 0, f < frames.materialized, frames.kinds[f] != .free else {
            problems.append("\(at) maps frame \(f), which is free or out of range")
            return
        }
        counted[f] += 1
        if writable && !record.info.isShared && (frames.kinds[f] != .anonymous || frames.mapcount[f] != 1) {
            problems.append("\(at) is writable through a private mapping but frame \(f) is shared (mapcount \(frames.mapcount[f]), \(frames.kinds[f]))")
        }
        let page = record.objectPage(vpn)
        let owner = Int(frames.owner[f]), ownerPage = Int(frames.ownerPage[f])
        switch (record.source, frames.kinds[f]) {
        case (.privateAnonymous, .anonymous): break
        case (.file, .anonymous) where !record.info.isShared: break
        case (.file(let id), .pageCache) where owner == id && ownerPage == page: break
        case (.shmem(let id), .shmem) where owner == id && ownerPage == page: break
        default:
            problems.append("\(at) maps frame \(f) (\(frames.kinds[f]) of \(owner):\(ownerPage)), which does not belong to the region")
        }
    }

    /// Stored mapcounts equal the entries counted.
    private func checkMapcounts(_ counted: [Int32], _ problems: inout [String]) {
        for f in 0..<frames.materialized where counted[f] != frames.mapcount[f] {
            problems.append("frame \(f): mapcount \(frames.mapcount[f]) but \(counted[f]) entries map it")
        }
    }

    /// Free bitmap agrees with kinds; free frames cleared; used frames reachable; hint and free count right.
    private func checkFrames(_ problems: inout [String]) {
        var free = frames.count - frames.materialized     // never materialised: free and cleared
        var tableIDs = Set<Int>()       // with table frames: every live table page's frame
        if config.tableFrames {
            for p in procs where p.tables.top >= 0 {
                tableIDs.insert(p.tables.top)
                for level in p.tables.levels { tableIDs.formUnion(level.values) }
            }
            for id in tableIDs where !(id < frames.materialized && frames.kinds[id] == .pageTable) {
                problems.append("page-table page \(id) is not a page-table frame")
            }
        }
        if frames.materialized > frames.count { problems.append("\(frames.materialized) frames materialised, only \(frames.count) exist") }
        for f in 0..<frames.materialized {
            let isFree = frames.kinds[f] == .free
            if isFree != frames.bitmapSaysFree(f) { problems.append("frame \(f): free bitmap disagrees with its kind") }
            if isFree {
                free += 1
                if f / 64 < frames.freeHint { problems.append("frame \(f) is free below the allocation hint") }
                if !frames.isCleared(f) { problems.append("free frame \(f) still holds a value, a mapcount, a dirty bit or an owner") }
                continue
            }
            let owner = Int(frames.owner[f]), page = Int(frames.ownerPage[f])
            switch frames.kinds[f] {
            case .anonymous:
                if frames.mapcount[f] == 0 && !isSwapCached(f) { problems.append("anonymous frame \(f) is used but nothing maps it (leak)") }
            case .pageCache:
                let ok = owner >= 1 && owner <= fileRecords.count && page >= 0 && page < fileRecords[owner - 1].pages
                    && fileRecords[owner - 1].cache[page] == Int32(f)
                if !ok { problems.append("page-cache frame \(f) is not in the cache of file \(owner) page \(page)") }
            case .shmem:
                let ok = owner >= 1 && owner <= shmemObjects.count && page >= 0 && page < shmemObjects[owner - 1].pages
                    && shmemObjects[owner - 1].frames[page] == Int32(f) && shmemObjects[owner - 1].references > 0
                if !ok { problems.append("shmem frame \(f) does not belong to a live object \(owner) page \(page)") }
            case .pageTable:
                if !tableIDs.contains(f) { problems.append("page-table frame \(f) is no process's table (leak)") }
                if frames.mapcount[f] != 0 { problems.append("page-table frame \(f) has mapcount \(frames.mapcount[f])") }
            case .free: break
            }
        }
        if free != frames.freeCount { problems.append("free count is \(frames.freeCount) but \(free) frames are free") }
        if frames.value(frames.zeroFrame) != 0 { problems.append("the zero page holds \(frames.value(frames.zeroFrame))") }
    }

    /// Every cached page names a used page-cache frame of that page; counts agree.
    private func checkPageCache(_ problems: inout [String]) {
        for file in fileRecords {
            var cached = 0
            for (page, slot) in file.cache.enumerated() where slot >= 0 {
                cached += 1
                let f = Int(slot)
                let ok = f < frames.materialized && frames.kinds[f] == .pageCache && Int(frames.owner[f]) == file.id
                    && Int(frames.ownerPage[f]) == page
                if !ok { problems.append("file \(file.name) page \(page) is cached in frame \(f), which is not its page-cache frame") }
            }
            if cached != file.cachedCount { problems.append("file \(file.name) counts \(file.cachedCount) cached pages, has \(cached)") }
        }
    }

    /// shmem reference counts match the regions; dead objects hold no frames.
    private func checkShmem(_ refs: [Int], _ problems: inout [String]) {
        for (index, object) in shmemObjects.enumerated() {
            if object.references != refs[index] {
                problems.append("\(object.name) counts \(object.references) regions, \(refs[index]) refer to it")
            }
            for (page, slot) in object.frames.enumerated() where slot >= 0 {
                let f = Int(slot)
                let ok = object.references > 0 && f < frames.materialized && frames.kinds[f] == .shmem
                    && Int(frames.owner[f]) == object.id && Int(frames.ownerPage[f]) == page
                if !ok { problems.append("\(object.name) page \(page) names frame \(f), which is not its frame") }
            }
        }
    }
}
