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
