import Testing
@testable import CowEngine

/// On-demand fork (`ForkMode.onDemand`, issue 13). Figures worked out by hand: with x86_64 a
/// leaf (PTE) table covers 512 pages, a PMD table 2^18 pages (1 GiB), a PUD table 2^27 pages.
/// The smaps figures after an on-demand fork must be those of a copy-on-write fork
/// (conformance L1), whatever tables are shared.
@Suite struct OnDemandForkTests {
    /// A 512 GiB-aligned page number: a region there has its own PUD, PMD and PTE pages.
    static let far = 1 << 27

    static func machine(_ mode: ForkMode, profile: Profile = .textbook, frames: Int = 1 << 20, swap: Int = 0) -> Machine {
        var c = MachineConfig(frames: frames, pageSize: 4096, profile: profile, forkMode: mode)
        c.pageTables = .x86_64
        c.swapPages = swap
        return Machine(config: c)
    }

    /// Spawns `name` in `m`, maps a private anonymous `heap` of `pages` pages at `far` and writes
    /// value 1 to every page (the set-up most tests here share); its pid.
    static func writeHeap(in m: inout Machine, pages: Int, process name: String = "p") throws -> PID {
        let p = try m.spawn(name: name)
        try m.mapAnonymous(p, at: far, pages: pages, permissions: rw, shared: false, name: "heap")
        _ = try m.write(p, vpns: far..<(far + pages), value: 1)
        return p
    }

    static func figures(_ m: Machine, _ pid: PID) -> [Int] {
        guard let u = m.usage(of: pid) else { return [] }
        return [u.rss, u.sharedDirty, u.privateDirty, u.anonymous, u.pssFixedPoint]
    }

    /// Conformance L1 under odf: P writes 64 pages (one leaf table), forks C, C writes 0-7,
    /// P writes 8-11, C exits. The table says Rss 64 throughout; Pss 32, 36, 38, 64;
    /// ShDi 64, 56, 52; PrDi 0, 8, 12. One table shared at fork, copied once (by C's first
    /// write; after that P alone has the old one, so P's writes copy no table).
    @Test func conformanceL1() throws {
        var m = OnDemandForkTests.machine(.onDemand)
        let p = try OnDemandForkTests.writeHeap(in: &m, pages: 64, process: "P")
        _ = m.takeEvents()
        let c = try m.fork(p, childName: "C")
        // PUD + PMD allocated for C; its one leaf table is P's.
        #expect(m.takeEvents() == [.forked(parent: p, child: c, entriesCopied: 0, framesCopied: 0, vfork: false,
                                           tablePages: 2, tablesShared: 1)])
        #expect(m.sharedPageTablePages(of: c) == 1 && m.sharedPageTablePages(of: p) == 1)
        for pid in [p, c] {
            let u = try #require(m.usage(of: pid))
            #expect(u.rss == 64 && u.pss == Rational(32) && u.sharedDirty == 64 && u.privateDirty == 0)
        }
        #expect(m.check() == [])
        _ = try m.write(c, vpns: Self.far..<(Self.far + 8), value: 2)
        #expect(m.onDemandForkCounts.copied == 1 && m.onDemandForkCounts.sharedNow == 0)
        for pid in [p, c] {
            let u = try #require(m.usage(of: pid))
            #expect(u.rss == 64 && u.pss == Rational(36) && u.sharedDirty == 56 && u.privateDirty == 8)
        }
        #expect(m.check() == [])
        _ = try m.write(p, vpns: (Self.far + 8)..<(Self.far + 12), value: 3)
        #expect(m.onDemandForkCounts.copied == 1)
        for pid in [p, c] {
            let u = try #require(m.usage(of: pid))
            #expect(u.rss == 64 && u.pss == Rational(38) && u.sharedDirty == 52 && u.privateDirty == 12)
        }
        #expect(m.stats.used == 76)
        try m.exit(c)
        let u = try #require(m.usage(of: p))
        #expect(u.rss == 64 && u.pss == Rational(64) && u.privateDirty == 64)
        #expect(m.stats.used == 64)
        #expect(m.check() == [])
    }

    /// Homework 09's figures. 1 GiB at a fresh 512 GiB boundary: P has PGD + PUD + PMD + 512 PTE
    /// pages. cow: C gets PUD + PMD + 512 (2056 kB) and a PGD: PageTables 515 + 515 = 1030 pages.
    /// odf: C gets PGD + PUD + PMD (518 pages in all); shares 512 leaf tables, which count in its
    /// VmPTE too (2056 kB); its first write copies one: 519 pages, 4 of them C's own.
    @Test func homeworkNineFigures() throws {
        var cow = Self.machine(.copyOnWrite, profile: .linux)
        var odf = Self.machine(.onDemand, profile: .linux)
        for m in [0, 1] {
            var machine = m == 0 ? cow : odf
            let p = try machine.spawn(name: "p")
            try machine.mapAnonymous(p, at: Self.far, pages: 262_144, permissions: rw, shared: false, name: "big")
            _ = try machine.write(p, vpns: Self.far..<(Self.far + 262_144), value: 1)
            #expect(machine.pageTablePagesTotal == 515)
            _ = try machine.fork(p, childName: "c")
            if m == 0 { cow = machine } else { odf = machine }
        }
        #expect(cow.vmPTEBytes(of: 2) == 2056 * 1024 && cow.pageTablePagesTotal == 1030)
        #expect(odf.vmPTEBytes(of: 2) == 2056 * 1024 && odf.pageTablePagesTotal == 518)
        #expect(odf.sharedPageTablePages(of: 2) == 512)
        _ = odf.takeEvents()
        _ = try odf.write(2, vpn: Self.far + 1000, value: 5)     // page 1000: the second leaf table
        let events = odf.takeEvents()
        #expect(events.first == .pageTableCopied(pid: 2, vpn: Self.far + 1000, table: 519))
        #expect(odf.pageTablePagesTotal == 519 && odf.sharedPageTablePages(of: 2) == 511)
        #expect(odf.vmPTEBytes(of: 2) == 2056 * 1024)
        #expect(odf.onDemandForkCounts == (511, 512, 1))
        // Same smaps figures as the cow machine after the same write.
        _ = try cow.write(2, vpn: Self.far + 1000, value: 5)
        #expect(Self.figures(odf, 1) == Self.figures(cow, 1) && Self.figures(odf, 2) == Self.figures(cow, 2))
        #expect(odf.usage(of: 2)?.privateDirty == 1 && odf.usage(of: 2)?.sharedDirty == 262_143)
    }

    /// Reads of present pages copy no table; a read that fills an entry does (it changes the table).
    @Test func readsNeedNoCopy() throws {
        var m = Self.machine(.onDemand)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: Self.far, pages: 1024, permissions: rw, shared: false, name: "heap")
        _ = try m.write(p, vpns: Self.far..<(Self.far + 512), value: 1)     // first table full, second empty
        #expect(m.pageTablePages(of: p) == 3)
        _ = try m.fork(p, childName: "c")
        _ = try m.read(2, vpns: Self.far..<(Self.far + 512))
        _ = try m.read(1, vpns: Self.far..<(Self.far + 512))
        #expect(m.onDemandForkCounts.copied == 0 && m.sharedPageTablePages(of: 2) == 1)
        _ = try m.read(2, vpn: Self.far + 600)      // no table there yet: allocated, nothing copied
        #expect(m.onDemandForkCounts.copied == 0 && m.sharedPageTablePages(of: 2) == 1)
        #expect(m.check() == [])
    }

    /// A fork by a process sharing tables: odf adds a sharer; the sharers' mapcounts settle to
    /// those of three cow forks. exit of a sharer copies nothing.
    @Test func threeSharersAndExit() throws {
        var m = OnDemandForkTests.machine(.onDemand)
        let p = try OnDemandForkTests.writeHeap(in: &m, pages: 4)
        let c = try m.fork(p, childName: "c")
        let g = try m.fork(c, childName: "g")
        #expect(m.onDemandForkCounts == (1, 2, 0))
        #expect(m.usage(of: g)?.pss == Rational(4, 3) && m.frame(0)?.mapcount == 3)
        try m.exit(p)
        #expect(m.onDemandForkCounts == (1, 2, 0) && m.usage(of: c)?.pss == Rational(2))
        #expect(m.check() == [])
        _ = try m.write(g, vpn: Self.far, value: 9)
        #expect(m.onDemandForkCounts == (0, 2, 1))
        #expect(try m.read(c, vpn: Self.far) == .value(1) && (try m.read(g, vpn: Self.far)) == .value(9))
        #expect(m.usage(of: c)?.pss == Rational(5, 2) && m.check() == [])
    }

    /// Two forks by the same parent: one table with three sharers (one record, counted once in
    /// the machine's table pages). Worked by hand: each process has a PGD and, below it, a PUD, a
    /// PMD and a PTE page; 3 x 4 = 12 table pages, the shared PTE page counted once: 10. The
    /// middle sharer exits (its 4 go): 8 - 1 = 7, the table still shared by p and c2. p's write
    /// copies it: 8 table pages, nothing shared.
    @Test func twoForksOneTableThreeSharers() throws {
        var m = OnDemandForkTests.machine(.onDemand)
        let p = try OnDemandForkTests.writeHeap(in: &m, pages: 4)
        let c1 = try m.fork(p, childName: "c1")
        let c2 = try m.fork(p, childName: "c2")
        #expect(m.onDemandForkCounts == (1, 2, 0) && m.pageTablePagesTotal == 10)
        #expect(m.sharedPageTablePages(of: p) == 1 && m.sharedPageTablePages(of: c1) == 1 && m.sharedPageTablePages(of: c2) == 1)
        #expect(m.check() == [])
        try m.exit(c1)
        #expect(m.onDemandForkCounts == (1, 2, 0) && m.pageTablePagesTotal == 7)
        #expect(m.sharedPageTablePages(of: p) == 1 && m.sharedPageTablePages(of: c1) == 0 && m.sharedPageTablePages(of: c2) == 1)
        #expect(m.check() == [])
        _ = try m.write(p, vpn: Self.far, value: 5)
        #expect(m.onDemandForkCounts == (0, 2, 1) && m.pageTablePagesTotal == 8)
        #expect(m.sharedPageTablePages(of: p) == 0 && m.sharedPageTablePages(of: c2) == 0)
        #expect(try m.read(c2, vpn: Self.far) == .value(1) && (try m.read(p, vpn: Self.far)) == .value(5))
        #expect(m.check() == [])
    }

    /// A seeded mix of operations run under cow and under odf: after every step both machines
    /// read the same values and give every process the same smaps figures, and odf's passes
    /// `check()` (which also checks that sharers see identical entries).
    @Test(arguments: [(UInt64(1), 0), (UInt64(2), 0), (UInt64(3), 48), (UInt64(4), 48)])
    func sameFiguresAsCopyOnWrite(seed: UInt64, swap: Int) throws {
        let frames = swap > 0 ? 40 : 4096
        var cow = Self.machine(.copyOnWrite, frames: frames, swap: swap)
        var odf = Self.machine(.onDemand, frames: frames, swap: swap)
        var rng = SplitMix64(seed: seed)
        let base = 1000      // pages 1000..<2100 straddle leaf tables at 1024, 1536 and 2048
        for m in [0, 1] {
            var machine = m == 0 ? cow : odf
            let p = try machine.spawn(name: "p0")
            try machine.mapAnonymous(p, at: base, pages: 1100, permissions: rw, shared: false, name: "heap")
            try machine.mapAnonymous(p, at: 4096, pages: 16, permissions: rw, shared: true, name: "shm")
            if m == 0 { cow = machine } else { odf = machine }
        }
        var names = 1
        for step in 0..<300 {
            let live = cow.processes.filter { $0.isAlive && $0.state == .running }.map(\.pid)
            guard !live.isEmpty else { break }
            let pid = live[Int(rng.next(below: UInt64(live.count)))]
            let vpn = Int(rng.next(below: 1100)) + base
            var roll = rng.next(below: 100)
            if (76..<81).contains(roll) && live.count == 1 { roll = 64 }     // the last one forks instead of exiting
            func apply(_ m: inout Machine) -> String {
                switch roll {
                case 0..<35: return "\(String(describing: try? m.write(pid, vpns: vpn..<min(vpn + 40, base + 1100), value: Int64(step))))"
                case 35..<60: return "\(String(describing: try? m.read(pid, vpns: vpn..<min(vpn + 40, base + 1100))))"
                case 60..<64: return "\(String(describing: try? m.write(pid, vpn: 4096 + vpn % 16, value: Int64(step))))"
                case 64..<76: return "\(String(describing: try? m.fork(pid, childName: "p\(names)")))"
                case 76..<81: return "\(String(describing: try? m.exit(pid)))"
                case 81..<86: return "\(String(describing: try? m.madvise(pid, at: vpn, pages: 20, advice: .dontneed)))"
                case 86..<90: return "\(String(describing: try? m.protect(pid, at: vpn, pages: 30, permissions: [.read])))"
                case 90..<93: return "\(String(describing: try? m.protect(pid, at: vpn, pages: 30, permissions: rw)))"
                case 93..<96: return "\(String(describing: try? m.unmap(pid, at: vpn, pages: 10)))"
                default: return "\(String(describing: try? m.mremap(pid, at: vpn, pages: 8, to: 3000 + vpn)))"
                }
            }
            let a = apply(&cow), b = apply(&odf)
            if (64..<76).contains(roll) { names += 1 }
            #expect(a == b, "step \(step): results differ")
            for q in cow.processes.map(\.pid) {
                #expect(Self.figures(cow, q) == Self.figures(odf, q), "step \(step): figures of pid \(q)")
            }
            #expect(cow.stats.used == odf.stats.used, "step \(step)")
            let problems = odf.check()
            #expect(problems == [], "step \(step)")
            if !problems.isEmpty { return }
        }
        #expect(odf.onDemandForkCounts.sharedAtForks > 0)
    }
}
