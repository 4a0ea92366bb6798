// msync(MS_SYNC): writing shared file mappings back (conformance rule 13).

extension Machine {
    /// Write notification on MAP_SHARED file mappings (rule 13) follows the profile itself, not a
    /// switch (as rule 12 does): under `linux` a read fault maps such a page read-only, its first
    /// write faults (minor, no copy) and dirties it, and `msync` write-protects it again.
    var writeNotify: Bool { config.profile == .linux }

    /// `msync(addr, len, MS_SYNC)` on [vpn, vpn + pages), which must be mapped entirely (Linux:
    /// ENOMEM for a hole; here nothing changes). For each MAP_SHARED file region in the range, the
    /// dirty page-cache pages of the file behind it are written back and marked clean; every shared
    /// file mapping of those pages, in any process, loses its dirty bit and, with write
    /// notification (`profile linux`), its write bit (page_mkclean), so the next write faults again. Private and
    /// anonymous regions are left alone. Returns how many pages were written back.
    public mutating func msync(_ pid: PID, at vpn: Int, pages: Int) throws(EngineError) -> Int {
        let i = try runningIndex(pid)
        try validateRange(vpn, pages)
        let space = spaceIndex(i)
        if let hole = firstHole(space, vpn, vpn + pages) {
            throw EngineError.notMapped(pid: procs[space].pid, vpn: hole)
        }
        unshareRange(space, vpn, vpn + pages)      // on-demand fork: shared tables there are copied first
        var cleaned = Set<Int>()
        let tlbMark = tlbInvalidationMark
        defer { noteTLB(nil, since: tlbMark, .writeback) }
        for record in procs[space].regions where record.info.isShared {
            guard case .file(let id) = record.source, !fileRecords[id - 1].isTmpfs else { continue }
            let lo = max(vpn, record.info.start), hi = min(vpn + pages, record.info.end)
            guard lo < hi else { continue }
            for v in lo..<hi {
                let page = record.objectPage(v)
                guard page < fileRecords[id - 1].pages, let f = cachedFrame(file: id, page: page), frames.dirty[f] else { continue }
                fileRecords[id - 1].disk[page] = frames.values[f]
                frames.dirty[f] = false
                cleaned.insert(f)
            }
        }
        guard !cleaned.isEmpty else { return 0 }
        let clear = Packed.dirty | (writeNotify ? Packed.writable : 0)
        for p in procs.indices {
            for r in procs[p].regions.indices where procs[p].regions[r].info.isShared {
                guard case .file = procs[p].regions[r].source else { continue }
                for k in procs[p].regions[r].entries.indices {
                    let e = procs[p].regions[r].entries[k]
                    guard Packed.isPresent(e), cleaned.contains(Packed.frame(e)) else { continue }
                    if tlb.isOn { invalidateTLB(p, procs[p].regions[r].info.start + k) }
                    procs[p].regions[r].entries[k] = e & ~clear
                }
            }
        }
        return cleaned.count
    }
}
