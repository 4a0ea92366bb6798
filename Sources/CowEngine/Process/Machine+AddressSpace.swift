// Creating processes and changing address spaces: spawn, mmap, munmap, mprotect, madvise.

extension Machine {
    /// Creates a running process with an empty address space (like a freshly exec'd program
    /// before it maps anything). Names are unique among live processes.
    public mutating func spawn(name: String) throws(EngineError) -> PID {
        try checkNewProcess(name: name)
        let needed = tableFramesNeeded(1)      // its top table
        guard needed <= frames.freeCount else { throw EngineError.outOfMemory(needed: needed, free: frames.freeCount) }
        let pid = procs.count + 1
        addProcess(ProcessRecord(pid: pid, name: name, parent: nil, state: .running, borrowsFrom: nil,
                                 regions: [], counters: ProcessCounters()))
        newTopTable(pid - 1)
        note(.spawned(pid: pid))
        return pid
    }

    /// Appends a new live process and indexes its name.
    mutating func addProcess(_ record: ProcessRecord) {
        procs.append(record)
        pidsByName[record.name] = record.pid
        liveCount += 1
    }

    /// Refuses an empty or live-duplicate name, or a machine that made too many processes.
    func checkNewProcess(name: String) throws(EngineError) {
        guard !name.isEmpty else { throw EngineError.invalidArgument("a process needs a name") }
        try Machine.checkPrintable(name, "a process name")
        guard procs.count < Machine.maxProcesses else {
            throw EngineError.limitExceeded("at most \(Machine.maxProcesses) processes can be created")
        }
        if isLiveProcessName(name) { throw EngineError.duplicateProcessName(name) }
    }

    /// Maps `pages` pages of anonymous memory at `vpn`: private (copy-on-write after fork) or
    /// shared (MAP_SHARED|MAP_ANONYMOUS: one set of frames for every process that inherits it).
    public mutating func mapAnonymous(_ pid: PID, at vpn: Int, pages: Int, permissions: Permissions,
                                      shared: Bool, name: String) throws(EngineError) {
        try Machine.checkPrintable(name, "a region name")
        let space = try spaceForNewMapping(pid, vpn, pages)
        let info = Region(name: name, start: vpn, pages: pages, permissions: permissions, isShared: shared,
                          backing: .anonymous)
        let source: RegionSource = shared ? .shmem(newShmemObject(pages: pages)) : .privateAnonymous
        insertRegion(space, info, source: source, objectOffset: 0)
    }

    /// Maps pages [offset, offset + pages) of a file at `vpn`, private (writes make private
    /// copies) or shared (writes go to the page cache, seen by every mapper). The range may reach
    /// past the end of the file (rule 15): Size counts it, an access there gets SIGBUS.
    public mutating func mapFile(_ pid: PID, file: FileID, offset: Int, at vpn: Int, pages: Int,
                                 permissions: Permissions, shared: Bool, name: String) throws(EngineError) {
        try Machine.checkPrintable(name, "a region name")
        _ = try fileRecord(file)
        let space = try spaceForNewMapping(pid, vpn, pages)
        guard offset >= 0 else { throw EngineError.invalidArgument("file offset must not be negative, got \(offset)") }
        // A mapping may reach past the end of its file (rule 15): pages wholly past it get SIGBUS.
        guard offset <= Machine.maxPages - pages else {
            throw EngineError.limitExceeded("a file mapping must end within \(Machine.maxPages) pages of the file's start")
        }
        let info = Region(name: name, start: vpn, pages: pages, permissions: permissions, isShared: shared,
                          backing: .file(file, offset: offset))
        insertRegion(space, info, source: .file(file), objectOffset: offset)
    }

    /// Maps a library as the dynamic linker does: "<lib>.text" (r-x, private) at `vpn`, then
    /// "<lib>.data" (rw-, private) right after it.
    public mutating func mapLibrary(_ pid: PID, library: FileID, at vpn: Int) throws(EngineError) {
        let record = try fileRecord(library)
        guard record.isLibrary else { throw EngineError.notALibrary(record.name) }
        let space = try spaceForNewMapping(pid, vpn, record.pages)
        let text = Region(name: record.name + ".text", start: vpn, pages: record.textPages,
                          permissions: [.read, .execute], isShared: false, backing: .file(library, offset: 0))
        insertRegion(space, text, source: .file(library), objectOffset: 0)
        guard record.dataPages > 0 else { return }
        let data = Region(name: record.name + ".data", start: vpn + record.textPages, pages: record.dataPages,
                          permissions: [.read, .write], isShared: false,
                          backing: .file(library, offset: record.textPages))
        insertRegion(space, data, source: .file(library), objectOffset: record.textPages)
    }

    /// The file with `id`, or a noSuchFile error.
    func fileRecord(_ id: FileID) throws(EngineError) -> FileRecord {
        guard id >= 1, id <= fileRecords.count else { throw EngineError.noSuchFile("with id \(id)") }
        return fileRecords[id - 1]
    }

    /// Validates a new mapping of [vpn, vpn + pages) for `pid`; returns its address space.
    private func spaceForNewMapping(_ pid: PID, _ vpn: Int, _ pages: Int) throws(EngineError) -> Int {
        let i = try runningIndex(pid)
        try validateRange(vpn, pages)
        guard pages <= Machine.maxPages else {
            throw EngineError.limitExceeded("a mapping may have at most \(Machine.maxPages) pages, got \(pages)")
        }
        guard entryCount + pages <= Machine.maxEntries else {
            throw EngineError.limitExceeded("all processes together may map at most \(Machine.maxEntries) pages")
        }
        let space = spaceIndex(i)
        if let other = firstOverlap(space, vpn, vpn + pages) {
            throw EngineError.overlaps(pid: procs[space].pid, region: other.info.name)
        }
        return space
    }

    /// Unmaps [vpn, vpn + pages), splitting regions at the edges; unmapped pages in the range
    /// are ignored, as munmap does.
    public mutating func unmap(_ pid: PID, at vpn: Int, pages: Int) throws(EngineError) {
        let i = try runningIndex(pid)
        try validateRange(vpn, pages)
        let space = spaceIndex(i)
        guard firstOverlap(space, vpn, vpn + pages) != nil else { return }
        let tlbMark = tlbInvalidationMark
        unshareRange(space, vpn, vpn + pages)      // on-demand fork: shared tables there are copied first
        _ = removeRegions(space, isolate(space, vpn, vpn + pages))
        noteTLB(procs[space].pid, since: tlbMark, .unmap)
    }

    /// Changes the rights of [vpn, vpn + pages), which must be mapped entirely; splits regions
    /// at the edges and updates the entries (losing write write-protects them); under `profile
    /// linux` identical neighbours then merge back (`mergeRegions`).
    public mutating func protect(_ pid: PID, at vpn: Int, pages: Int, permissions: Permissions) throws(EngineError) {
        let i = try runningIndex(pid)
        try validateRange(vpn, pages)
        let space = spaceIndex(i)
        if let hole = firstHole(space, vpn, vpn + pages) {
            throw EngineError.notMapped(pid: procs[space].pid, vpn: hole)
        }
        unshareRange(space, vpn, vpn + pages)      // on-demand fork: shared tables there are copied first
        // As mprotect_fixup: a region whose rights do not change is left whole (no split), so
        // fault-around and smaps still see one VMA. Only the parts that change are isolated.
        var changing: [(Int, Int)] = []
        for r in regionsOverlapping(space, vpn, vpn + pages) where procs[space].regions[r].info.permissions != permissions {
            let info = procs[space].regions[r].info
            changing.append((max(vpn, info.start), min(vpn + pages, info.end)))
        }
        let tlbMark = tlbInvalidationMark
        defer { noteTLB(procs[space].pid, since: tlbMark, .protect) }
        for (start, end) in changing {
            invalidateTLB(space, start..<end)
            for r in isolate(space, start, end) {
                procs[space].regions[r].info.permissions = permissions
                reprotectEntries(space, r)
            }
        }
        if !changing.isEmpty { mergeRegions(space, vpn, vpn + pages) }
    }

    /// Brings the entries of region `r` in line with its rights: shared regions are writable
    /// exactly when the region is; in a private writable region an entry is writable only if it
    /// holds an anonymous frame nobody else maps, otherwise it is marked copy-on-write.
    private mutating func reprotectEntries(_ space: Int, _ r: Int) {
        let info = procs[space].regions[r].info
        let writable = info.permissions.contains(.write)
        for k in 0..<info.pages {
            let e = procs[space].regions[r].entries[k]
            guard Packed.isPresent(e) else { continue }
            var flags = e & Packed.flagMask & ~(Packed.writable | Packed.copyOnWrite)
            let f = Packed.frame(e)
            if writable && info.isShared {
                // With write notification a clean shared file page stays read-only (Linux makes
                // only dirty entries writable again).
                var notify = false
                if notifiesWrites(info.backing), e & Packed.dirty == 0 { notify = true }
                if !notify { flags |= Packed.writable }
            } else if writable {
                // Rule 10 (linux profile): only pages marked exclusive; textbook: any anonymous
                // page nobody else maps.
                let exclusive = mapsAnonymousFrame(e)
                    && (config.profile == .linux ? frames.exclusive[f]
                                                         : frames.mapcount[f] == 1 && !isSwapCached(f))
                flags |= exclusive ? Packed.writable : Packed.copyOnWrite
            }
            procs[space].regions[r].entries[k] = Packed.make(frame: f, flags)
        }
    }

    /// Sets madvise advice on [vpn, vpn + pages), which must be mapped entirely. wipeonfork
    /// applies only to private anonymous memory (Linux refuses it elsewhere with EINVAL).
    public mutating func advise(_ pid: PID, at vpn: Int, pages: Int, advice: Advice) throws(EngineError) {
        let space = try mappedSpace(pid, vpn, pages)
        if advice == .wipeOnFork,
           let bad = regionsOverlapping(space, vpn, vpn + pages).first(where: {
               procs[space].regions[$0].source != .privateAnonymous })
        {
            throw EngineError.adviceNotApplicable(region: procs[space].regions[bad].info.name, advice: advice)
        }
        changeRegions(space, vpn, vpn + pages) { $0.advice = advice }
    }
}
