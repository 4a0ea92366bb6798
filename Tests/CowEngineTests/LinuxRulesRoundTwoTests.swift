import Testing
@testable import CowEngine

/// Issue 11, rules 9 and 11 of /work/shared/conformance/README.md, `linux` profile only; the
/// figures below are worked out by hand from the rules' text.
@Suite("Conformance rules 9 and 11, linux profile")
struct LinuxRulesRoundTwoTests {
    /// Rule 9: window from = max(i - i % 16, region start), to = min(from + 16, 512-entry table
    /// end, region end). A region starting at vpn 0x105 (5 pages into the window at 0x100):
    /// the first read at 0x105 maps 0x105..0x114, 16 pages (before: 0x105..0x10f, 11 pages).
    @Test("rule 9: the fault-around window keeps its 16 pages when the region starts mid-window")
    func faultAroundWindowKeepsItsLength() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 64, cached: true)
        let p = try m.spawn(name: "p")
        try m.mapFile(p, file: f, offset: 0, at: 0x105, pages: 32, permissions: [.read], shared: false, name: "f")
        _ = m.takeEvents()
        #expect(try m.read(p, vpn: 0x105) == .value(0))
        #expect(m.takeEvents() == [.fileRead(pid: p, vpn: 0x105, frame: 0, major: false, mappedPages: 16)])
        #expect(m.pageTable(of: p).map(\.vpn) == Array(0x105..<0x115))
        // The next fault, at 0x115: window max(0x110, 0x105) = 0x110 .. 0x120; 0x110-0x114 are
        // mapped already, so 0x115 and the 10 pages 0x116-0x11f: 11 in all.
        #expect(try m.read(p, vpn: 0x115) == .value(0))
        #expect(m.takeEvents() == [.fileRead(pid: p, vpn: 0x115, frame: 16, major: false, mappedPages: 11)])
        #expect(m.usage(of: p)?.rss == 27)
        expectConsistent(m)
    }

    /// Rule 9, the 512-entry page-table end: a region at 0x1f9 (7 pages before 0x200): a read
    /// at 0x1f9 maps 0x1f9..0x1ff only, 7 pages, however long the region is.
    @Test("rule 9: the window stops at the end of the page-table page")
    func faultAroundStopsAtThePageTableEnd() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 64, cached: true)
        let p = try m.spawn(name: "p")
        try m.mapFile(p, file: f, offset: 0, at: 0x1f9, pages: 32, permissions: [.read], shared: false, name: "f")
        _ = m.takeEvents()
        _ = try m.read(p, vpn: 0x1f9)
        #expect(m.takeEvents() == [.fileRead(pid: p, vpn: 0x1f9, frame: 0, major: false, mappedPages: 7)])
    }

    @Test("rule 9 is a linux rule: textbook maps one page per fault")
    func textbookHasNoFaultAround() throws {
        var m = machine(.textbook)
        let f = try m.addFile(name: "f", pages: 64, cached: true)
        let p = try m.spawn(name: "p")
        try m.mapFile(p, file: f, offset: 0, at: 0x105, pages: 32, permissions: [.read], shared: false, name: "f")
        _ = m.takeEvents()
        _ = try m.read(p, vpn: 0x105)
        #expect(m.takeEvents() == [.fileRead(pid: p, vpn: 0x105, frame: 0, major: false, mappedPages: 1)])
    }

    /// Rule 11: P reads 4 untouched pages (4 zero-page entries) and writes 1 of another region
    /// whose other 3 pages it reads. Fork copies only the second region's 4 entries; the child
    /// then takes 1 fault to read a page of the first region (before: 8 entries copied, 0 faults).
    @Test("rule 11: fork leaves out a private anonymous region that only ever mapped the zero page")
    func forkSkipsZeroPageOnlyRegions() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: false, name: "untouched")
        try m.mapAnonymous(p, at: 0x20, pages: 4, permissions: rw, shared: false, name: "written")
        _ = try m.read(p, vpns: 0x10..<0x14)
        _ = try m.write(p, vpn: 0x20, value: 1)
        _ = try m.read(p, vpns: 0x21..<0x24)
        _ = m.takeEvents()
        let c = try m.fork(p, childName: "c")
        #expect(m.takeEvents() == [.forked(parent: p, child: c, entriesCopied: 4, framesCopied: 0, vfork: false)])
        #expect(m.pageTable(of: c).map(\.vpn) == [0x20, 0x21, 0x22, 0x23])
        #expect(try measured(&m, c) { _ = try $0.read(c, vpn: 0x10) }.faults == 1)
        #expect(try measured(&m, c) { _ = try $0.read(c, vpn: 0x21) }.faults == 0)
        expectConsistent(m)
    }

    /// Rule 11 says "ever held": the anon_vma stays when the real page goes. P writes 0x47, reads
    /// 0x40-0x43, unmaps 0x44-0x47: the remaining region holds only zero-page entries but had a
    /// real page, so fork copies its 4 entries.
    @Test("rule 11: a region that once held a real page is still copied")
    func forkCopiesRegionsThatOnceHeldARealPage() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x40, pages: 8, permissions: rw, shared: false, name: "heap")
        _ = try m.write(p, vpn: 0x47, value: 1)
        _ = try m.read(p, vpns: 0x40..<0x44)
        try m.unmap(p, at: 0x44, pages: 4)
        _ = m.takeEvents()
        let c = try m.fork(p, childName: "c")
        #expect(m.takeEvents() == [.forked(parent: p, child: c, entriesCopied: 4, framesCopied: 0, vfork: false)])
        expectConsistent(m)
    }

    @Test("rule 11 is a linux rule: textbook copies every entry")
    func textbookCopiesEveryEntry() throws {
        var m = machine(.textbook)
        _ = m.setBehaviour("zero-page", true)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: false, name: "untouched")
        _ = try m.read(p, vpns: 0x10..<0x14)
        _ = m.takeEvents()
        let c = try m.fork(p, childName: "c")
        #expect(m.takeEvents() == [.forked(parent: p, child: c, entriesCopied: 4, framesCopied: 0, vfork: false)])
    }
}

/// Issue 11, rule 12: shared anonymous (shmem) pages allocated by a read are clean; only
/// written pages are dirty. Figures by hand, in pages (smaps prints 4 kB each).
@Suite("Conformance rule 12, linux profile")
struct LinuxRule12Tests {
    @Test("rule 12: shmem pages allocated by a read are clean, written ones dirty")
    func shmemReadIsClean() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: true, name: "shm")
        _ = try m.read(p, vpns: 0x10..<0x14)
        // 4 pages, mapcount 1, read only: Private_Clean 4 (before: Private_Dirty 4).
        expectUsage(m.usage(of: p), rss: 4, pss: frac(4), shDi: 0, prCl: 4, prDi: 0, anon: 0)
        _ = try m.write(p, vpn: 0x10, value: 5)
        expectUsage(m.usage(of: p), rss: 4, pss: frac(4), shDi: 0, prCl: 3, prDi: 1, anon: 0)
        // The child maps nothing at fork (fork-skip); its read of 0x11 finds the page and
        // fault-around maps the other three cached pages of the window 0x10..0x14: every page
        // now has mapcount 2. Each process: Shared_Clean 3 (0x11-0x13, only read), Shared_Dirty
        // 1 (0x10, written), Pss 4/2 = 2 (before the rule: Shared_Dirty 4).
        let c = try m.fork(p, childName: "c")
        _ = try m.read(c, vpn: 0x11)
        expectUsage(m.usage(of: p), rss: 4, pss: frac(2), shCl: 3, shDi: 1, prDi: 0, anon: 0)
        expectUsage(m.usage(of: c), rss: 4, pss: frac(2), shCl: 3, shDi: 1, prDi: 0, anon: 0)
        expectConsistent(m)
    }

    @Test("rule 12 is a linux rule: textbook counts every shmem page dirty")
    func textbookShmemIsDirty() throws {
        var m = machine(.textbook)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 4, permissions: rw, shared: true, name: "shm")
        _ = try m.read(p, vpns: 0x10..<0x14)
        expectUsage(m.usage(of: p), rss: 4, pss: frac(4), shDi: 0, prDi: 4, anon: 0)
    }
}

/// Issue 11, rule 8: Pss in kB is fixed point. Per resident page `(4096 << 12) / mapcount`
/// (integer division): mapcount 2 adds 8,388,608, mapcount 3 adds 5,592,405 (5,592,405.33
/// truncated); a region prints its sum >> 22 (4,194,304 per kB); smaps_rollup shifts the sum of
/// all regions once.
@Suite("Conformance rule 8, Pss fixed point")
struct LinuxRule8Tests {
    /// P writes 64 pages of `mem` and 2 of `x` and of `y`; two forks (mapcount 3 everywhere);
    /// C2 writes 16 pages of mem (copies). P's mem: 16 pages of mapcount 2, 48 of mapcount 3.
    func scenario() throws -> (Machine, PID) {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: false, name: "mem")
        try m.mapAnonymous(p, at: 0x200, pages: 2, permissions: rw, shared: false, name: "x")
        try m.mapAnonymous(p, at: 0x300, pages: 2, permissions: rw, shared: false, name: "y")
        _ = try m.write(p, vpns: 0x100..<0x140, value: 1)
        _ = try m.write(p, vpns: 0x200..<0x202, value: 1)
        _ = try m.write(p, vpns: 0x300..<0x302, value: 1)
        _ = try m.fork(p, childName: "C1")
        let c2 = try m.fork(p, childName: "C2")
        _ = try m.write(c2, vpns: 0x100..<0x110, value: 2)
        return (m, p)
    }

    @Test("rule 8: 16 pages of mapcount 2 and 48 of mapcount 3 print 95 kB, exact Pss stays 24 pages")
    func regionIsFixedPoint() throws {
        let (m, p) = try scenario()
        let mem = try #require(m.usage(of: p, region: "mem"))
        // 16 * 8,388,608 + 48 * 5,592,405 = 134,217,728 + 268,435,440 = 402,653,168.
        #expect(mem.pssFixedPoint == 402_653_168)
        // 402,653,168 >> 22 = 95 (95.99999...); the exact figure is 8 + 16 = 24 pages = 96 kB.
        #expect(mem.smapsPssKiB == 95)
        #expect(mem.pss == frac(24))
        #expect(mem.pssKiB(pageSize: 4096) == 96)
        // x: 2 * 5,592,405 = 11,184,810 >> 22 = 2.
        #expect(m.usage(of: p, region: "x")?.smapsPssKiB == 2)
    }

    @Test("rule 8: the whole-process figure shifts once (smaps_rollup), not the sum of the regions' kB")
    func rollupShiftsOnce() throws {
        let (m, p) = try scenario()
        let all = try #require(m.usage(of: p))
        // 402,653,168 + 2 * 11,184,810 = 425,022,788 >> 22 = 101 (101.33); the rows print
        // 95 + 2 + 2 = 99.
        #expect(all.pssFixedPoint == 425_022_788)
        #expect(all.rollupPssKiB == 101)
        #expect(all.smapsPssKiB == 99)
        #expect(all.pss == frac(76, 3))
    }

    /// smaps shifts each VMA: 4 pages of mapcount 3 as one VMA: 4 * 5,592,405 = 22,369,620
    /// >> 22 = 5. `protect` of the last 2 pages read-only splits it into two VMAs of
    /// 11,184,810 each: 2 + 2 = 4 kB. Protecting them back merges the VMA (as the kernel does):
    /// 5 again. The rollup (shift once) is 5 throughout.
    @Test("rule 8: each VMA is shifted on its own; protect back to the same rights merges them again")
    func splitPartsAreShiftedPerVMA() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: false, name: "m")
        _ = try m.write(p, vpns: 0x100..<0x104, value: 1)
        _ = try m.fork(p, childName: "C1")
        _ = try m.fork(p, childName: "C2")
        #expect(m.usage(of: p, region: "m")?.smapsPssKiB == 5)
        try m.protect(p, at: 0x102, pages: 2, permissions: [.read])
        #expect(m.usage(of: p, region: "m")?.smapsPssKiB == 4)
        #expect(m.usageByRegionName(of: p)?["m"]?.smapsPssKiB == 4)
        #expect(m.usage(of: p)?.rollupPssKiB == 5)
        try m.protect(p, at: 0x102, pages: 2, permissions: rw)
        #expect(m.usage(of: p, region: "m")?.smapsPssKiB == 5)
        #expect(m.usageByRegionName(of: p)?["m"]?.smapsPssKiB == 5)
    }
}
