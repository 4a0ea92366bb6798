import Testing
@testable import CowEngine

/// A machine with `frames` frames and `swap` pages of swap (textbook unless said).
func swapMachine(frames: Int, swap: Int, profile: Profile = .textbook) -> Machine {
    var config = MachineConfig(frames: frames, pageSize: 4096, profile: profile)
    config.swapPages = swap
    return Machine(config: config)
}

/// The reason the default policy (LRU) gives for its choice.
let lru = "least recently used (LRU)"

/// Swap and reclaim, with figures worked out by hand in the comments: free frames are taken
/// lowest first; reclaim takes the least recently used frame it can (the default policy). LRU
/// order is written [oldest, ..., newest].
@Suite("Swap")
struct SwapTests {
    /// Four frames, eight slots. P writes heap 0x10..0x12 (frames 0, 1), forks C (both frames
    /// shared, mapcount 2), then writes other 0x20..0x22 (frames 2, 3): memory is full, LRU
    /// order [0, 1, 2, 3].
    func sharedHeap() throws -> (Machine, PID, PID) {
        var m = swapMachine(frames: 4, swap: 8)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x10, pages: 2, permissions: rw, shared: false, name: "heap")
        try m.mapAnonymous(p, at: 0x20, pages: 3, permissions: rw, shared: false, name: "other")
        try writeEach(&m, p, 0x10..<0x12, base: 10)
        let c = try m.fork(p, childName: "C")
        try writeEach(&m, p, 0x20..<0x22, base: 20)
        #expect(m.stats.free == 0)
        _ = m.takeEvents()
        return (m, p, c)
    }

    @Test("a page shared by copy-on-write goes to one slot with swap count 2")
    func sharedPageToOneSlot() throws {
        var (m, p, c) = try sharedHeap()
        // P writes 0x22: no frame is free, reclaim takes frame 0 (heap 0x10 of P and C) to slot 0;
        // frame 0 then holds 0x22: LRU [1, 2, 3, 0].
        #expect(try m.write(p, vpn: 0x22, value: 22) == .value(22))
        #expect(m.takeEvents() == [
            .reclaimed(frame: 0, page: .swappedOut(slot: 0, written: true), entries: 2, why: lru),
            .demandZero(pid: p, vpn: 0x22, frame: 0),
        ])
        #expect(m.swapUsed == 1)
        #expect(m.swapSlots == [SwapSlotInfo(slot: 0, count: 2, value: 10, cachedIn: nil,
                                              referrers: [Mapper(pid: p, vpn: 0x10), Mapper(pid: c, vpn: 0x10)])])
        #expect(m.swapEntries(of: c) == [SwappedPage(vpn: 0x10, region: "heap", slot: 0)])
        #expect(m.entry(c, vpn: 0x10) == nil)
        // smaps of C's heap: 1 page resident (frame 1, shared: Pss 1/2), 1 page in swap (swap
        // count 2: SwapPss 1/2).
        let heap = m.usage(of: c, region: "heap")
        #expect(heap?.rss == 1)
        #expect(heap?.pss == frac(1, 2))
        #expect(heap?.swap == 1)
        #expect(heap?.swapPss == frac(1, 2))
        // In kB (4 KiB pages): Swap 4, SwapPss 2 (2^24 / 2 >> 22).
        #expect(heap?.smapsSwapPssKiB == 2)
        #expect(m.swapEntryCount(of: p) == 1)
        expectConsistent(m)
    }

    @Test("the first sharer swaps it in (major), the second finds it in the swap cache (minor): shared again")
    func sharedThroughTheSwapCache() throws {
        var (m, p, c) = try sharedHeap()
        _ = try m.write(p, vpn: 0x22, value: 22)        // heap 0x10 -> slot 0 (see above)
        _ = m.takeEvents()
        // C reads 0x10: a frame is needed; reclaim takes frame 1 (heap 0x11 of P and C) to slot 1,
        // then slot 0 is read into frame 1, which joins the swap cache. One major fault.
        let c0 = m.process(c)!.counters
        #expect(try m.read(c, vpn: 0x10) == .value(10))
        #expect(m.takeEvents() == [
            .reclaimed(frame: 1, page: .swappedOut(slot: 1, written: true), entries: 2, why: lru),
            .swappedIn(pid: c, vpn: 0x10, slot: 0, frame: 1, major: true, slotFreed: false),
        ])
        #expect(m.process(c)!.counters.majorFaults == c0.majorFaults + 1)
        #expect(m.process(c)!.counters.minorFaults == c0.minorFaults)
        // Slot 0 still names P's entry and has its copy in frame 1; C maps frame 1 copy-on-write.
        #expect(m.swapSlots.first == SwapSlotInfo(slot: 0, count: 1, value: 10, cachedIn: 1,
                                                  referrers: [Mapper(pid: p, vpn: 0x10)]))
        #expect(m.entry(c, vpn: 0x10) == PageTableEntry(frame: 1, flags: [.present, .user, .copyOnWrite, .accessed]))
        expectConsistent(m)
        // P reads 0x10: its slot's page is in the swap cache: a minor fault, no frame needed.
        // That was the slot's last swap entry: slot 0 is freed and frame 1 is shared by both.
        let p0 = m.process(p)!.counters
        #expect(try m.read(p, vpn: 0x10) == .value(10))
        #expect(m.takeEvents() == [.swappedIn(pid: p, vpn: 0x10, slot: 0, frame: 1, major: false, slotFreed: true)])
        #expect(m.process(p)!.counters.minorFaults == p0.minorFaults + 1)
        #expect(m.process(p)!.counters.majorFaults == p0.majorFaults)
        #expect(m.entry(p, vpn: 0x10)?.frame == 1)
        #expect(m.mapcount(ofFrame: 1) == 2)
        #expect(m.swapUsed == 1)        // slot 1 (heap 0x11 of P and C) only
        #expect(m.swapSlots.map(\.slot) == [1])
        // Both heaps: 0x10 resident, shared by 2 (Pss 1/2); 0x11 in slot 1, swap count 2
        // (SwapPss 1/2).
        for pid in [p, c] {
            let heap = m.usage(of: pid, region: "heap")
            #expect(heap?.rss == 1)
            #expect(heap?.pss == frac(1, 2))
            #expect(heap?.swap == 1)
            #expect(heap?.swapPss == frac(1, 2))
        }
        expectConsistent(m)
        // A write by C still copies (the page is shared), then P keeps its frame alone.
        #expect(try m.write(c, vpn: 0x10, value: 99) == .value(99))
        #expect(try m.read(p, vpn: 0x10) == .value(10))
        expectConsistent(m)
    }

    @Test("a write to a shared swapped page swaps it in and copies it in one major fault")
    func writeToSharedSwappedPage() throws {
        var (m, p, c) = try sharedHeap()
        _ = try m.write(p, vpn: 0x22, value: 22)        // heap 0x10 -> slot 0
        _ = m.takeEvents()
        let c0 = m.process(c)!.counters
        // C writes 0x10: reclaim takes frame 1 (heap 0x11, shared) to slot 1; slot 0 is read into
        // frame 1 (swap cache: P still waits for it); the copy needs another frame: reclaim takes
        // frame 2 (P's 0x20) to slot 2, and C's copy lands in frame 2.
        #expect(try m.write(c, vpn: 0x10, value: 77) == .value(77))
        #expect(m.takeEvents() == [
            .reclaimed(frame: 1, page: .swappedOut(slot: 1, written: true), entries: 2, why: lru),
            .swappedIn(pid: c, vpn: 0x10, slot: 0, frame: 1, major: true, slotFreed: false),
            .reclaimed(frame: 2, page: .swappedOut(slot: 2, written: true), entries: 1, why: lru),
            .copyOnWrite(pid: c, vpn: 0x10, from: 1, to: 2),
        ])
        let c1 = m.process(c)!.counters
        #expect(c1.majorFaults == c0.majorFaults + 1)
        #expect(c1.minorFaults == c0.minorFaults)
        #expect(c1.copies == c0.copies + 1)
        // Frame 1 stays in the swap cache for P (mapped by nobody now).
        #expect(m.swapSlots.first(where: { $0.slot == 0 })?.cachedIn == 1)
        #expect(m.mapcount(ofFrame: 1) == 0)
        expectConsistent(m)
        // P reads it from the swap cache: minor, sees its own value.
        #expect(try m.read(p, vpn: 0x10) == .value(10))
        #expect(try m.read(c, vpn: 0x10) == .value(77))
        expectConsistent(m)
    }

    @Test("exit and unmap give swap entries back; the last one frees the slot")
    func exitFreesSlots() throws {
        var (m, p, c) = try sharedHeap()
        _ = try m.write(p, vpn: 0x22, value: 22)        // heap 0x10 -> slot 0, count 2
        try m.exit(c)
        #expect(m.swapSlots == [SwapSlotInfo(slot: 0, count: 1, value: 10, cachedIn: nil, referrers: [Mapper(pid: p, vpn: 0x10)])])
        try m.unmap(p, at: 0x10, pages: 1)
        #expect(m.swapUsed == 0)
        #expect(m.swapSlots.isEmpty)
        expectConsistent(m)
    }

    @Test("fork copies swap entries: the slot counts the child too")
    func forkSharesSlots() throws {
        var (m, p, _) = try sharedHeap()
        _ = try m.write(p, vpn: 0x22, value: 22)        // heap 0x10 -> slot 0, count 2
        let g = try m.fork(p, childName: "G")
        #expect(m.swapSlots.first?.count == 3)
        // Three entries share the slot: SwapPss 1/3 page each, 1 kB (2^24 / 3 = 5592405, >> 22 = 1).
        let heap = m.usage(of: g, region: "heap")
        #expect(heap?.swapPss == frac(1, 3))
        #expect(heap?.smapsSwapPssKiB == 1)
        #expect(try m.read(g, vpn: 0x10) == .value(10))
        expectConsistent(m)
    }

    @Test("dontneed drops swap entries")
    func dontneedDropsSwapEntries() throws {
        var (m, p, c) = try sharedHeap()
        _ = try m.write(p, vpn: 0x22, value: 22)        // heap 0x10 -> slot 0, count 2
        let outcome = try m.madvise(c, at: 0x10, pages: 2, advice: .dontneed)
        #expect(outcome.entriesDropped == 2)            // the swap entry and frame 1's entry
        #expect(m.swapSlots.first?.count == 1)
        #expect(try m.read(c, vpn: 0x10) == .value(0))  // demand-zero again
        expectConsistent(m)
    }

    @Test("a sole owner swaps its page back in writable: no second fault to write it")
    func exclusiveSwapIn() throws {
        var m = swapMachine(frames: 2, swap: 4)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x10, pages: 3, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x10..<0x13, base: 1)      // 0x12 pushes 0x10 (frame 0) to slot 0: LRU [1, 0]
        #expect(m.swapSlot(p, vpn: 0x10) == 0)
        _ = m.takeEvents()
        // Reading 0x10: frame 1 (0x11) to slot 1, slot 0 into frame 1; slot 0 had one entry:
        // freed, and the entry is writable (the page is exclusive) and the page dirty.
        #expect(try m.read(p, vpn: 0x10) == .value(1))
        #expect(m.entry(p, vpn: 0x10) == PageTableEntry(frame: 1, flags: [.present, .writable, .user, .accessed]))
        let before = m.process(p)!.counters
        #expect(try m.write(p, vpn: 0x10, value: 5) == .value(5))
        #expect(m.process(p)!.counters == before)
        #expect(m.usage(of: p)?.privateDirty == 2)      // frames 0 (0x12) and 1 (0x10)
        #expect(m.usage(of: p)?.swap == 1)              // 0x11 in slot 1
        #expect(m.swapTraffic.pagesOut == 2)
        #expect(m.swapTraffic.pagesIn == 1)
        expectConsistent(m)
    }

    @Test("clean page-cache pages are dropped, dirty ones written back; a later access is a major fault")
    func pageCacheReclaim() throws {
        var m = swapMachine(frames: 2, swap: 1)
        let data = try m.addFile(name: "data", pages: 2, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: data, offset: 0, at: 0x40, pages: 2, permissions: rw, shared: true, name: "data")
        #expect(try m.write(p, vpn: 0x40, value: 7) == .value(7))     // major, frame 0, dirty
        #expect(try m.read(p, vpn: 0x41) == .value(0))                // major, frame 1, clean
        try m.mapAnonymous(p, at: 0x50, pages: 1, permissions: rw, shared: false, name: "heap")
        _ = m.takeEvents()
        // The heap page needs a frame: frame 0 (data page 0, dirty) is written back and dropped.
        #expect(try m.write(p, vpn: 0x50, value: 9) == .value(9))
        #expect(m.takeEvents() == [
            .reclaimed(frame: 0, page: .dropped(file: data, page: 0, writtenBack: true), entries: 1, why: lru),
            .demandZero(pid: p, vpn: 0x50, frame: 0),
        ])
        #expect(m.entry(p, vpn: 0x40) == nil)
        #expect(m.file(named: "data")?.cachedPages == 1)
        // Reading 0x40 again (LRU [1, 0]): frame 1 (data page 1, clean) is dropped without
        // writing, and page 0 is read back from disk into it: a major fault that sees the 7.
        let majors = m.process(p)!.counters.majorFaults
        #expect(try m.read(p, vpn: 0x40) == .value(7))
        #expect(m.process(p)!.counters.majorFaults == majors + 1)
        #expect(m.takeEvents() == [
            .reclaimed(frame: 1, page: .dropped(file: data, page: 1, writtenBack: false), entries: 1, why: lru),
            .fileRead(pid: p, vpn: 0x40, frame: 1, major: true, mappedPages: 1),
        ])
        expectConsistent(m)
    }

    @Test("fault-around leaves swap entries alone: a private copy in swap is not the file's page")
    func faultAroundKeepsSwapEntries() throws {
        var m = swapMachine(frames: 4, swap: 4, profile: .linux)
        let data = try m.addFile(name: "data", pages: 4, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: data, offset: 0, at: 0x40, pages: 4, permissions: rw, shared: false, name: "data")
        try m.mapAnonymous(p, at: 0x10, pages: 3, permissions: rw, shared: false, name: "heap")
        #expect(try m.write(p, vpn: 0x41, value: 5) == .value(5))     // page 1 cached in frame 0, private copy in frame 1
        try writeEach(&m, p, 0x10..<0x12, base: 1)                      // frames 2, 3: LRU [0, 1, 2, 3]
        _ = try m.write(p, vpn: 0x12, value: 3)                         // drops page 1 (frame 0)
        _ = try m.read(p, vpn: 0x42)                                    // the copy (frame 1) goes to slot 0
        #expect(m.swapSlot(p, vpn: 0x41) == 0)
        let q = try m.spawn(name: "Q")
        try m.mapFile(q, file: data, offset: 0, at: 0x80, pages: 4, permissions: [.read], shared: false, name: "data")
        _ = try m.read(q, vpn: 0x81)                                    // page 1 is cached again
        // P's read of page 3 maps the cached pages of its 16-page window (fault-around), but
        // 0x41 holds a swap entry: it must stay one.
        _ = try m.read(p, vpn: 0x43)
        #expect(m.swapSlot(p, vpn: 0x41) == 0)
        expectConsistent(m)
        #expect(try m.read(p, vpn: 0x41) == .value(5))
        expectConsistent(m)
    }

    @Test("memory and swap full: the out-of-memory killer takes the largest Rss + swap, not the faulting process")
    func oomKillerChoosesLargest() throws {
        var m = swapMachine(frames: 4, swap: 1)
        let a = try m.spawn(name: "A")
        let b = try m.spawn(name: "B")
        try m.mapAnonymous(a, at: 0x10, pages: 3, permissions: rw, shared: false, name: "heap")
        try m.mapAnonymous(b, at: 0x10, pages: 3, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, a, 0x10..<0x13, base: 1)      // frames 0-2
        try writeEach(&m, b, 0x10..<0x12, base: 1)      // frame 3, then frame 0 (A's 0x10) to slot 0
        _ = m.takeEvents()
        // B writes 0x12: nothing reclaimable (only anonymous pages, swap full). Scores: A has
        // Rss 2 + swap 1 = 3, B Rss 2 = 2: A is killed, its frames 1 and 2 and slot 0 freed.
        #expect(try m.write(b, vpn: 0x12, value: 3) == .value(3))
        #expect(m.takeEvents() == [
            .oomKilled(victim: a, score: OOMScore(rss: 2, swap: 1, pageTables: 0), pid: b, vpn: 0x12),
            .demandZero(pid: b, vpn: 0x12, frame: 1),
        ])
        #expect(m.process(a)?.state == .killed(.oomVictim(pid: b, vpn: 0x12)))
        #expect(m.process(b)?.state == .running)
        #expect(m.swapUsed == 0)
        expectConsistent(m)
    }

    @Test("the faulting process is killed when it has the largest score; equal scores take the newest")
    func oomKillerTakesFaulter() throws {
        var m = swapMachine(frames: 3, swap: 1)
        let a = try m.spawn(name: "A")
        let b = try m.spawn(name: "B")
        try m.mapAnonymous(a, at: 0x10, pages: 1, permissions: rw, shared: false, name: "heap")
        try m.mapAnonymous(b, at: 0x10, pages: 4, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, a, 0x10..<0x11, base: 1)      // frame 0
        try writeEach(&m, b, 0x10..<0x13, base: 1)      // frames 1, 2, then A's frame 0 to slot 0
        _ = m.takeEvents()
        // B writes 0x13: A scores 0 + 1 = 1, B 3: B is killed by its own fault.
        #expect(try m.write(b, vpn: 0x13, value: 4) == .killed(.outOfMemory(vpn: 0x13)))
        #expect(m.takeEvents() == [.oomKilled(victim: b, score: OOMScore(rss: 3, swap: 0, pageTables: 0), pid: b, vpn: 0x13)])
        #expect(m.process(b)?.state == .killed(.outOfMemory(vpn: 0x13)))
        expectConsistent(m)

        // Ties: C and D both score 2 when C faults; D, the newer, dies.
        var t = swapMachine(frames: 3, swap: 1)
        let c = try t.spawn(name: "C")
        let d = try t.spawn(name: "D")
        try t.mapAnonymous(c, at: 0x10, pages: 3, permissions: rw, shared: false, name: "heap")
        try t.mapAnonymous(d, at: 0x10, pages: 2, permissions: rw, shared: false, name: "heap")
        try writeEach(&t, c, 0x10..<0x12, base: 1)      // frames 0, 1
        try writeEach(&t, d, 0x10..<0x12, base: 1)      // frame 2, then C's frame 0 to slot 0
        // C: Rss 1 + swap 1 = 2; D: Rss 2 = 2. C writes 0x12: D dies, C gets a frame.
        _ = t.takeEvents()
        #expect(try t.write(c, vpn: 0x12, value: 3) == .value(3))
        #expect(t.takeEvents().first == .oomKilled(victim: d, score: OOMScore(rss: 2, swap: 0, pageTables: 0), pid: c, vpn: 0x12))
        expectConsistent(t)
    }

    /// Worked by hand with x86_64 tables, 4 frames, 1 slot. A writes 0x10, 0x11 (frames 0, 1;
    /// tables PUD, PMD, PTE: 3 below the top); B writes 0x10 and the page at 1 GiB (frames 2,
    /// 3; a PUD, two PMDs and two PTE pages: 5). A's write of 0x12 swaps A's 0x10 (the least
    /// recently used) to slot 0. B's write of 0x11 finds memory and swap full: A scores Rss 2 +
    /// swap 1 + tables 3 = 6, B Rss 2 + tables 5 = 7, so B dies by its own fault. Without a
    /// layout chosen the tables count 0: A (3) dies instead of B (2).
    @Test("the out-of-memory score counts page-table pages once a layout is chosen")
    func oomScoreCountsPageTables() throws {
        for layout in [PageTableLayout.x86_64, nil] {
            var config = MachineConfig(frames: 4, pageSize: 4096)
            config.swapPages = 1
            config.pageTables = layout
            var m = Machine(config: config)
            let a = try m.spawn(name: "A")
            let b = try m.spawn(name: "B")
            let gib = 1 << 18
            try m.mapAnonymous(a, at: 0x10, pages: 3, permissions: rw, shared: false, name: "heap")
            try m.mapAnonymous(b, at: 0x10, pages: 2, permissions: rw, shared: false, name: "heap")
            try m.mapAnonymous(b, at: gib, pages: 1, permissions: rw, shared: false, name: "far")
            try writeEach(&m, a, 0x10..<0x12, base: 1)
            try writeEach(&m, b, 0x10..<0x11, base: 1)
            try writeEach(&m, b, gib..<(gib + 1), base: 1)
            try writeEach(&m, a, 0x12..<0x13, base: 3)
            #expect(m.swapUsed == 1)
            _ = m.takeEvents()
            if layout != nil {
                #expect(m.pageTablePages(of: a) == 3 && m.pageTablePages(of: b) == 5)
                #expect(try m.write(b, vpn: 0x11, value: 2) == .killed(.outOfMemory(vpn: 0x11)))
                #expect(m.takeEvents() == [.oomKilled(victim: b, score: OOMScore(rss: 2, swap: 0, pageTables: 5), pid: b, vpn: 0x11)])
                #expect(m.process(a)?.state == .running)
            } else {
                #expect(try m.write(b, vpn: 0x11, value: 2) == .value(2))
                #expect(m.takeEvents().first == .oomKilled(victim: a, score: OOMScore(rss: 2, swap: 1, pageTables: 0), pid: b, vpn: 0x11))
                #expect(m.process(b)?.state == .running)
            }
            expectConsistent(m)
        }
    }

    @Test("without swap nothing is reclaimed: the faulting process is killed as before")
    func noSwapNoReclaim() throws {
        var m = swapMachine(frames: 2, swap: 0)
        let data = try m.addFile(name: "data", pages: 1, cached: true)  // frame 0, clean, reclaimable with swap
        _ = data
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x10, pages: 2, permissions: rw, shared: false, name: "heap")
        #expect(try m.write(p, vpn: 0x10, value: 1) == .value(1))
        _ = m.takeEvents()
        #expect(try m.write(p, vpn: 0x11, value: 2) == .killed(.outOfMemory(vpn: 0x11)))
        #expect(m.takeEvents() == [.outOfMemory(pid: p, vpn: 0x11)])
        expectConsistent(m)
    }

    @Test("config refuses swap outside 0 ... 2^24 pages")
    func swapRange() {
        var config = MachineConfig()
        config.swapPages = -1
        #expect(throws: EngineError.self) { try config.validate() }
        config.swapPages = MachineConfig.maxFrames + 1
        #expect(throws: EngineError.self) { try config.validate() }
        config.swapPages = MachineConfig.maxFrames
        #expect(throws: Never.self) { try config.validate() }
    }
}
