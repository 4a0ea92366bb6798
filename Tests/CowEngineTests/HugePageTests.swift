import Testing
@testable import CowEngine

// Transparent huge pages (issue 11, conformance rule 17). Every figure is worked out by hand from
// the rule in the comment beside it: a huge page is 512 frames from a multiple of 512 (frames are
// handed out lowest first), mapped by one fault; each of its frames counts as a page in Rss / Pss.
@Suite("transparent huge pages (rule 17)")
struct HugePageTests {
    /// vpn 0x40000 = address 0x4000_0000, a multiple of 512 pages (2 MiB).
    let base = 0x40000
    let huge = Machine.hugePagePages

    /// P with a 1024-page heap at `base` advised `hugepage` (two whole blocks).
    func advised(_ profile: Profile, frames: Int = 2048) throws -> (Machine, PID) {
        var m = machine(profile, frames: frames)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: base, pages: 1024, permissions: rw, shared: false, name: "heap")
        _ = try m.madvise(p, at: base, pages: 1024, advice: .hugepage)
        return (m, p)
    }

    @Test("one write fault maps a whole 512-page block as one huge page", arguments: Profile.allCases)
    func oneFaultMapsTheBlock(profile: Profile) throws {
        var (m, p) = try advised(profile)
        m.recordsEvents = true
        _ = m.takeEvents()
        // Write to page 5 of the first block: 1 fault, frames 0-511, page 5 is frame 5.
        #expect(try measured(&m, p) { try expectWrite(&$0, p, base + 5, 7) } == (1, 0))
        #expect(m.takeEvents() == [.hugePageMapped(pid: p, vpn: base, frame: 0, pages: 512)])
        #expect(m.stats.used == 512 && m.stats.anonymous == 512)
        #expect(m.entry(p, vpn: base + 5)?.frame == 5 && m.entry(p, vpn: base + 511)?.frame == 511)
        #expect(m.pageTable(of: p).count == 512 && m.pageTable(of: p).allSatisfy(\.huge))
        #expect(m.hugePageCount(of: p) == 1)
        // Every entry writable, dirty, accessed: more writes and reads in the block take no fault.
        #expect(m.entry(p, vpn: base + 300)?.flags == [.present, .writable, .user, .dirty, .accessed])
        #expect(try measured(&m, p) { try expectWrite(&$0, p, base + 300, 8); try expectValues(&$0, p, base..<(base + 6), [0, 0, 0, 0, 0, 7]) } == (0, 0))
        // smaps: 512 pages resident, all private dirty anonymous, Pss 512, AnonHugePages 512 pages (2048 kB).
        expectUsage(m.usage(of: p), rss: 512, pss: frac(512), shDi: 0, prDi: 512, anon: 512)
        #expect(m.usage(of: p)?.anonHugePages == 512)
        // A write in the second block: another huge page, frames 512-1023; 2 faults in all.
        try expectWrite(&m, p, base + 512 + 1, 9)
        #expect(faults(m, p) == 2 && m.entry(p, vpn: base + 513)?.frame == 513 && m.hugePageCount(of: p) == 2)
        #expect(m.usage(of: p)?.anonHugePages == 1024)
        expectConsistent(m)
    }

    @Test("fork shares the huge page; the first write splits it and copies one page; the other 511 stay shared; reuse needs the whole huge page")
    func forkSharesThenSplits() throws {
        var (m, p) = try advised(.linux)
        try expectWrite(&m, p, base, 1)                         // frames 0-511
        let c = try m.fork(p, childName: "C")
        // Every frame now mapcount 2; both map the block as a huge page.
        #expect(m.frame(0)?.mapcount == 2 && m.frame(511)?.mapcount == 2)
        #expect(m.hugePageCount(of: p) == 1 && m.hugePageCount(of: c) == 1)
        expectUsage(m.usage(of: c), rss: 512, pss: frac(256), shDi: 512, prDi: 0, anon: 512)
        // C writes page 1: 1 fault, 1 copy into frame 512 (the lowest free); C's mapping is split.
        #expect(try measured(&m, c) { try expectWrite(&$0, c, base + 1, 2) } == (1, 1))
        #expect(m.entry(c, vpn: base + 1)?.frame == 512 && m.frame(1)?.mapcount == 1 && m.frame(2)?.mapcount == 2)
        #expect(m.hugePageCount(of: c) == 0 && m.hugePageCount(of: p) == 1)
        #expect(distinctFrames(m, [p, c]) == 513)
        // Each: 511 pages shared with the other (511/2) + 1 alone = Pss 513/2 pages (1026 kB), Rss 512.
        expectUsage(m.usage(of: p), rss: 512, pss: frac(513, 2), shDi: 511, prDi: 1, anon: 512)
        expectUsage(m.usage(of: c), rss: 512, pss: frac(513, 2), shDi: 511, prDi: 1, anon: 512)
        // AnonHugePages: P still maps it as a huge page (512 pages), C no longer.
        #expect(m.usage(of: p)?.anonHugePages == 512 && m.usage(of: c)?.anonHugePages == 0)
        // P writes page 2 (shared): P's mapping splits too; 1 fault, 1 copy into frame 513.
        #expect(try measured(&m, p) { try expectWrite(&$0, p, base + 2, 3) } == (1, 1))
        #expect(m.entry(p, vpn: base + 2)?.frame == 513 && m.hugePageCount(of: p) == 0)
        #expect(distinctFrames(m, [p, c]) == 514)
        // Frame 1 is P's alone (mapcount 1), but the huge page it belongs to is still mapped by C
        // (510 pages): Linux 6.x copies a page of a large folio unless the whole folio is this
        // process's (checked on the host kernel), so P's write copies it into frame 514.
        #expect(m.frame(1)?.mapcount == 1)
        try expectWrite(&m, p, base + 1, 4)
        #expect(m.process(p)?.counters.reuses == 0 && copies(m, p) == 2 && m.entry(p, vpn: base + 1)?.frame == 514)
        try expectValues(&m, c, base..<(base + 3), [1, 2, 0])
        try expectValues(&m, p, base..<(base + 3), [1, 4, 3])
        expectConsistent(m)
        // Once C is gone, every mapped page of the huge page is P's: a write to a write-protected
        // page of it (page 3, frame 3, copy-on-write since the fork) reuses the frame.
        try m.exit(c)
        #expect(m.entry(p, vpn: base + 3)?.flags.contains(.copyOnWrite) == true)
        #expect(try measured(&m, p) { try expectWrite(&$0, p, base + 3, 6) } == (1, 0))
        #expect(m.process(p)?.counters.reuses == 1 && m.entry(p, vpn: base + 3)?.frame == 3)
        expectConsistent(m)
    }

    @Test("a write-protected huge page nobody else maps is reused whole: 1 fault, 1 reuse, still huge")
    func soleUserReusesTheHugePage() throws {
        var (m, p) = try advised(.linux)
        try expectWrite(&m, p, base, 1)
        let c = try m.fork(p, childName: "C")
        try m.exit(c)                                           // mapcounts back to 1, P's entries still copy-on-write
        #expect(m.entry(p, vpn: base + 9)?.flags.contains(.copyOnWrite) == true)
        #expect(try measured(&m, p) { try expectWrite(&$0, p, base + 9, 5) } == (1, 0))
        #expect(m.process(p)?.counters.reuses == 1 && m.hugePageCount(of: p) == 1 && m.stats.used == 512)
        #expect(m.pageTable(of: p).allSatisfy { $0.entry.flags.contains(.writable) })
        expectConsistent(m)
    }

    @Test("a read maps the zero page under linux (the block then gets 4 KiB pages); textbook allocates the huge page")
    func readFaults() throws {
        var (m, p) = try advised(.linux)
        try expectValues(&m, p, base..<(base + 1), [0])
        #expect(m.entry(p, vpn: base)?.frame == m.zeroPageFrame && m.stats.used == 0)
        try expectWrite(&m, p, base + 1, 1)                     // the block has an entry: a 4 KiB page
        #expect(m.stats.used == 1 && m.hugePageCount(of: p) == 0 && faults(m, p) == 2)

        var (t, q) = try advised(.textbook)
        #expect(try measured(&t, q) { try expectValues(&$0, q, base..<(base + 1), [0]) } == (1, 0))
        #expect(t.stats.used == 512 && t.hugePageCount(of: q) == 1)
        expectConsistent(m)
        expectConsistent(t)
    }

    @Test("no aligned block of 512 free frames: a 4 KiB page, as Linux falls back")
    func fallsBackToSmallPages() throws {
        // 1000 frames: the only aligned block is frames 0-511, and frame 0 is taken first.
        var (m, p) = try advised(.linux, frames: 1000)
        try m.mapAnonymous(p, at: 0x10, pages: 1, permissions: rw, shared: false, name: "small")
        try expectWrite(&m, p, 0x10, 1)                         // frame 0
        #expect(try measured(&m, p) { try expectWrite(&$0, p, base, 2) } == (1, 0))
        #expect(m.entry(p, vpn: base)?.frame == 1 && m.stats.used == 2 && m.hugePageCount(of: p) == 0)
        // A region not advised never gets one, nor a block sticking out of the region.
        var n = machine(.linux, frames: 2048)
        let q = try n.spawn(name: "Q")
        try n.mapAnonymous(q, at: base, pages: 512, permissions: rw, shared: false, name: "plain")
        try n.mapAnonymous(q, at: base + 1024, pages: 768, permissions: rw, shared: false, name: "odd")
        _ = try n.madvise(q, at: base + 1024, pages: 768, advice: .hugepage)
        try expectWrite(&n, q, base, 1)
        try expectWrite(&n, q, base + 1024 + 600, 1)            // second block of "odd" is cut at 768
        #expect(n.stats.used == 2 && n.hugePageCount(of: q) == 0)
        expectConsistent(m)
        expectConsistent(n)
    }

    @Test("munmap, protect and dontneed of part of a huge page split it first; of all of it, not")
    func partialOperationsSplit() throws {
        var (m, p) = try advised(.linux)
        try expectWrite(&m, p, base, 1)
        try expectWrite(&m, p, base + 512, 1)                   // two huge pages: frames 0-511, 512-1023
        // protect of the whole first block keeps it huge (Linux changes the PMD).
        try m.protect(p, at: base, pages: 512, permissions: [.read])
        #expect(m.hugePageCount(of: p) == 2)
        expectConsistent(m)
        // munmap of one page of the first: split, 511 left mapped, frame 3 freed.
        try m.unmap(p, at: base + 3, pages: 1)
        #expect(m.hugePageCount(of: p) == 1 && m.stats.used == 1023 && m.usage(of: p)?.rss == 1023)
        expectConsistent(m)
        // dontneed of one page of the second: split, frame 512 + 7 freed.
        _ = try m.madvise(p, at: base + 512 + 7, pages: 1, advice: .dontneed)
        #expect(m.hugePageCount(of: p) == 0 && m.stats.used == 1022 && m.usage(of: p)?.anonHugePages == 0)
        expectConsistent(m)
    }

    @Test("mremap keeps a huge page when the move keeps 2 MiB alignment, splits it otherwise")
    func mremapMoves() throws {
        var (m, p) = try advised(.linux)
        try expectWrite(&m, p, base, 1)
        try m.mremap(p, at: base, pages: 512, to: base + 4096)
        #expect(m.hugePageCount(of: p) == 1 && m.isHugeMapped(p, vpn: base + 4096 + 10))
        expectConsistent(m)
        try m.mremap(p, at: base + 4096, pages: 512, to: base + 8192 + 1)
        #expect(m.hugePageCount(of: p) == 0 && m.entry(p, vpn: base + 8193)?.frame == 0)
        expectConsistent(m)
    }

    @Test("hugepage advice is refused on file and shared memory and on a range holding no aligned block, changing nothing")
    func refusals() throws {
        var m = machine(.linux, frames: 2048)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: base, pages: 1025, permissions: rw, shared: false, name: "heap")
        let before = m.process(p)
        // 512 pages from base + 1 hold no whole aligned block; neither do 511 from base.
        #expect(throws: EngineError.self) { try m.madvise(p, at: base + 1, pages: 512, advice: .hugepage) }
        #expect(throws: EngineError.self) { try m.madvise(p, at: base, pages: 511, advice: .hugepage) }
        #expect(m.process(p) == before)
        // 1024 pages from base + 1 hold the block at base + 512: accepted, for the whole range.
        _ = try m.madvise(p, at: base + 1, pages: 1024, advice: .hugepage)
        #expect(m.process(p)?.regions.map(\.hugePages) == [.unset, .hugepage])
        try expectWrite(&m, p, base + 1, 1)                     // block 0 is not inside the advised part
        try expectWrite(&m, p, base + 600, 1)
        #expect(m.stats.used == 513 && m.hugePageCount(of: p) == 1)
        expectConsistent(m)
    }

    @Test("reclaim splits a huge page before swapping one of its pages out")
    func swapSplitsFirst() throws {
        var config = MachineConfig(frames: 512, pageSize: 4096, profile: .linux)
        config.swapPages = 64
        var m = Machine(config: config)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: base, pages: 1024, permissions: rw, shared: false, name: "heap")
        _ = try m.madvise(p, at: base, pages: 1024, advice: .hugepage)
        try expectWrite(&m, p, base, 1)                         // all 512 frames
        #expect(m.hugePageCount(of: p) == 1 && m.stats.free == 0)
        try expectWrite(&m, p, base + 512, 2)                   // needs a frame: reclaim takes one page of the huge page
        #expect(m.hugePageCount(of: p) == 0 && m.stats.swapUsed == 1)
        #expect(m.usage(of: p)?.rss == 512 && m.usage(of: p)?.swap == 1)
        expectConsistent(m)
    }
}
