import Testing
@testable import CowEngine

/// Issue 11, the anonymous-memory half: rule 10 (exclusive anonymous pages), mremap resize in
/// place, MAP_POPULATE, mlock / munlock, Pss_Dirty. Every figure is worked out by hand from the
/// rules of /work/shared/conformance/README.md (comments give the arithmetic).
@Suite("Issue 11: exclusive pages, mremap resize, populate, mlock, Pss_Dirty")
struct AnonymousMemoryTests {
    /// Rule 10, its exact sequence. P writes 2 pages (2 faults, both exclusive), forks C (marks
    /// cleared in both), C writes page 1 (a copy: C's new frame is exclusive, P's old frame is
    /// not, though its mapcount is back to 1), C exits (P's page 0 is back to mapcount 1, still
    /// not exclusive). P maps a third page and writes it (exclusive, fault 3). P protects all
    /// three r then rw: only the exclusive page is writable at once. P's write to it: no fault
    /// (still 3). P's write to page 0: a fault that keeps the frame (fault 4, reuse 1, copy 0),
    /// and the page is exclusive again.
    @Test("rule 10: protect back to rw re-enables writes only on exclusive pages")
    func ruleTenSequence() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 2, permissions: rw, shared: false, name: "heap")
        _ = try m.write(p, vpns: 0x10..<0x12, value: 1)
        #expect(faults(m, p) == 2)
        #expect(m.isExclusive(frame: 0) && m.isExclusive(frame: 1))
        let c = try m.fork(p, childName: "c")
        #expect(!m.isExclusive(frame: 0) && !m.isExclusive(frame: 1))
        _ = try m.write(c, vpn: 0x11, value: 3)
        #expect(copies(m, c) == 1)
        #expect(m.entry(c, vpn: 0x11)?.frame == 2 && m.isExclusive(frame: 2))
        #expect(m.mapcount(ofFrame: 1) == 1 && !m.isExclusive(frame: 1))
        try m.exit(c)
        #expect(m.mapcount(ofFrame: 0) == 1 && !m.isExclusive(frame: 0))
        try m.mapAnonymous(p, at: 0x20, pages: 1, permissions: rw, shared: false, name: "fresh")
        _ = try m.write(p, vpn: 0x20, value: 5)
        #expect(faults(m, p) == 3)
        // frame 2 was C's copy, freed at exit: the fresh page gets frame 2 again
        #expect(m.entry(p, vpn: 0x20)?.frame == 2 && m.isExclusive(frame: 2))
        for vpn in [0x10, 0x20] {
            let pages = vpn == 0x10 ? 2 : 1
            try m.protect(p, at: vpn, pages: pages, permissions: [.read])
            try m.protect(p, at: vpn, pages: pages, permissions: rw)
        }
        #expect(m.entry(p, vpn: 0x20)?.flags == [.present, .writable, .user, .dirty, .accessed])
        #expect(m.entry(p, vpn: 0x10)?.flags == [.present, .user, .copyOnWrite, .dirty, .accessed])
        #expect(m.entry(p, vpn: 0x11)?.flags == [.present, .user, .copyOnWrite, .dirty, .accessed])
        _ = try m.write(p, vpn: 0x20, value: 6)
        #expect(faults(m, p) == 3)
        _ = try m.write(p, vpn: 0x10, value: 2)
        #expect(faults(m, p) == 4 && copies(m, p) == 0 && m.process(p)?.counters.reuses == 1)
        #expect(m.entry(p, vpn: 0x10)?.frame == 0 && m.isExclusive(frame: 0))
        expectConsistent(m)
    }

    /// Textbook (no exclusive mark): the page shared at fork, back to mapcount 1, becomes
    /// writable again on protect rw, so the write takes no fault (2 faults in all).
    @Test("rule 10 is a linux rule: textbook makes every sole-mapper anonymous page writable")
    func textbookIgnoresTheMark() throws {
        var m = machine(.textbook)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 1, permissions: rw, shared: false, name: "heap")
        _ = try m.write(p, vpn: 0x10, value: 1)
        let c = try m.fork(p, childName: "c")
        try m.exit(c)
        try m.protect(p, at: 0x10, pages: 1, permissions: [.read])
        try m.protect(p, at: 0x10, pages: 1, permissions: rw)
        _ = try m.write(p, vpn: 0x10, value: 2)
        #expect(faults(m, p) == 1)
    }

    /// mremap resize: 4 written pages (frames 0-3) shrink to 2 (frames 2, 3 freed: 2 frames
    /// used), grow to 6 (the 4 new pages empty: Rss 2, Size 6), writes there get new frames.
    @Test("mremap size: shrinking unmaps the tail, growing extends the region in place")
    func mremapResize() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: false, name: "heap")
        try m.mapAnonymous(p, at: 0x20, pages: 1, permissions: rw, shared: false, name: "wall")
        _ = try m.write(p, vpns: 0x10..<0x14, value: 9)
        try m.mremapResize(p, at: 0x10, pages: 4, newPages: 2)
        #expect(m.stats.used == 2 && m.usage(of: p, region: "heap")?.rss == 2)
        #expect(m.process(p)?.regions.first?.pages == 2)
        try m.mremapResize(p, at: 0x10, pages: 2, newPages: 6)
        #expect(m.process(p)?.regions.first?.end == 0x16 && m.usage(of: p, region: "heap")?.rss == 2)
        #expect(try m.read(p, vpn: 0x11) == .value(9))
        #expect(try m.read(p, vpn: 0x15) == .value(0))
        expectConsistent(m)
        // errors change nothing: growing into `wall` (0x10 + 17 > 0x20), not a whole region, 0
        let before = m
        #expect(throws: EngineError.overlaps(pid: p, region: "wall")) { try m.mremapResize(p, at: 0x10, pages: 6, newPages: 17) }
        #expect(throws: EngineError.self) { try m.mremapResize(p, at: 0x10, pages: 2, newPages: 1) }
        #expect(throws: EngineError.self) { try m.mremapResize(p, at: 0x10, pages: 6, newPages: 0) }
        #expect(throws: EngineError.self) { try m.mremapResize(p, at: 0x30, pages: 1, newPages: 2) }
        #expect(m.pageTable(of: p) == before.pageTable(of: p) && m.process(p)?.regions == before.process(p)?.regions)
        // 16 pages of wall room: growing to exactly 0x20 is allowed
        try m.mremapResize(p, at: 0x10, pages: 6, newPages: 16)
        #expect(m.process(p)?.regions.first?.end == 0x20)
    }

    /// MAP_POPULATE under linux. rw anon 4 pages: 4 write faults, 4 new frames, Private_Dirty 4,
    /// all exclusive. r anon 4 pages: 4 read faults, all the zero page, Rss 0. A cold 32-page
    /// file read-only: 1 major fault reads pages 0-31 (readahead 32) and maps 0-15 (fault-around),
    /// page 16 a minor fault maps 16-31: 2 faults, Rss 32. Private rw file 4 pages, page 1
    /// written by pwrite (value 7): 4 write faults, 4 copies (no major: cached), values kept.
    @Test("populate: write faults for private writable pages, read faults otherwise, values kept")
    func populate() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: false, name: "heap")
        #expect(try m.populate(p, at: 0x10, pages: 4) == .init(faults: 4, killed: nil))
        expectUsage(m.usage(of: p, region: "heap"), rss: 4, pss: frac(4), shDi: 0, prDi: 4, anon: 4)
        #expect((0..<4).allSatisfy { m.isExclusive(frame: $0) })
        try m.mapAnonymous(p, at: 0x20, pages: 4, permissions: [.read], shared: false, name: "ro")
        #expect(try m.populate(p, at: 0x20, pages: 4).faults == 4)
        #expect(m.usage(of: p, region: "ro")?.rss == 0 && m.entry(p, vpn: 0x23)?.frame == m.zeroPageFrame)
        let f = try m.addFile(name: "f", pages: 32, cached: false)
        try m.mapFile(p, file: f, offset: 0, at: 0x40, pages: 32, permissions: [.read], shared: false, name: "text")
        #expect(try m.populate(p, at: 0x40, pages: 32).faults == 2)
        #expect(m.process(p)?.counters.majorFaults == 1 && m.usage(of: p, region: "text")?.rss == 32)
        _ = try m.pwrite(file: f, pages: 1..<2, value: 7)
        try m.mapFile(p, file: f, offset: 0, at: 0x80, pages: 4, permissions: rw, shared: false, name: "priv")
        #expect(try m.populate(p, at: 0x80, pages: 4).faults == 4)
        #expect(copies(m, p) == 4)
        #expect(try values(&m, p, 0x80..<0x84) == [0, 7, 0, 0])
        expectUsage(m.usage(of: p, region: "priv"), rss: 4, pss: frac(4), shDi: 0, prDi: 4, anon: 4)
        // faults: 4 + 4 + 2 + 4 = 14; populate again: nothing to do
        #expect(faults(m, p) == 14)
        #expect(try m.populate(p, at: 0x10, pages: 4).faults == 0)
        expectConsistent(m)
    }

    /// mlock after fork (linux): P writes 4 pages, forks C. P mlocks them: 4 write faults that
    /// copy (FOLL_WRITE breaks copy-on-write), then Locked = Pss of the region = 4 pages; C's
    /// 4 frames are its alone. C does not inherit the lock. munlock: Locked 0, pages stay.
    @Test("mlock populates with write faults, marks Locked, is not inherited; munlock keeps pages")
    func mlockFigures() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: false, name: "heap")
        _ = try m.write(p, vpns: 0x10..<0x14, value: 1)
        let c = try m.fork(p, childName: "c")
        #expect(try m.mlock(p, at: 0x10, pages: 4).faults == 4)
        #expect(copies(m, p) == 4)
        #expect(m.usage(of: p)?.lockedPss == frac(4) && m.usage(of: p)?.smapsLockedKiB == 16)
        #expect(m.usage(of: c)?.lockedPss == frac(0))
        let c2 = try m.fork(p, childName: "c2")
        #expect(m.process(c2)?.regions.first?.locked == false && m.process(p)?.regions.first?.locked == true)
        // now P's 4 frames have mapcount 2: Locked = Pss = 4 / 2 = 2 pages = 8 kB
        #expect(m.usage(of: p)?.lockedPss == frac(2) && m.usage(of: p)?.smapsLockedKiB == 8)
        try m.munlock(p, at: 0x10, pages: 4)
        #expect(m.usage(of: p)?.lockedPss == frac(0) && m.usage(of: p)?.rss == 4)
        #expect(throws: EngineError.notMapped(pid: p, vpn: 0x14)) { try m.mlock(p, at: 0x10, pages: 5) }
        expectConsistent(m)
    }

    /// Reclaim never takes a locked page. 4 frames, 8 swap slots: P mlocks 2 pages (frames 0,
    /// 1), then writes 4 pages of another region: the 4 frames are full after 2 of them, so
    /// the other 2 writes must swap out pages of that unlocked region, never frames 0 and 1.
    @Test("reclaim passes over locked pages")
    func reclaimSkipsLockedPages() throws {
        var config = MachineConfig(frames: 4, pageSize: 4096, profile: .linux)
        config.swapPages = 8
        var m = Machine(config: config)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 2, permissions: rw, shared: false, name: "locked")
        try m.mapAnonymous(p, at: 0x20, pages: 4, permissions: rw, shared: false, name: "other")
        _ = try m.mlock(p, at: 0x10, pages: 2)
        _ = try m.write(p, vpns: 0x20..<0x24, value: 5)
        #expect(m.entry(p, vpn: 0x10)?.frame == 0 && m.entry(p, vpn: 0x11)?.frame == 1)
        #expect(m.usage(of: p, region: "locked")?.rss == 2 && m.usage(of: p, region: "other")?.swap == 2)
        #expect(m.process(p)?.state.isAlive == true)
    }

    /// Pss_Dirty: P writes 4 pages and reads 4 of a file (clean); forks C (fork-skip: only the
    /// anonymous region is copied). Pss_Dirty of P = 4 pages x 1/2 = 2; Pss = 2 + 4 (file pages
    /// mapcount 1) = 6; in fixed point 4 x (4096 << 12) / 2 = 2 x 2^24, >> 22 = 8 kB.
    @Test("pss_dirty counts the Pss of dirty pages only")
    func pssDirty() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 4, cached: true)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: false, name: "heap")
        try m.mapFile(p, file: f, offset: 0, at: 0x40, pages: 4, permissions: [.read], shared: false, name: "f")
        _ = try m.write(p, vpns: 0x10..<0x14, value: 1)
        _ = try m.read(p, vpns: 0x40..<0x44)
        _ = try m.fork(p, childName: "c")
        let u = try #require(m.usage(of: p))
        #expect(u.pssDirty == frac(2) && u.pss == frac(6))
        #expect(u.rollupPssDirtyKiB == 8)
    }
}
