import Testing
@testable import CowEngine

/// While a leaf table is shared by on-demand fork, every sharer sees the same entries under it
/// (`check()` compares them). One test per path that changes entries, or could look as if it
/// did; every figure worked out by hand. x86_64 tables: one leaf covers 512 pages, so every
/// region below (at `far`, a few pages) sits under one leaf table.
@Suite struct OnDemandForkSharingTests {
    static let far = OnDemandForkTests.far

    /// P maps 8 pages and writes them (8 frames), forks C (odf: 1 table shared). Then C maps a
    /// new 4-page region at far + 16, under the shared table: mmap fills no entry, so the table
    /// stays shared (0 copied) and `check()` holds (the property-test failure: the check
    /// compared the sharers' regions, not the table's entries). C's first write there fills an
    /// entry: the table is copied (1 copied, 0 shared), a demand-zero frame (9 frames); C has
    /// Rss 9 (8 shared + 1), P Rss 8; both still read their old pages.
    @Test func mmapUnderSharedTable() throws {
        var m = OnDemandForkTests.machine(.onDemand)
        let p = try OnDemandForkTests.writeHeap(in: &m, pages: 8, process: "P")
        let c = try m.fork(p, childName: "C")
        try m.mapAnonymous(c, at: Self.far + 16, pages: 4, permissions: rw, shared: false, name: "more")
        #expect(m.check() == [])
        #expect(m.sharedPageTablePages(of: c) == 1 && m.onDemandForkCounts.copied == 0)
        #expect(try m.write(c, vpn: Self.far + 16, value: 5) == .value(5))
        #expect(m.onDemandForkCounts.copied == 1 && m.onDemandForkCounts.sharedNow == 0)
        #expect(m.check() == [])
        #expect(m.stats.used == 9)
        #expect(m.usage(of: c)?.rss == 9 && m.usage(of: p)?.rss == 8)
        #expect(try m.read(c, vpn: Self.far + 3) == .value(1))
        #expect(try m.read(p, vpn: Self.far + 3) == .value(1))
    }

    /// mremap shrinking a region under a shared table removes entries of the caller only: its
    /// table is copied first. P maps 16 pages, writes them (16 frames), forks C; C shrinks the
    /// region to 8 pages. 1 table copied; C Rss 8, P Rss 16; Pss: pages 0-7 are mapped twice
    /// (8 x 1/2 = 4 each), pages 8-15 P's alone: P 4 + 8 = 12, C 4; still 16 frames.
    @Test func mremapShrinkUnderSharedTable() throws {
        var m = OnDemandForkTests.machine(.onDemand)
        let p = try OnDemandForkTests.writeHeap(in: &m, pages: 16, process: "P")
        let c = try m.fork(p, childName: "C")
        try m.mremapResize(c, at: Self.far, pages: 16, newPages: 8)
        #expect(m.check() == [])
        #expect(m.onDemandForkCounts.copied == 1 && m.sharedPageTablePages(of: p) == 0)
        #expect(m.usage(of: c)?.rss == 8 && m.usage(of: p)?.rss == 16)
        #expect(m.usage(of: p)?.pss == Rational(12) && m.usage(of: c)?.pss == Rational(4))
        #expect(m.stats.used == 16)
        #expect(try m.read(p, vpn: Self.far + 12) == .value(1))
    }

    /// Rule 10 (linux): fork clears the exclusive mark of every page it shares; an on-demand
    /// fork does it when it settles the table's mapcounts. P writes 4 pages (each exclusive),
    /// forks C. C mprotects them read-only, then read-write: under a cow fork its entries stay
    /// copy-on-write (no page is exclusive), so C's write to page 0 copies it (1 copy, 5
    /// frames) and P still reads 1. Before the fix the mark survived the odf fork, mprotect
    /// made C's entry writable, and C wrote 9 into P's frame.
    @Test func exclusiveMarksClearedLikeFork() throws {
        for mode in [ForkMode.copyOnWrite, .onDemand] {
            var m = OnDemandForkTests.machine(mode, profile: .linux)
            let p = try m.spawn(name: "P")
            try m.mapAnonymous(p, at: Self.far, pages: 4, permissions: rw, shared: false, name: "heap")
            _ = try m.write(p, vpns: Self.far..<(Self.far + 4), value: 1)
            let f = try #require(m.entry(p, vpn: Self.far + 1)?.frame)
            #expect(m.isExclusive(frame: f))
            let c = try m.fork(p, childName: "C")
            m.settleSharedMappings()
            #expect(!m.isExclusive(frame: f), "\(mode)")
            try m.protect(c, at: Self.far, pages: 4, permissions: [.read])
            try m.protect(c, at: Self.far, pages: 4, permissions: rw)
            #expect(try m.write(c, vpn: Self.far, value: 9) == .value(9))
            #expect(try m.read(p, vpn: Self.far) == .value(1), "\(mode)")
            #expect(m.process(c)?.counters.copies == 1 && m.stats.used == 5, "\(mode)")
            #expect(m.check() == [])
        }
    }

    /// With a TLB (8 entries, textbook). P writes pages 0-3: 4 misses, 4 writable fills. The odf
    /// fork write-protects them at the level above the shared table: P's 4 writable entries are
    /// invalidated, as a cow fork does. P reads page 0: a miss, filled read-only (the table is
    /// shared). P writes page 0: the read-only entry does not allow it, a miss; the table is
    /// copied, the copy-on-write fault invalidates the read-only entry (1 more) and the page is
    /// copied. P: 0 hits, 6 misses, 5 invalidations; its entry for page 0 is writable, on the
    /// new frame. Before the fix the fork left the writable entries and copying the table made
    /// their page-table entries read-only under them (`check()` failed).
    @Test func tlbUnderSharedTable() throws {
        var m = OnDemandForkTests.machine(.onDemand)
        try m.setTLB(entries: 8)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: Self.far, pages: 4, permissions: rw, shared: false, name: "heap")
        _ = try m.write(p, vpns: Self.far..<(Self.far + 4), value: 1)
        let c = try m.fork(p, childName: "C")
        #expect(TLBTests.counts(m, p) == [0, 4, 4])
        #expect(m.check() == [])
        #expect(try m.read(p, vpn: Self.far) == .value(1))
        #expect(m.tlbEntries(p).map(\.writable) == [false])
        #expect(m.check() == [])
        #expect(try m.write(p, vpn: Self.far, value: 2) == .value(2))
        #expect(TLBTests.counts(m, p) == [0, 6, 5])
        let e = try #require(m.entry(p, vpn: Self.far))
        #expect(m.tlbEntries(p).map { [$0.vpn, $0.frame, $0.writable ? 1 : 0] } == [[Self.far, e.frame, 1]])
        #expect(m.onDemandForkCounts.copied == 1 && m.process(p)?.counters.copies == 1)
        #expect(try m.read(c, vpn: Self.far) == .value(1))
        #expect(m.check() == [])
    }

    /// Fault-around (linux) maps a 16-page window; with leaves of 8 entries (layout 4/3 bits)
    /// the window covers two tables. P maps a cached 16-page file privately read-write at
    /// page 0, reads page 8 (fault-around maps all 16), writes page 15 (a private copy: the
    /// region holds anonymous memory, so fork copies it, rule 11), drops pages 0-14 (dontneed:
    /// both tables stay), forks C: both tables shared. C reads page 8: its table (pages 8-15)
    /// is copied (1 copied), the fault maps page 8 and fault-around 9-14 (15 is there); pages
    /// 0-7 are under the table C still shares with P, which the fault did not copy: left
    /// alone. C Rss 8, P Rss 1, 1 table still shared. Before the fix fault-around filled 0-7 in
    /// C only, and without a table of its own for them (`check()` failed).
    @Test func faultAroundStopsAtSharedTable() throws {
        var c = MachineConfig(frames: 64, pageSize: 4096, profile: .linux, forkMode: .onDemand)
        c.pageTables = PageTableLayout(levelBits: [4, 3], pageShift: 12)
        var m = Machine(config: c)
        let file = try m.addFile(name: "f", pages: 16, cached: true)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: file, offset: 0, at: 0, pages: 16, permissions: rw, shared: false, name: "f")
        #expect(try m.read(p, vpn: 8) == .value(0))
        #expect(m.usage(of: p)?.rss == 16)
        #expect(m.check() == [])
        #expect(try m.write(p, vpn: 15, value: 7) == .value(7))
        _ = try m.madvise(p, at: 0, pages: 15, advice: .dontneed)
        #expect(m.usage(of: p)?.rss == 1)
        let child = try m.fork(p, childName: "C")
        #expect(m.sharedPageTablePages(of: child) == 2)
        #expect(try m.read(child, vpn: 8) == .value(0))
        #expect(m.check() == [])
        #expect(m.usage(of: child)?.rss == 8 && m.usage(of: p)?.rss == 1)
        #expect(m.onDemandForkCounts.copied == 1 && m.sharedPageTablePages(of: child) == 1)
        #expect(try m.read(child, vpn: 15) == .value(7))
    }

    /// `PropertyTests`' random sequences under odf with a 6-entry TLB, without and with swap
    /// (the property tests run no TLB): values as the model says, `check()` (shared tables and
    /// TLB entries included) after every step. Seeded, 40 runs per profile and setting.
    @Test(arguments: [0, 24])
    func randomRunsWithTLB(swap: Int) throws {
        for profile in Profile.allCases {
            var rng = SplitMix64(seed: 11)
            for _ in 0..<40 {
                let frames = swap > 0 ? Int(rng.next() % 40) + 8 : Int(rng.next() % 185) + 16
                var run = swap > 0 ? try SwapPropertyTests.swapRun(profile, .onDemand, frames: frames, swap: swap)
                                   : try RandomRun(profile: profile, mode: .onDemand, frames: frames, flipsBehaviours: false)
                try run.m.setTLB(entries: 6)
                for index in 0..<(Int(rng.next() % 200) + 20) {
                    run.step(rng.next())
                    SwapPropertyTests.syncKills(&run)
                    let problems = run.m.check()
                    if !problems.isEmpty { run.fail("invariants broken after step \(index): \(problems.prefix(3))") }
                    if run.failure != nil { break }
                }
                if run.failure == nil { SwapPropertyTests.sweep(&run) }
                if run.failure == nil { run.exitAll() }
                #expect(run.failure == nil, "\(profile) frames \(frames)")
            }
        }
    }
}
