import Testing
@testable import CowEngine

/// Page-table pages as memory (issue 13). Every expected figure is worked out by hand from the
/// layout: with x86_64 a PTE page covers 512 pages (2 MiB), a PMD page 512 x 512 pages (1 GiB), a
/// PUD page 2^27 pages (512 GiB); VmPTE counts PUD + PMD + PTE pages x 4 kB.
@Suite struct PageTableTests {
    /// A fresh 512 GiB-aligned page number: the region there needs its own PUD, PMD and PTE pages.
    static let far = 1 << 27

    static func linux(_ layout: PageTableLayout = .x86_64, frames: Int = 1 << 20) -> Machine {
        var c = MachineConfig(frames: frames, pageSize: 4096, profile: .linux)
        c.pageTables = layout
        return Machine(config: c)
    }

    static func kB(_ m: Machine, _ pid: PID) -> Int { (m.vmPTEBytes(of: pid) ?? -1) / 1024 }

    /// Conformance rule 19's table, row by row: VmPTE of the parent after writing (or reading)
    /// every page, and of the child right after fork.
    @Test(arguments: [(1, 12, 12), (512, 12, 12), (513, 16, 16), (262_144, 2056, 2056)])
    func ruleNineteenPrivateWritten(pages: Int, parent: Int, child: Int) throws {
        var m = Self.linux()
        let p = try m.spawn(name: "p")
        #expect(Self.kB(m, p) == 0)
        try m.mapAnonymous(p, at: Self.far, pages: pages, permissions: rw, shared: false, name: "r")
        #expect(Self.kB(m, p) == 0, "mapping alone allocates no table")
        _ = try m.write(p, vpns: Self.far..<(Self.far + pages), value: 1)
        #expect(Self.kB(m, p) == parent)
        let c = try m.fork(p, childName: "c")
        #expect(Self.kB(m, c) == child)
        #expect(Self.kB(m, p) == parent, "fork does not change the parent's tables")
        #expect(m.check() == [])
    }

    @Test func ruleNineteenSharedAnonymousIsNotCopied() throws {
        var m = Self.linux()
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: Self.far, pages: 262_144, permissions: rw, shared: true, name: "shm")
        _ = try m.write(p, vpns: Self.far..<(Self.far + 262_144), value: 1)
        #expect(Self.kB(m, p) == 2056)
        let c = try m.fork(p, childName: "c")
        #expect(Self.kB(m, c) == 0)
        #expect(m.check() == [])
    }

    @Test func ruleNineteenZeroPageOnlyIsNotCopied() throws {
        var m = Self.linux()
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: Self.far, pages: 262_144, permissions: rw, shared: false, name: "z")
        _ = try m.read(p, vpns: Self.far..<(Self.far + 262_144))
        #expect(Self.kB(m, p) == 2056)
        #expect(m.stats.used == 0, "the zero page costs no frame, its tables do")
        let c = try m.fork(p, childName: "c")
        #expect(Self.kB(m, c) == 0)
    }

    /// PageTables counts every table page, top tables included: after the 1-page row, the parent
    /// has PGD + PUD + PMD + PTE = 4 pages, the child as many: 8 pages = 32 kB.
    @Test func pageTablesIncludesTheTopTables() throws {
        var m = Self.linux()
        let p = try m.spawn(name: "p")
        #expect(m.pageTablePagesTotal == 1, "a new process has its top table")
        _ = try m.mapAnonymous(p, at: Self.far, pages: 1, permissions: rw, shared: false, name: "r")
        _ = try m.write(p, vpn: Self.far, value: 1)
        #expect(m.pageTablePagesTotal == 4)
        let c = try m.fork(p, childName: "c")
        #expect(m.pageTablePagesTotal == 8)
        try m.exit(c)
        #expect(m.pageTablePagesTotal == 4)
        #expect(m.pageTablePages(of: c) == 0)
        try m.exec(p)
        #expect(m.pageTablePagesTotal == 1, "exec: a fresh top table and nothing below")
        #expect(m.check() == [])
    }

    /// MADV_DONTNEED drops entries but keeps tables; munmap frees the tables no region overlaps.
    /// Two regions share one PTE page (pages 0-9 and 100-109 of the same 2 MiB): unmapping one
    /// keeps it, unmapping both frees PTE, PMD and PUD.
    @Test func dontneedKeepsTablesUnmapFreesUnoverlappedOnes() throws {
        var m = Self.linux()
        let p = try m.spawn(name: "p")
        let a = Self.far, b = Self.far + 100
        try m.mapAnonymous(p, at: a, pages: 10, permissions: rw, shared: false, name: "a")
        try m.mapAnonymous(p, at: b, pages: 10, permissions: rw, shared: false, name: "b")
        _ = try m.write(p, vpns: a..<(a + 10), value: 1)
        _ = try m.write(p, vpns: b..<(b + 10), value: 1)
        #expect(Self.kB(m, p) == 12)
        _ = try m.madvise(p, at: a, pages: 10, advice: .dontneed)
        #expect(m.rssTotal(p) == 10)
        #expect(Self.kB(m, p) == 12, "dontneed keeps the tables")
        try m.unmap(p, at: b, pages: 10)
        #expect(Self.kB(m, p) == 12, "region a still overlaps the PTE page")
        try m.unmap(p, at: a, pages: 5)
        #expect(Self.kB(m, p) == 12, "half of a still overlaps it")
        try m.unmap(p, at: a + 5, pages: 5)
        #expect(Self.kB(m, p) == 0)
        #expect(m.check() == [])
    }

    /// A region that reaches into a neighbouring 2 MiB keeps a PMD page over both after a part
    /// is unmapped: region at 510..514 (two PTE pages); unmapping 512..514 frees the second PTE
    /// page only: 16 kB -> 12 kB.
    @Test func partialUnmapFreesOnlyTheTablesLeftUncovered() throws {
        var m = Self.linux()
        let p = try m.spawn(name: "p")
        let start = Self.far + 510
        try m.mapAnonymous(p, at: start, pages: 4, permissions: rw, shared: false, name: "r")
        _ = try m.write(p, vpns: start..<(start + 4), value: 1)
        #expect(Self.kB(m, p) == 16)
        try m.unmap(p, at: Self.far + 512, pages: 2)
        #expect(Self.kB(m, p) == 12)
        #expect(m.check() == [])
    }

    /// Textbook fork copies every region's tables, shared ones too; linux leaves the shared
    /// region out (rule 2). Private region at `far` (1 page written), shared at `far + 2^18`
    /// (another 1 GiB: its own PMD and PTE, same PUD): parent 1 PUD + 2 PMD + 2 PTE = 5 pages =
    /// 20 kB; the linux child only the private region's PUD + PMD + PTE = 12 kB.
    @Test func textbookCopiesSharedRegionsTablesLinuxDoesNot() throws {
        for (profile, child) in [(Profile.textbook, 20), (.linux, 12)] {
            var c = MachineConfig(frames: 64, pageSize: 4096, profile: profile)
            c.pageTables = .x86_64
            var m = Machine(config: c)
            let p = try m.spawn(name: "p")
            try m.mapAnonymous(p, at: Self.far, pages: 1, permissions: rw, shared: false, name: "priv")
            try m.mapAnonymous(p, at: Self.far + (1 << 18), pages: 1, permissions: rw, shared: true, name: "shm")
            _ = try m.write(p, vpn: Self.far, value: 1)
            _ = try m.write(p, vpn: Self.far + (1 << 18), value: 2)
            #expect(Self.kB(m, p) == 20)
            let k = try m.fork(p, childName: "c")
            #expect(Self.kB(m, k) == child, "\(profile)")
            #expect(m.check() == [])
        }
    }

    /// The fork event carries the child's table pages only once a layout was chosen.
    @Test func forkEventCountsTablesOnlyWithAChosenLayout() throws {
        var plain = machine(.linux)
        let p = try plain.spawn(name: "p")
        try plain.mapAnonymous(p, at: 16, pages: 4, permissions: rw, shared: false, name: "r")
        _ = try plain.write(p, vpns: 16..<20, value: 1)
        _ = plain.takeEvents()
        let c = try plain.fork(p, childName: "c")
        #expect(plain.takeEvents() == [.forked(parent: p, child: c, entriesCopied: 4, framesCopied: 0, vfork: false)])
        #expect(plain.vmPTEBytes(of: c) == 12 * 1024, "the figures exist all the same")

        var m = Self.linux()
        let q = try m.spawn(name: "q")
        try m.mapAnonymous(q, at: 16, pages: 4, permissions: rw, shared: false, name: "r")
        _ = try m.write(q, vpns: 16..<20, value: 1)
        _ = m.takeEvents()
        let d = try m.fork(q, childName: "d")
        #expect(m.takeEvents() == [.forked(parent: q, child: d, entriesCopied: 4, framesCopied: 0, vfork: false, tablePages: 3)])
    }

    /// The two-level layout: pages 0 ..< 2^20 (4 GiB of 4 KiB pages); a page table covers 1024
    /// pages (4 MiB). One written page: one page table (4 kB VmPTE), plus the directory: 8 kB.
    /// Pages 1023 and 1024 lie in two page tables: 8 kB VmPTE.
    @Test func twoLevelLayout() throws {
        var m = Self.linux(.twoLevel)
        #expect(m.vpnLimit == 1 << 20)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 1023, pages: 2, permissions: rw, shared: false, name: "r")
        _ = try m.write(p, vpn: 1023, value: 1)
        #expect(Self.kB(m, p) == 4)
        #expect(m.pageTablePagesTotal * 4 == 8)
        _ = try m.write(p, vpn: 1024, value: 1)
        #expect(Self.kB(m, p) == 8)
        #expect(throws: EngineError.self) { try m.mapAnonymous(p, at: 1 << 20, pages: 1, permissions: rw, shared: false, name: "x") }
        #expect(m.pageTablePagesList(of: p).map(\.level) == [0, 1, 1])
        #expect(m.pageTablePagesList(of: p).map(\.pages) == [0..<(1 << 20), 0..<1024, 1024..<2048])
    }

    /// mremap moves the tables with the entries: 3 written pages at `far` moved 1 GiB up keep
    /// VmPTE at 12 kB (new PMD and PTE under the same PUD; the old ones freed).
    @Test func mremapMovesTables() throws {
        var m = Self.linux()
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: Self.far, pages: 3, permissions: rw, shared: false, name: "r")
        _ = try m.write(p, vpns: Self.far..<(Self.far + 3), value: 1)
        try m.mremap(p, at: Self.far, pages: 3, to: Self.far + (1 << 18))
        #expect(Self.kB(m, p) == 12)
        #expect(m.pageTablePagesList(of: p).map(\.pages.lowerBound) == [0, Self.far, Self.far + (1 << 18), Self.far + (1 << 18)])
        #expect(m.check() == [])
    }

    @Test func layoutGeometry() throws {
        let x = PageTableLayout.x86_64
        #expect(x.virtualBits == 48)
        #expect((0..<4).map { x.shift(level: $0) } == [36, 27, 18, 9])
        // 0x7f12_3456_7000 >> 12 = 0x7_f123_4567: indices 0xfe, 0x48, 0x1a2, 0x167.
        let vpn = 0x7f12_3456_7000 >> 12
        #expect((0..<4).map { x.index(vpn, level: $0) } == [0xfe, 0x48, 0x1a2, 0x167])
        // two-level: 0x00403004 >> 12 = 0x403: directory index 1, table index 3.
        #expect((0..<2).map { PageTableLayout.twoLevel.index(0x403, level: $0) } == [1, 3])
        #expect(PageTableLayout.standard(pageSize: 4096) == .x86_64)
        #expect(PageTableLayout.standard(pageSize: 8192).levelBits == [5, 10, 10, 10])
        #expect(throws: EngineError.self) { try PageTableLayout(levelBits: [11, 11], pageShift: 12).validate() }
        #expect(throws: EngineError.self) { try PageTableLayout(levelBits: [9, 9, 9, 9, 9], pageShift: 12).validate() }
        #expect(throws: EngineError.self) { try PageTableLayout(levelBits: Array(repeating: 1, count: 7), pageShift: 12).validate() }
        try PageTableLayout(levelBits: [9, 9, 9], pageShift: 12).validate()
    }

    /// Default machines keep the 48-bit address space, whatever the page size.
    @Test func defaultLayoutKeepsTheAddressSpace() {
        for size in [16, 4096, 8192, 1 << 30] {
            let m = Machine(config: MachineConfig(frames: 4, pageSize: size))
            #expect(m.vpnLimit == (1 << 48) / size)
            #expect(!m.showsPageTables)
        }
    }
}

extension Machine {
    /// Resident pages of the whole process.
    func rssTotal(_ pid: PID) -> Int { usage(of: pid)?.rss ?? -1 }
}
