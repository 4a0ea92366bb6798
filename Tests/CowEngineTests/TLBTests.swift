import Testing
import PropertyBased
@testable import CowEngine

/// The TLB (`config tlb N`). Every expected figure below was worked out by hand from the rules in
/// TLB/Machine+TLB.swift (a read hits on any entry, a write only on a writable one; a miss fills
/// after the access succeeds; one machine-wide LRU over entries tagged by address space).
@Suite("TLB: hits, misses, LRU eviction and invalidations")
struct TLBTests {
    /// A textbook machine with a TLB of `entries`, process 1 ("p") with 8 anonymous rw pages at
    /// page 16.
    static func setUp(_ entries: Int, mode: ForkMode = .copyOnWrite, profile: Profile = .textbook) throws -> Machine {
        var m = machine(profile, forkMode: mode)
        try m.setTLB(entries: entries)
        _ = try m.spawn(name: "p")
        try m.mapAnonymous(1, at: 16, pages: 8, permissions: rw, shared: false, name: "heap")
        return m
    }

    static func counts(_ m: Machine, _ pid: PID) -> [Int] {
        guard let c = m.process(pid)?.counters else { return [] }
        return [c.tlbHits, c.tlbMisses, c.tlbInvalidations]
    }

    /// (vpn, frame, writable) of a process's entries, most recently used first.
    static func entries(_ m: Machine, _ pid: PID) -> [[Int]] {
        m.tlbEntries(pid).map { [$0.vpn, $0.frame, $0.writable ? 1 : 0] }
    }

    @Test("N = 2: a hand-worked sequence of hits, misses and LRU evictions")
    func lruSequence() throws {
        var m = try TLBTests.setUp(2)
        // w16 miss [16]; w17 miss [17 16]; r16 hit [16 17]; w18 miss, evicts 17 [18 16];
        // r17 miss, evicts 16 [17 18]; r18 hit [18 17]. 2 hits, 4 misses.
        _ = try m.write(1, vpn: 16, value: 1)
        _ = try m.write(1, vpn: 17, value: 2)
        _ = try m.read(1, vpn: 16)
        _ = try m.write(1, vpn: 18, value: 3)
        _ = try m.read(1, vpn: 17)
        _ = try m.read(1, vpn: 18)
        #expect(TLBTests.counts(m, 1) == [2, 4, 0])
        // Frames 0, 1, 2 went to pages 16, 17, 18 in that order (demand-zero).
        #expect(TLBTests.entries(m, 1) == [[18, 2, 1], [17, 1, 1]])
        #expect(m.tlbEntries(1).map(\.recency) == [1, 2])
        #expect(m.check().isEmpty)
    }

    @Test("fork invalidates the parent's writable entries, one per page it write-protects; eager fork none")
    func forkInvalidations() throws {
        for mode in [ForkMode.copyOnWrite, .eager] {
            var m = try TLBTests.setUp(8, mode: mode)
            _ = try m.addFile(name: "f", pages: 4, cached: true)
            try m.mapFile(1, file: 1, offset: 0, at: 64, pages: 4, permissions: [.read], shared: false, name: "ro")
            for v in 16..<19 { _ = try m.write(1, vpn: v, value: 5) }    // 3 rw entries
            _ = try m.read(1, vpn: 19)                                    // textbook: a new writable frame, rw entry
            _ = try m.read(1, vpn: 64)                                    // read-only file page: r- entry
            #expect(TLBTests.counts(m, 1) == [0, 5, 0])
            _ = try m.fork(1, childName: "c")
            if mode == .copyOnWrite {
                // 4 writable entries invalidated; the read-only one stays.
                #expect(TLBTests.counts(m, 1) == [0, 5, 4])
                #expect(m.tlbEntries(1).map(\.vpn) == [64])
                #expect(m.takeEvents().last == .tlbInvalidated(pid: 1, entries: 4, cause: .fork))
            } else {
                #expect(TLBTests.counts(m, 1) == [0, 5, 0])
                #expect(m.tlbEntries(1).count == 5)
                #expect(m.takeEvents().last == .tlbInvalidated(pid: 1, entries: 0, cause: .fork))
            }
            #expect(TLBTests.counts(m, 2) == [0, 0, 0])
            #expect(m.check().isEmpty)
        }
    }

    @Test("a write through a read-only entry misses; copy-on-write copy and reuse invalidate the writer's entry")
    func copyOnWriteInvalidation() throws {
        var m = try TLBTests.setUp(8)
        _ = try m.write(1, vpn: 16, value: 1)           // p: miss                      [0 1 0]
        _ = try m.write(1, vpn: 17, value: 2)           // p: miss                      [0 2 0]
        _ = try m.fork(1, childName: "c")               // p: both rw entries go        [0 2 2]
        _ = try m.read(1, vpn: 16)                      // p: miss, r- entry            [0 3 2]
        _ = try m.read(1, vpn: 16)                      // p: hit                       [1 3 2]
        #expect(TLBTests.entries(m, 1) == [[16, 0, 0]])
        _ = try m.write(1, vpn: 16, value: 3)           // p: r- entry: miss; copy invalidates it, refill rw [1 4 3]
        #expect(TLBTests.counts(m, 1) == [1, 4, 3])
        #expect(TLBTests.entries(m, 1) == [[16, 2, 1]])  // frame 2: the copy
        _ = try m.write(1, vpn: 16, value: 4)           // p: hit                       [2 4 3]
        #expect(TLBTests.counts(m, 1) == [2, 4, 3])
        // Reuse: c reads page 17 (r- entry), p copies page 17 (p had no entry: nothing to
        // invalidate), then c is frame 1's only mapper: its write reuses it and drops its entry.
        _ = try m.read(2, vpn: 17)                      // c: miss                      [0 1 0]
        _ = try m.write(1, vpn: 17, value: 5)           // p: miss, copy                [2 5 3]
        _ = try m.write(2, vpn: 17, value: 6)           // c: miss, reuse invalidates   [0 2 1]
        #expect(TLBTests.counts(m, 1) == [2, 5, 3])
        #expect(TLBTests.counts(m, 2) == [0, 2, 1])
        #expect(m.process(2)?.counters.reuses == 1)
        #expect(TLBTests.entries(m, 2) == [[17, 1, 1]])
        #expect(m.check().isEmpty)
    }

    @Test("entries are tagged by address space: no flush on switch, a vfork child uses its parent's")
    func addressSpaceIDs() throws {
        var m = try TLBTests.setUp(4)
        _ = try m.write(1, vpn: 16, value: 1)           // p miss
        _ = try m.spawn(name: "q")
        try m.mapAnonymous(2, at: 16, pages: 1, permissions: rw, shared: false, name: "heap")
        _ = try m.write(2, vpn: 16, value: 2)           // q miss: its own entry for the same page number
        _ = try m.read(1, vpn: 16)                      // p hit: q's access flushed nothing
        #expect(TLBTests.counts(m, 1) == [1, 1, 0])
        #expect(TLBTests.counts(m, 2) == [0, 1, 0])
        _ = try m.vfork(1, childName: "v")              // pid 3 borrows p's space
        _ = try m.read(3, vpn: 16)                      // hit on p's entry, counted for v
        #expect(TLBTests.counts(m, 3) == [1, 0, 0])
        try m.exit(3)
        try m.exit(1)                                   // exit drops p's entries, not counted
        #expect(TLBTests.counts(m, 1) == [1, 1, 0])
        #expect(m.tlbCount == 1)
        #expect(m.tlbEntries(2).map(\.vpn) == [16])
        #expect(m.check().isEmpty)
    }

    @Test("unmap, protect, dontneed and mremap invalidate the entries of the pages they change")
    func rangeInvalidations() throws {
        var m = try TLBTests.setUp(16)
        for v in 16..<24 { _ = try m.write(1, vpn: v, value: 1) }
        try m.unmap(1, at: 22, pages: 2)                                   // 2
        #expect(m.process(1)?.counters.tlbInvalidations == 2)
        try m.protect(1, at: 16, pages: 2, permissions: [.read])           // 2 more
        #expect(m.process(1)?.counters.tlbInvalidations == 4)
        try m.protect(1, at: 16, pages: 2, permissions: [.read])           // rights unchanged: none
        #expect(m.process(1)?.counters.tlbInvalidations == 4)
        _ = try m.madvise(1, at: 18, pages: 1, advice: .dontneed)          // 1 more
        try m.mremap(1, at: 19, pages: 2, to: 40)                          // 2 more
        #expect(m.process(1)?.counters.tlbInvalidations == 7)
        #expect(m.tlbEntries(1).map(\.vpn) == [21])
        #expect(m.takeEvents().suffix(2) == [.tlbInvalidated(pid: 1, entries: 1, cause: .madvise),
                                              .tlbInvalidated(pid: 1, entries: 2, cause: .mremap)])
        #expect(m.check().isEmpty)
    }

    @Test("truncate shoots the pages down in every process that maps them")
    func truncateShootdown() throws {
        var m = machine(.textbook)
        try m.setTLB(entries: 8)
        _ = try m.addFile(name: "f", pages: 4, cached: true)
        for name in ["a", "b"] {
            let pid = try m.spawn(name: name)
            try m.mapFile(pid, file: 1, offset: 0, at: 16, pages: 4, permissions: rw, shared: true, name: "f")
            for v in 16..<20 { _ = try m.read(pid, vpn: v) }
        }
        _ = m.takeEvents()
        _ = try m.truncate(file: 1, pages: 1)           // pages 1-3 of the file: 3 entries in each process
        #expect(m.process(1)?.counters.tlbInvalidations == 3)
        #expect(m.process(2)?.counters.tlbInvalidations == 3)
        #expect(m.takeEvents() == [.tlbInvalidated(pid: nil, entries: 6, cause: .truncate)])
        #expect(m.tlbCount == 2)
        #expect(m.check().isEmpty)
    }

    @Test("reclaim invalidates the entries of the frame it takes")
    func reclaimShootdown() throws {
        var config = MachineConfig(frames: 2, pageSize: 4096, profile: .textbook)
        config.swapPages = 8
        var m = Machine(config: config)
        try m.setTLB(entries: 8)
        _ = try m.spawn(name: "p")
        try m.mapAnonymous(1, at: 16, pages: 3, permissions: rw, shared: false, name: "heap")
        _ = try m.write(1, vpn: 16, value: 1)
        _ = try m.write(1, vpn: 17, value: 2)
        _ = try m.write(1, vpn: 18, value: 3)           // no free frame: one of pages 16, 17 goes to swap
        #expect(m.process(1)?.counters.tlbInvalidations == 1)
        #expect(m.tlbCount == 2)
        #expect(m.check().isEmpty)
    }

    @Test("without a TLB nothing is counted or recorded; config tlb is checked")
    func off() throws {
        var m = machine(.linux)
        _ = try m.spawn(name: "p")
        try m.mapAnonymous(1, at: 16, pages: 2, permissions: rw, shared: false, name: "heap")
        _ = try m.write(1, vpn: 16, value: 1)
        _ = try m.fork(1, childName: "c")
        _ = try m.write(1, vpn: 16, value: 2)
        #expect(TLBTests.counts(m, 1) == [0, 0, 0])
        #expect(!m.takeEvents().contains { if case .tlbInvalidated = $0 { return true } else { return false } })
        #expect(m.tlbEntries(1).isEmpty)
        #expect(throws: EngineError.self) { try m.setTLB(entries: -1) }
        #expect(throws: EngineError.self) { try m.setTLB(entries: 65_537) }
    }

    @Test("random sequences with a small TLB: every entry always equals its page-table entry",
          arguments: PropertyTests.configurations)
    func randomSequences(profile: Profile, mode: ForkMode) async throws {
        await propertyCheck(count: 40, input: Gen.int(in: 1...6), Gen.int(in: 0...24),
                            Gen.uint64(in: 0...UInt64.max).array(of: 20...180)) { entries, swap, ops in
            var run = try SwapPropertyTests.swapRun(profile, mode, frames: swap == 0 ? 64 : 12, swap: swap)
            try run.m.setTLB(entries: entries)
            var failure: String?
            for (index, op) in ops.enumerated() {
                run.step(op)
                SwapPropertyTests.syncKills(&run)
                let problems = run.m.check()
                if !problems.isEmpty { run.fail("invariants broken after step \(index): \(problems.prefix(3))") }
                if let f = run.failure { failure = "step \(index) (op \(op)): \(f)"; break }
            }
            if failure == nil { SwapPropertyTests.sweep(&run) }
            #expect(failure == nil)
            #expect(run.failure == nil)
            #expect(run.m.check().isEmpty)
        }
    }

    @Test("random runs with a TLB hit, miss and invalidate for every cause (the property is not vacuous)")
    func coverage() throws {
        var rng = SplitMix64(seed: 13)
        var causes = Set<TLBCause>()
        var hits = 0, misses = 0, invalidations = 0
        for (profile, mode) in PropertyTests.configurations {
            for _ in 0..<30 {
                let swap = Int(rng.next() % 2) * 16
                var run = try SwapPropertyTests.swapRun(profile, mode, frames: swap == 0 ? 64 : 12, swap: swap)
                try run.m.setTLB(entries: Int(rng.next() % 6) + 1)
                run.m.recordsEvents = true
                for _ in 0..<200 {
                    run.step(rng.next())
                    SwapPropertyTests.syncKills(&run)
                }
                let s = run.m.stats
                hits += s.tlbHits
                misses += s.tlbMisses
                invalidations += s.tlbInvalidations
                for case .tlbInvalidated(_, let n, let cause) in run.m.takeEvents() where n > 0 { causes.insert(cause) }
            }
        }
        #expect(hits > 0 && misses > 0 && invalidations > 0)
        #expect(causes.isSuperset(of: [.fork, .unmap, .protect, .writeback, .reclaim]), "\(causes)")
    }

    /// One random operation of any kind the TLB must follow (errors are fine: bad requests).
    static func randomOperation(_ m: inout Machine, _ x: UInt64) {
        let pid = Int(x % 7) + 1
        var vpn = Int((x >> 8) % 40)
        var pages = Int((x >> 16) % 8) + 1
        // Mostly inside a region the process has (else nearly every request is refused).
        if let regions = m.process(pid)?.regions, !regions.isEmpty, (x >> 56) % 4 != 0 {
            let r = regions[Int((x >> 48) % UInt64(regions.count))]
            vpn = r.start + Int((x >> 8) % UInt64(r.pages))
            pages = min(pages, r.end - vpn)
        }
        let rights: Permissions = [[.read], rw, [], [.read, .execute]][Int((x >> 24) % 4)]
        switch (x >> 32) % 18 {
        case 0: _ = try? m.spawn(name: "p\(x % 1000)")
        case 1: try? m.mapAnonymous(pid, at: vpn, pages: pages, permissions: rw, shared: (x >> 40) % 3 == 0, name: "a")
        case 2: try? m.mapFile(pid, file: 1, offset: Int((x >> 40) % 4), at: vpn, pages: pages, permissions: rw,
                               shared: (x >> 44) % 2 == 0, name: "f")
        case 3, 4, 5: _ = try? m.read(pid, vpn: vpn)
        case 6, 7, 8: _ = try? m.write(pid, vpn: vpn, value: Int64(x % 100))
        case 9: _ = try? m.fork(pid, childName: "c\(x % 1000)")
        case 10: _ = try? m.vfork(pid, childName: "v\(x % 1000)")
        case 11: try? (x >> 40) % 2 == 0 ? m.exit(pid) : m.exec(pid)
        case 12: try? m.unmap(pid, at: vpn, pages: pages)
        case 13: try? m.protect(pid, at: vpn, pages: pages, permissions: rights)
        case 14: _ = try? m.madvise(pid, at: vpn, pages: pages, advice: (x >> 40) % 2 == 0 ? .dontneed : .free)
        case 15: try? m.mremap(pid, at: vpn, pages: pages, to: Int((x >> 40) % 40))
        case 16: _ = try? m.truncate(file: 1, pages: Int((x >> 40) % 10))
        default: _ = try? (x >> 40) % 2 == 0 ? m.msync(pid, at: vpn, pages: pages) : m.fsync(file: 1)
        }
    }

    @Test("random operations of every kind (madvise, mremap, truncate, msync too) keep every entry equal to its page-table entry")
    func everyOperation() throws {
        var rng = SplitMix64(seed: 1313)
        var invalidations = 0
        for run in 0..<60 {
            var config = MachineConfig(frames: run % 2 == 0 ? 64 : 10, pageSize: 4096, profile: run % 3 == 0 ? .linux : .textbook)
            config.swapPages = run % 2 == 0 ? 0 : 16
            var m = Machine(config: config)
            try m.setTLB(entries: run % 5 + 1)
            _ = try m.addFile(name: "f", pages: 8, cached: false)
            _ = try m.spawn(name: "first")
            for step in 0..<300 {
                TLBTests.randomOperation(&m, rng.next())
                let problems = m.check()
                #expect(problems.isEmpty, "run \(run) step \(step): \(problems.prefix(3))")
                if !problems.isEmpty { return }
            }
            invalidations += m.stats.tlbInvalidations
        }
        #expect(invalidations > 0)
    }
}
