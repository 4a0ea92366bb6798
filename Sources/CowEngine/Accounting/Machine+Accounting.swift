// smaps-style accounting and machine-wide statistics, computed from the page tables on demand.

extension Machine {
    /// Usage of a process (all regions) or of its regions called `region` (split parts
    /// summed). nil for an unknown pid or region name; a dead process has zero usage. A vfork
    /// child reports its parent's address space, which it is using.
    public func usage(of pid: PID, region: String? = nil) -> Usage? {
        if hasUncountedShares { return settled().usage(of: pid, region: region) }     // on-demand fork
        guard pid >= 1, pid <= procs.count else { return nil }
        let i = pid - 1
        guard procs[i].state.isAlive else { return Usage() }
        let regions = procs[spaceIndex(i)].regions.filter { region == nil || $0.info.name == region }
        if region != nil && regions.isEmpty { return nil }
        var total = Usage()
        var last: Region?
        for record in regions {
            total.add(regionUsage(record), sameVMAAsLast: last.map { Self.continuesVMA($0, record.info) } ?? false)
            last = record.info
        }
        return total
    }

    /// Usage of every region of a process, split parts summed under their name, in one pass
    /// (`smaps` of 65,530 regions asks once, not once per region). nil for an unknown pid; a
    /// dead process has no regions.
    public func usageByRegionName(of pid: PID) -> [String: Usage]? {
        if hasUncountedShares { return settled().usageByRegionName(of: pid) }     // on-demand fork
        guard pid >= 1, pid <= procs.count else { return nil }
        let i = pid - 1
        guard procs[i].state.isAlive else { return [:] }
        var result: [String: Usage] = [:]
        var last: [String: Region] = [:]
        for record in procs[spaceIndex(i)].regions {
            let name = record.info.name
            let same = last[name].map { Self.continuesVMA($0, record.info) } ?? false
            result[name, default: Usage()].add(regionUsage(record), sameVMAAsLast: same)
            last[name] = record.info
        }
        return result
    }

    /// Whether part `b` of a region continues part `a` as one VMA, as the kernel merges them:
    /// adjacent, same name (same mapping), same rights, sharing and advice.
    static func continuesVMA(_ a: Region, _ b: Region) -> Bool {
        a.name == b.name && a.end == b.start && a.permissions == b.permissions && a.isShared == b.isShared
            && a.advice == b.advice && a.readahead == b.readahead && a.hugePages == b.hugePages && a.locked == b.locked
    }

    /// Usage of one region: Shared/Private by current mapcount (rule 5), Dirty if the entry or
    /// the page is dirty (rule 6), Anonymous for private anonymous frames (rule 7).
    func regionUsage(_ record: RegionRecord) -> Usage {
        var u = Usage()
        var byMapcount: [Int: Int] = [:]     // mapcount -> pages, for the exact Pss
        var dirtyByMapcount: [Int: Int] = [:]    // the same for dirty pages only (Pss_Dirty)
        var bySwapCount: [Int: Int] = [:]    // swap count -> swap entries, for SwapPss
        for e in record.entries where e != 0 {
            guard Packed.isPresent(e) else {
                // A swap entry: Swap counts it, SwapPss shares it among the entries naming its slot.
                u.swap += 1
                bySwapCount[swap.isUsed(Packed.slot(e)) ? Int(swap.count[Packed.slot(e)]) : 1, default: 0] += 1
                continue
            }
            let f = Packed.frame(e)
            guard f != frames.zeroFrame else { continue }
            let mapcount = Int(frames.mapcount[f])
            let dirty = e & Packed.dirty != 0 || frames.dirty[f]
            u.rss += 1
            byMapcount[mapcount, default: 0] += 1
            if dirty { dirtyByMapcount[mapcount, default: 0] += 1 }
            switch (mapcount >= 2, dirty) {
            case (true, true): u.sharedDirty += 1
            case (true, false): u.sharedClean += 1
            case (false, true): u.privateDirty += 1
            case (false, false): u.privateClean += 1
            }
            if frames.kinds[f] == .anonymous { u.anonymous += 1 }
        }
        u.uss = u.privateClean + u.privateDirty
        u.anonHugePages = record.hugeBlocks.count * Machine.hugePagePages
        u.pss = exactPss(byMapcount)
        u.pssFixedPoint = fixedPointPss(byMapcount)
        if !dirtyByMapcount.isEmpty {
            u.pssDirty = exactPss(dirtyByMapcount)
            u.pssDirtyFixed = FixedPointSum(fixedPointPss(dirtyByMapcount))
        }
        if record.info.locked {
            // smaps `Locked` is the Pss of a VM_LOCKED mapping (the kernel's pss_locked).
            u.lockedPss = u.pss
            u.lockedPssFixed = FixedPointSum(u.pssFixedPoint)
        }
        if !bySwapCount.isEmpty {
            u.swapPss = exactPss(bySwapCount)
            u.swapPssFixed = FixedPointSum(fixedPointPss(bySwapCount))
        }
        return u
    }

    /// Rule 8: the sum over pages of `(pageSize << 12) / mapcount` (integer division per page),
    /// as the kernel accumulates Pss; saturates at Int.max.
    func fixedPointPss(_ byMapcount: [Int: Int]) -> Int {
        var sum = 0
        for (mapcount, pages) in byMapcount {
            let (scaled, o1) = pageSize.multipliedReportingOverflow(by: 1 << 12)
            let (term, o2) = (scaled / max(mapcount, 1)).multipliedReportingOverflow(by: pages)
            let (next, o3) = sum.addingReportingOverflow(term)
            if o1 || o2 || o3 { return Int.max }
            sum = next
        }
        return sum
    }

    /// Sum of pages/mapcount over the buckets, exactly; a float approximation (denominator 10^6)
    /// only if the exact fraction would overflow (dozens of distinct mapcounts).
    func exactPss(_ byMapcount: [Int: Int]) -> Rational {
        var sum = Rational.zero
        var approx = 0.0
        var exact = true
        for (mapcount, pages) in byMapcount.sorted(by: { $0.key < $1.key }) {
            approx += Double(pages) / Double(max(mapcount, 1))
            guard exact, let term = Rational(pages, max(mapcount, 1)), let next = sum.adding(term) else {
                exact = false
                continue
            }
            sum = next
        }
        return exact ? sum : Rational(approximating: approx)
    }

    /// Indices of live processes that own an address space (vfork children borrow one).
    var liveSpaces: [Int] {
        procs.indices.filter { procs[$0].state.isAlive && procs[$0].borrowsFrom == nil }
    }

    /// Machine-wide figures.
    public var stats: MachineStats {
        var anonymous = 0, pageCache = 0, shmem = 0, tableFrames = 0
        for f in 0..<frames.materialized {
            switch frames.kinds[f] {
            case .free: break
            case .anonymous: anonymous += 1
            case .pageCache: pageCache += 1
            case .shmem: pageCache += 1; shmem += 1
            case .pageTable: tableFrames += 1
            }
        }
        var zeroMappings = 0, rss = 0
        var seen = Array(repeating: false, count: frames.materialized)
        var distinct = 0
        for i in liveSpaces {
            for record in procs[i].regions {
                for e in record.entries where Packed.isPresent(e) {
                    let f = Packed.frame(e)
                    if f == frames.zeroFrame { zeroMappings += 1; continue }
                    rss += 1
                    if !seen[f] { seen[f] = true; distinct += 1 }
                }
            }
        }
        let totals = procs.reduce(ProcessCounters()) { $0 + $1.counters }
        var stats = MachineStats(
            frames: frames.count, used: frames.count - frames.freeCount, free: frames.freeCount,
            anonymous: anonymous, pageCache: pageCache, shmem: shmem, zeroPageMappings: zeroMappings,
            processes: liveCount,
            minorFaults: totals.minorFaults, majorFaults: totals.majorFaults, copies: totals.copies,
            reuses: totals.reuses, savedBySharing: rss - distinct)
        stats.swapSlots = swap.capacity
        stats.swapUsed = swap.used
        stats.pageTableFrames = tableFrames
        stats.tlbEntries = tlb.capacity
        stats.tlbHits = totals.tlbHits
        stats.tlbMisses = totals.tlbMisses
        stats.tlbInvalidations = totals.tlbInvalidations
        return stats
    }
}
