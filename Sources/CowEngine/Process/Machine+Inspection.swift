// Read-only views of processes, page tables and frames for the language's dumps.

extension Machine {
    /// A snapshot of process `pid`, nil if there is none.
    public func process(_ pid: PID) -> ProcessInfo? {
        guard pid >= 1, pid <= procs.count else { return nil }
        return info(pid - 1)
    }

    /// The name of process `pid`, nil if there is none. Cheap (no snapshot, no region list):
    /// renderers call it once per event line.
    public func processName(_ pid: PID) -> String? {
        guard pid >= 1, pid <= procs.count else { return nil }
        return procs[pid - 1].name
    }

    /// The latest process called `name`, alive or dead.
    public func process(named name: String) -> ProcessInfo? {
        pid(named: name).map { info($0 - 1) }
    }

    /// The pid of the latest process called `name`, alive or dead; O(1).
    public func pid(named name: String) -> PID? { pidsByName[name] }

    /// Whether the address space process `pid` uses has a region called `name`, in O(1) (false
    /// for an unknown pid or one without an address space).
    public func hasRegion(_ pid: PID, named name: String) -> Bool {
        guard pid >= 1, pid <= procs.count else { return false }
        return procs[spaceIndex(pid - 1)].regionNames[name] != nil
    }

    /// Whether a live process is called `name`; O(1).
    public func isLiveProcessName(_ name: String) -> Bool {
        guard let pid = pidsByName[name] else { return false }
        return procs[pid - 1].state.isAlive
    }

    /// Processes ever created (the last pid given); O(1).
    public var processCount: Int { procs.count }

    /// Processes running or suspended; O(1).
    public var liveProcessCount: Int { liveCount }

    /// Allocatable frames; O(1).
    public var frameCount: Int { frames.count }

    /// Frames holding something (`stats.used` without walking any page table); O(1).
    public var usedFrameCount: Int { frames.count - frames.freeCount }

    /// Names of the live processes, by pid.
    public var liveProcessNames: [String] { procs.filter { $0.state.isAlive }.map(\.name) }

    /// Every process ever created, by pid.
    public var processes: [ProcessInfo] { procs.indices.map(info) }

    /// Builds the public snapshot of process `i`.
    func info(_ i: Int) -> ProcessInfo {
        let p = procs[i]
        return ProcessInfo(pid: p.pid, name: p.name, parent: p.parent, state: p.state,
                           regions: RegionList(procs[spaceIndex(i)].regions), counters: p.counters,
                           borrowsFrom: p.borrowsFrom)
    }

    /// Present entries of the address space `pid` uses, sorted by vpn (empty for unknown pids).
    public func pageTable(of pid: PID) -> [MappedPage] {
        guard pid >= 1, pid <= procs.count else { return [] }
        var pages: [MappedPage] = []
        for record in procs[spaceIndex(pid - 1)].regions {
            let huge = Set(record.hugeBlocks)
            for (k, e) in record.entries.enumerated() where Packed.isPresent(e) {
                let vpn = record.info.start + k
                pages.append(MappedPage(vpn: vpn, region: record.info.name, entry: Packed.unpack(e),
                                        huge: !huge.isEmpty && huge.contains(Machine.hugeBlock(vpn))))
            }
        }
        return pages
    }

    /// Whether `frame` is an anonymous page marked exclusive (rule 10, PageAnonExclusive): its one
    /// mapper got it by a fault of its own, and no fork shared it since.
    public func isExclusive(frame: Int) -> Bool {
        frames.isUsed(frame) && frames.kinds[frame] == .anonymous && frames.exclusive[frame]
    }

    /// The present entry for `vpn` in the address space `pid` uses, or nil.
    public func entry(_ pid: PID, vpn: Int) -> PageTableEntry? {
        guard pid >= 1, pid <= procs.count else { return nil }
        let space = spaceIndex(pid - 1)
        guard let r = regionIndex(space, vpn) else { return nil }
        let e = procs[space].regions[r].entries[vpn - procs[space].regions[r].info.start]
        return Packed.isPresent(e) ? Packed.unpack(e) : nil
    }

    /// A used frame or the zero page, with its reverse map; nil if free or out of range.
    public func frame(_ number: Int) -> FrameInfo? {
        if hasUncountedShares { return settled().frame(number) }     // on-demand fork
        guard number == frames.zeroFrame || frames.isUsed(number) else { return nil }
        var mappers: [Mapper] = []
        forEachMapping { pid, vpn, f in
            if f == number { mappers.append(Mapper(pid: pid, vpn: vpn)) }
        }
        return frameInfo(number, mappers: mappers)
    }

    /// Every used frame, sorted by number, with reverse maps (one walk of all page tables).
    public var usedFrames: [FrameInfo] { usedFramesAndZeroPage.used }

    /// Every used frame with its reverse map, and the zero page with its own (nil when nothing
    /// maps it), from one walk of all page tables: time linear in frames and entries.
    public var usedFramesAndZeroPage: (used: [FrameInfo], zeroPage: FrameInfo?) {
        if hasUncountedShares { return settled().usedFramesAndZeroPage }     // on-demand fork
        var mappers = Array(repeating: [Mapper](), count: frames.materialized)
        var zero: [Mapper] = []
        forEachMapping { pid, vpn, f in
            if f == frames.zeroFrame { zero.append(Mapper(pid: pid, vpn: vpn)) } else { mappers[f].append(Mapper(pid: pid, vpn: vpn)) }
        }
        var used: [FrameInfo] = []
        for f in 0..<frames.materialized where frames.isUsed(f) { used.append(frameInfo(f, mappers: mappers[f])) }
        return (used, zero.isEmpty ? nil : frameInfo(frames.zeroFrame, mappers: zero))
    }

    /// The reverse map of the given frames (one walk of all page tables): each frame's mappers
    /// sorted by pid then vpn; frames nobody maps, free or out of range are left out.
    public func mappers(of numbers: some Sequence<Int>) -> [Int: [Mapper]] {
        var wanted = Set<Int>()
        for f in numbers where f >= 0 && f <= frames.zeroFrame { wanted.insert(f) }
        var result: [Int: [Mapper]] = [:]
        guard !wanted.isEmpty else { return result }
        forEachMapping { pid, vpn, f in
            if wanted.contains(f) { result[f, default: []].append(Mapper(pid: pid, vpn: vpn)) }
        }
        return result
    }

    /// Page-table entries mapping `frame` (0 for the zero page, free frames and numbers out of
    /// range); O(1), unlike `frame(_:)`, which builds the reverse map.
    public func mapcount(ofFrame frame: Int) -> Int {
        if hasUncountedShares { return settled().mapcount(ofFrame: frame) }     // on-demand fork
        return frames.isUsed(frame) ? Int(frames.mapcount[frame]) : 0
    }

    /// Public view of frame `f` with the given mappers.
    func frameInfo(_ f: Int, mappers: [Mapper]) -> FrameInfo {
        guard f != frames.zeroFrame else {
            return FrameInfo(number: f, kind: .zero, mapcount: 0, dirty: false, value: 0, mappers: mappers)
        }
        let kind: FrameKind
        switch frames.kinds[f] {
        case .pageCache: kind = .pageCache(file: Int(frames.owner[f]), page: Int(frames.ownerPage[f]))
        case .shmem: kind = .pageCache(file: -Int(frames.owner[f]), page: Int(frames.ownerPage[f]))
        case .pageTable: kind = .pageTable
        case .anonymous, .free: kind = .anonymous
        }
        return FrameInfo(number: f, kind: kind, mapcount: Int(frames.mapcount[f]), dirty: frames.dirty[f],
                         value: frames.value(f), mappers: mappers)
    }

    /// Calls `body(pid, vpn, frame)` for every present entry of every live address space, in
    /// pid then vpn order (so reverse maps come out sorted).
    func forEachMapping(_ body: (PID, Int, Int) -> Void) {
        for i in liveSpaces {
            for record in procs[i].regions {
                for (k, e) in record.entries.enumerated() where Packed.isPresent(e) {
                    body(procs[i].pid, record.info.start + k, Packed.frame(e))
                }
            }
        }
    }
}
