// mremap(MREMAP_MAYMOVE | MREMAP_FIXED): moving a mapping with its page-table entries (rule 16).

extension Machine {
    /// Moves [vpn, vpn + pages), which must lie inside one region, to `newVpn`, keeping its
    /// entries and frames: no fault is needed to read the moved pages and every mapcount stays
    /// the same. The region splits at the range's edges first. Refuses a target that overlaps
    /// any mapping (the range itself included); nothing changes then.
    public mutating func mremap(_ pid: PID, at vpn: Int, pages: Int, to newVpn: Int) throws(EngineError) {
        let i = try runningIndex(pid)
        try validateRange(vpn, pages)
        try validateRange(newVpn, pages)
        let space = spaceIndex(i)
        guard let r = regionIndex(space, vpn), procs[space].regions[r].info.end >= vpn + pages else {
            if let hole = firstHole(space, vpn, vpn + pages) { throw EngineError.notMapped(pid: procs[space].pid, vpn: hole) }
            throw EngineError.invalidArgument("mremap moves a range inside one region; this one spans several")
        }
        if let other = firstOverlap(space, newVpn, newVpn + pages) {
            throw EngineError.overlaps(pid: procs[space].pid, region: other.info.name)
        }
        unshareRange(space, vpn, vpn + pages)      // on-demand fork: shared tables there are copied first
        unshareRange(space, newVpn, newVpn + pages)
        let tlbMark = tlbInvalidationMark
        invalidateTLB(space, vpn..<(vpn + pages))
        noteTLB(procs[space].pid, since: tlbMark, .mremap)
        let inside = isolate(space, vpn, vpn + pages)
        var record = procs[space].regions.remove(at: inside.lowerBound)
        record.info.start = newVpn
        moveHugeBlocks(&record, by: newVpn - vpn, pid: procs[space].pid)
        let at = procs[space].regions.firstIndex { $0.info.start > newVpn } ?? procs[space].regions.count
        procs[space].regions.insert(record, at: at)
        moveTables(space, from: vpn, to: newVpn, pages: pages)
    }
}
