import Testing
@testable import CowEngine

// madvise beyond fork's advice (issue 11, conformance rule 16). Every figure below is worked out
// by hand from the rule, in the comments next to it.
@Suite("madvise: dontneed, free, willneed and recorded hints")
struct AdviceTests {
    @Test("dontneed drops entries: a shared frame becomes the other process's, a read maps the zero page, a write a new frame")
    func dontNeedPrivateAnonymous() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x104, base: 1)          // frames 0-3, values 1-4
        let c = try m.fork(p, childName: "C")                  // each frame mapcount 2
        let outcome = try m.madvise(p, at: 0x100, pages: 2, advice: .dontneed)
        // Two entries gone; frames 0 and 1 are still C's, so nothing is freed.
        #expect(outcome == AdviceOutcome(entriesDropped: 2, framesFreed: 0))
        #expect(m.entry(p, vpn: 0x100) == nil && m.entry(p, vpn: 0x101) == nil)
        #expect(m.frame(0)?.mapcount == 1 && m.frame(1)?.mapcount == 1)
        #expect(m.stats.used == 4)
        // P's next read maps the zero page (1 minor fault), its next write a new zero-filled frame.
        #expect(try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x101, [0]) } == (1, 0))
        #expect(m.entry(p, vpn: 0x100)?.frame == m.zeroPageFrame)
        #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x101, 9) } == (1, 0))
        #expect(m.entry(p, vpn: 0x101)?.frame == 4)
        #expect(m.stats.used == 5)
        // C still sees its values; frame 0 is C's alone, so C's write reuses it (no copy).
        try expectValues(&m, c, 0x100..<0x104, [1, 2, 3, 4])
        #expect(try measured(&m, c) { try expectWrite(&$0, c, 0x100, 7) } == (1, 0))
        #expect(m.entry(c, vpn: 0x100)?.frame == 0)
        // P: 0x101 alone (1) + 0x102, 0x103 shared with C (2 x 1/2) = Pss 2, Rss 3 (zero page not counted).
        expectUsage(m.usage(of: p, region: "heap"), rss: 3, pss: frac(2), shDi: 2, prDi: 1, anon: 3)
        // C: 0x100, 0x101 alone (2) + two halves = Pss 3, Rss 4.
        expectUsage(m.usage(of: c, region: "heap"), rss: 4, pss: frac(3), shDi: 2, prDi: 2, anon: 4)
        expectConsistent(m)
    }

    @Test("dontneed with no other mapper frees the frames", arguments: Profile.allCases)
    func dontNeedFrees(profile: Profile) throws {
        var m = machine(profile)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 8, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x108, base: 1)
        let outcome = try m.madvise(p, at: 0x102, pages: 4, advice: .dontneed)
        #expect(outcome == AdviceOutcome(entriesDropped: 4, framesFreed: 4))
        #expect(m.stats.used == 4)
        #expect(m.process(p)?.regions.count == 1)                // the VMA is not split
        try expectValues(&m, p, 0x100..<0x108, [1, 2, 0, 0, 0, 0, 7, 8])
        expectConsistent(m)
    }

    @Test("dontneed on a file mapping: private copies are discarded, the page cache keeps its pages")
    func dontNeedFile() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 4, cached: true)   // frames 0-3
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 4, permissions: rw, shared: false, name: "f")
        try expectValues(&m, p, 0x100..<0x104, [0, 0, 0, 0])       // one fault maps all 4 (fault-around)
        try expectWrite(&m, p, 0x101, 9)                            // private copy: frame 4
        #expect(m.stats.used == 5)
        let outcome = try m.madvise(p, at: 0x100, pages: 4, advice: .dontneed)
        // 4 entries gone; only the anonymous copy is freed; the 4 cached pages stay.
        #expect(outcome == AdviceOutcome(entriesDropped: 4, framesFreed: 1))
        #expect(m.stats.used == 4)
        #expect(m.file(named: "f")?.cachedPages == 4)
        // The next read finds the page cache (a minor fault) and the file's value, not the old copy.
        let before = m.process(p)?.counters.majorFaults
        #expect(try measured(&m, p) { try expectValues(&$0, p, 0x101..<0x102, [0]) } == (1, 0))
        #expect(m.process(p)?.counters.majorFaults == before)
        expectConsistent(m)
    }

    @Test("free drops only the anonymous pages this process maps alone")
    func free() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: false, name: "heap")
        try m.mapAnonymous(p, at: 0x200, pages: 1, permissions: rw, shared: false, name: "zero")
        try writeEach(&m, p, 0x100..<0x104, base: 1)          // frames 0-3
        _ = try m.fork(p, childName: "C")
        try expectWrite(&m, p, 0x100, 5)                       // copy: frame 4, P's alone; frame 0 C's alone
        try expectValues(&m, p, 0x200..<0x201, [0])            // zero page
        let outcome = try m.madvise(p, at: 0x100, pages: 4, advice: .free)
        // Only 0x100 (frame 4, mapcount 1) goes; 0x101-0x103 are shared with C and stay.
        #expect(outcome == AdviceOutcome(entriesDropped: 1, framesFreed: 1))
        #expect(m.stats.used == 4)
        #expect(m.entry(p, vpn: 0x101)?.frame == 1)
        #expect(try m.madvise(p, at: 0x200, pages: 1, advice: .free) == AdviceOutcome())
        #expect(m.entry(p, vpn: 0x200)?.frame == m.zeroPageFrame)
        try expectValues(&m, p, 0x100..<0x102, [0, 2])
        expectConsistent(m)
    }

    @Test("free and hugepage are refused outside private anonymous memory, changing nothing")
    func refusals() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 4, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: true, name: "shm")
        try m.mapFile(p, file: f, offset: 0, at: 0x200, pages: 4, permissions: [.read], shared: false, name: "f")
        try m.mapAnonymous(p, at: 0x300, pages: 4, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x104, base: 1)
        let before = m.process(p)
        for (vpn, advice) in [(0x100, MemoryAdvice.free), (0x200, .free), (0x100, .hugepage), (0x202, .hugepage)] {
            #expect(throws: EngineError.self) { try m.madvise(p, at: vpn, pages: 2, advice: advice) }
        }
        // A range with a hole: 0x304 is not mapped.
        #expect(throws: EngineError.notMapped(pid: p, vpn: 0x304)) {
            try m.madvise(p, at: 0x300, pages: 5, advice: .dontneed)
        }
        #expect(throws: EngineError.notMapped(pid: p, vpn: 0x304)) {
            try m.madvise(p, at: 0x302, pages: 4, advice: .random)
        }
        #expect(m.process(p) == before)
        #expect(m.stats.used == 4)
    }

    @Test("willneed reads file pages into the page cache without mapping them")
    func willNeed() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 8, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 8, permissions: [.read], shared: false, name: "f")
        try m.mapAnonymous(p, at: 0x200, pages: 2, permissions: rw, shared: false, name: "heap")
        #expect(try m.madvise(p, at: 0x102, pages: 4, advice: .willneed) == AdviceOutcome(pagesRead: 4))
        #expect(m.file(named: "f")?.cachedPages == 4)
        #expect(m.pageTable(of: p).isEmpty && faults(m, p) == 0)
        // A read of 0x102 is a minor fault; fault-around maps the cached 0x103-0x105 too.
        #expect(try measured(&m, p) { try expectValues(&$0, p, 0x102..<0x103, [0]) } == (1, 0))
        #expect(m.process(p)?.counters.majorFaults == 0)
        #expect(m.pageTable(of: p).map(\.vpn) == [0x102, 0x103, 0x104, 0x105])
        // Again over the whole file and the heap: the 4 pages not cached yet; anonymous memory has nothing to read.
        #expect(try m.madvise(p, at: 0x100, pages: 8, advice: .willneed) == AdviceOutcome(pagesRead: 4))
        #expect(try m.madvise(p, at: 0x200, pages: 2, advice: .willneed) == AdviceOutcome())
        #expect(m.file(named: "f")?.cachedPages == 8)
        #expect(m.stats.used == 8)
        expectConsistent(m)
    }

    @Test("random, sequential, hugepage and nohugepage are recorded, split regions and are inherited; normal clears")
    func hints() throws {
        var m = machine(.textbook)
        let f = try m.addFile(name: "f", pages: 8, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 8, permissions: [.read], shared: false, name: "f")
        // hugepage needs a whole aligned 512-page block: the heap has 1024 pages from 0x200.
        try m.mapAnonymous(p, at: 0x200, pages: 1024, permissions: rw, shared: false, name: "heap")
        _ = try m.madvise(p, at: 0x102, pages: 2, advice: .random)
        _ = try m.madvise(p, at: 0x104, pages: 4, advice: .sequential)
        _ = try m.madvise(p, at: 0x200, pages: 512, advice: .hugepage)
        _ = try m.madvise(p, at: 0x100, pages: 2, advice: .nohugepage)
        _ = try m.madvise(p, at: 0x202, pages: 2, advice: .dontfork)
        let c = try m.fork(p, childName: "C")
        #expect(m.process(p)?.regions.map(\.start) == [0x100, 0x102, 0x104, 0x200, 0x202, 0x204, 0x400])
        #expect(m.process(p)?.regions.map(\.readahead) == [.normal, .random, .sequential, .normal, .normal, .normal, .normal])
        #expect(m.process(p)?.regions.map(\.hugePages) == [.nohugepage, .unset, .unset, .hugepage, .hugepage, .hugepage, .unset])
        #expect(m.process(c)?.regions.map(\.readahead) == [.normal, .random, .sequential, .normal, .normal, .normal])
        _ = try m.madvise(p, at: 0x100, pages: 8, advice: .normal)
        _ = try m.madvise(p, at: 0x202, pages: 2, advice: .normal)
        #expect(m.process(p)?.regions.map(\.readahead) == [.normal, .normal, .normal, .normal, .normal, .normal, .normal])
        #expect(m.process(p)?.regions.map(\.advice) == [.normal, .normal, .normal, .normal, .normal, .normal, .normal])
        #expect(m.process(p)?.regions.map(\.hugePages) == [.nohugepage, .unset, .unset, .hugepage, .hugepage, .hugepage, .unset])
        expectConsistent(m)
    }
}
