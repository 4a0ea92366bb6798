import Testing
@testable import CowEngine

/// The same scenarios L1-L5 under the `textbook` profile. The figures are worked out by hand
/// from the textbook rules (fork copies every entry of every region and write-protects private
/// writable pages; a read of untouched anonymous memory allocates a zero-filled frame; one fault
/// per page; a COW fault by the only mapper reuses the frame). The reasoning sits next to each value.
@Suite("Conformance L1-L5, textbook profile")
struct TextbookConformanceTests {
    @Test("L1 textbook: same as Linux, private anonymous memory is copied entry by entry either way")
    func l1() throws {
        var m = machine(.textbook)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: false, name: "heap")
        var step = try measured(&m, p) { try writeEach(&$0, p, 0x100..<0x140, base: 1000) }
        #expect(step.faults == 64)   // one demand-zero fault per written page
        // 64 frames, each mapped once, written: all Private_Dirty and Anonymous.
        expectUsage(m.usage(of: p), rss: 64, pss: frac(64), shDi: 0, prDi: 64, anon: 64)

        let c = try m.fork(p, childName: "C")
        #expect(faults(m, c) == 0)   // fork copies entries, takes no fault
        // Every frame now has mapcount 2: Shared, Pss 64 × 1/2 = 32; still dirty anonymous.
        expectUsage(m.usage(of: p), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 64)
        expectUsage(m.usage(of: c), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 64)

        step = try measured(&m, c) { try writeEach(&$0, c, 0x100..<0x108, base: 2000) }
        // 8 write-protected pages shared with P: 8 faults, 8 copies.
        #expect(step.faults == 8)
        #expect(step.copies == 8)
        // 8 pages now private to each (mapcount 1), 56 shared: Pss = 8 + 56/2 = 36.
        expectUsage(m.usage(of: p), rss: 64, pss: frac(36), shDi: 56, prDi: 8, anon: 64)
        expectUsage(m.usage(of: c), rss: 64, pss: frac(36), shDi: 56, prDi: 8, anon: 64)
        #expect(distinctFrames(m, [p, c]) == 72)   // 64 + C's 8 copies

        step = try measured(&m, p) { try writeEach(&$0, p, 0x108..<0x10c, base: 3000) }
        // Pages 8-11 are still shared with C: 4 faults, 4 copies.
        #expect(step.faults == 4)
        #expect(step.copies == 4)
        // 12 private, 52 shared: Pss = 12 + 52/2 = 38.
        expectUsage(m.usage(of: p), rss: 64, pss: frac(38), shDi: 52, prDi: 12, anon: 64)
        expectUsage(m.usage(of: c), rss: 64, pss: frac(38), shDi: 52, prDi: 12, anon: 64)
        #expect(distinctFrames(m, [p, c]) == 76)   // 72 + P's 4 copies

        // Pages 0-7 of P are write-protected but P is now their only mapper: the fault reuses.
        step = try measured(&m, p) { try expectWrite(&$0, p, 0x100, 7) }
        #expect(step.faults == 1)
        #expect(step.copies == 0)
        #expect(m.process(p)?.counters.reuses == 1)

        try m.exit(c)
        // C's 8 + 4 private frames are freed, the 52 shared ones drop to mapcount 1.
        expectUsage(m.usage(of: p), rss: 64, pss: frac(64), shDi: 0, prDi: 64, anon: 64)
        #expect(m.stats.used == 64)
        expectConsistent(m)
    }

    @Test("L2 textbook: reads after fork share forever, as in Linux")
    func l2() throws {
        var m = machine(.textbook)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x140, base: 1)
        let c = try m.fork(p, childName: "C")
        // Reads of present (write-protected) entries never fault, so nothing ever changes:
        // 64 frames of mapcount 2 in both, Pss 32, Shared_Dirty 64.
        var step = try measured(&m, c) { try expectValues(&$0, c, 0x100..<0x140, ramp(1, 64)) }
        #expect(step.faults == 0)
        step = try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x140, ramp(1, 64)) }
        #expect(step.faults == 0)
        expectUsage(m.usage(of: p), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 64)
        expectUsage(m.usage(of: c), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 64)
        #expect(distinctFrames(m, [p, c]) == 64)
        expectConsistent(m)
    }

    @Test("L3 textbook: no zero page, reads allocate zero-filled frames")
    func l3() throws {
        var m = machine(.textbook)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: false, name: "first")
        try m.mapAnonymous(p, at: 0x200, pages: 32, permissions: rw, shared: false, name: "second")
        var step = try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x140, Array(repeating: 0, count: 64)) }
        // One demand-zero fault per page, each allocating a frame: 64 frames, private, never
        // written so clean, and anonymous.
        #expect(step.faults == 64)
        expectUsage(m.usage(of: p, region: "first"), rss: 64, pss: frac(64), shDi: 0, prCl: 64, prDi: 0, anon: 64)
        #expect(m.stats.used == 64)
        #expect(m.stats.zeroPageMappings == 0)

        step = try measured(&m, p) { try writeEach(&$0, p, 0x100..<0x120, base: 500) }
        // The read faults mapped the frames writable already: writes take no fault, but make
        // 32 pages dirty.
        #expect(step.faults == 0)
        expectUsage(m.usage(of: p, region: "first"), rss: 64, pss: frac(64), shDi: 0, prCl: 32, prDi: 32, anon: 64)

        step = try measured(&m, p) { try writeEach(&$0, p, 0x200..<0x220, base: 900) }
        #expect(step.faults == 32)   // never read: one demand-zero fault per page
        step = try measured(&m, p) {
            try expectValues(&$0, p, 0x100..<0x140, ramp(500, 32) + Array(repeating: 0, count: 32))
        }
        #expect(step.faults == 0)
        #expect(m.stats.used == 96)   // 64 + 32
        expectConsistent(m)
    }

    @Test("L4 textbook: no fault-around, fork copies the text entries too")
    func l4() throws {
        var m = machine(.textbook)
        let lib = try m.addLibrary(name: "lib", textPages: 32, dataPages: 8, cached: true)
        let p = try m.spawn(name: "P")
        try m.mapLibrary(p, library: lib, at: 0x400)
        let text = 0x400..<0x420, data = 0x420
        var step = try measured(&m, p) { _ = try values(&$0, p, text) }
        #expect(step.faults == 32)   // one minor fault per cached page, no fault-around
        step = try measured(&m, p) {
            _ = try $0.write(p, vpn: data + 0, value: 70)
            _ = try $0.write(p, vpn: data + 1, value: 71)
        }
        #expect(step.faults == 2)
        #expect(step.copies == 2)
        // Text: 32 page-cache frames mapped once, clean. Data: 2 private dirty anonymous copies.
        expectUsage(m.usage(of: p, region: "lib.text"), rss: 32, pss: frac(32), shDi: 0, prCl: 32, prDi: 0, anon: 0)
        expectUsage(m.usage(of: p, region: "lib.data"), rss: 2, pss: frac(2), shDi: 0, prDi: 2, anon: 2)

        let c1 = try m.fork(p, childName: "C1")
        let c2 = try m.fork(p, childName: "C2")
        let c3 = try m.fork(p, childName: "C3")
        let all = [p, c1, c2, c3]
        // Every entry is copied: the 32 text frames and 2 data frames now have mapcount 4.
        // Text: Pss 32/4 = 8, Shared_Clean 32. Data: Pss 2/4 = 1/2, Shared_Dirty 2.
        for pid in all {
            expectUsage(m.usage(of: pid, region: "lib.text"), rss: 32, pss: frac(8), shCl: 32, shDi: 0, prDi: 0, anon: 0)
            expectUsage(m.usage(of: pid, region: "lib.data"), rss: 2, pss: frac(1, 2), shDi: 2, prDi: 0, anon: 2)
        }
        for (child, page) in [(c1, 0), (c2, 1), (c3, 2)] {
            step = try measured(&m, child) { _ = try values(&$0, child, text) }
            #expect(step.faults == 0)   // the text entries were inherited
            step = try measured(&m, child) { _ = try $0.write(child, vpn: data + page, value: 9) }
            // Pages 0 and 1: shared 4 ways (then 3), so copied; page 2: never written, so a
            // private copy of the file page. One fault and one copy each.
            #expect(step.faults == 1)
            #expect(step.copies == 1)
        }
        for pid in all {
            expectUsage(m.usage(of: pid, region: "lib.text"), rss: 32, pss: frac(8), shCl: 32, shDi: 0, prDi: 0, anon: 0)
        }
        #expect(distinctFrames(m, all, region: "lib.text") == 32)
        // P's 2 copies + one new copy per child = 5.
        #expect(distinctFrames(m, all, region: "lib.data") == 5)
        // C1: page 0 its own (mapcount 1), page 1 shared by P, C1, C3 (mapcount 3):
        // Pss = 1 + 1/3 = 4/3; Private_Dirty 1, Shared_Dirty 1.
        expectUsage(m.usage(of: c1, region: "lib.data"), rss: 2, pss: frac(4, 3), shDi: 1, prDi: 1, anon: 2)
        // C3: pages 0, 1 of P (mapcount 3 each, shared by P, C2|C1, C3) + its own page 2:
        // Pss = 1/3 + 1/3 + 1 = 5/3.
        expectUsage(m.usage(of: c3, region: "lib.data"), rss: 3, pss: frac(5, 3), shDi: 2, prDi: 1, anon: 3)
        expectConsistent(m)
    }

    @Test("L5 textbook: fork copies the shared entries, so the child never faults")
    func l5() throws {
        var m = machine(.textbook)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: true, name: "shm")
        var step = try measured(&m, p) { try writeEach(&$0, p, 0x100..<0x140, base: 1000) }
        #expect(step.faults == 64)   // one fault per page, each a new shmem frame
        let c = try m.fork(p, childName: "C")
        // C inherits all 64 writable shared entries: mapcount 2 everywhere, Pss 32, dirty
        // (shmem pages are always dirty), and not Anonymous.
        expectUsage(m.usage(of: p), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 0)
        expectUsage(m.usage(of: c), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 0)

        step = try measured(&m, c) { try writeEach(&$0, c, 0x100..<0x108, base: 2000) }
        #expect(step.faults == 0)   // entries present and writable: no fault, no copy
        #expect(step.copies == 0)
        step = try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x108, ramp(2000, 8)) }
        #expect(step.faults == 0)
        step = try measured(&m, c) { _ = try values(&$0, c, 0x100..<0x140) }
        #expect(step.faults == 0)
        // Nothing changed the mappings: same figures as right after fork.
        expectUsage(m.usage(of: p), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 0)
        expectUsage(m.usage(of: c), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 0)
        #expect(distinctFrames(m, [p, c]) == 64)
        expectConsistent(m)
    }
}
