import Testing
@testable import CowEngine

/// Scenarios L1-L5 of the conformance figures (../shared/conformance/README.md beside this repository) under the `linux` profile. Every
/// expected figure is copied from the README tables (measured on Linux 6.18), not computed.
/// N = 64 pages; regions start on 16-page boundaries so fault-around windows line up as there.
@Suite("Conformance L1-L5, linux profile")
struct LinuxConformanceTests {
    @Test("L1: private anonymous memory, parent and child")
    func l1() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: false, name: "heap")
        var step = try measured(&m, p) { try writeEach(&$0, p, 0x100..<0x140, base: 1000) }
        #expect(step.faults == 64)
        #expect(m.stats.used == 64)   // 64 new frames
        // before fork
        expectUsage(m.usage(of: p), rss: 64, pss: frac(64), shDi: 0, prDi: 64, anon: 64)
        #expect(distinctFrames(m, [p]) == 64)

        let c = try m.fork(p, childName: "C")
        // "Fork itself takes no faults in the region."
        #expect(faults(m, p) == 64)
        #expect(faults(m, c) == 0)
        expectUsage(m.usage(of: p), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 64)
        expectUsage(m.usage(of: c), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 64)
        #expect(distinctFrames(m, [p, c]) == 64)
        expectConsistent(m)

        step = try measured(&m, c) { try writeEach(&$0, c, 0x100..<0x108, base: 2000) }
        #expect(step.faults == 8)
        #expect(step.copies == 8)
        expectUsage(m.usage(of: p), rss: 64, pss: frac(36), shDi: 56, prDi: 8, anon: 64)
        expectUsage(m.usage(of: c), rss: 64, pss: frac(36), shDi: 56, prDi: 8, anon: 64)
        #expect(distinctFrames(m, [p, c]) == 72)
        expectConsistent(m)

        step = try measured(&m, p) { try writeEach(&$0, p, 0x108..<0x10c, base: 3000) }
        #expect(step.faults == 4)
        #expect(step.copies == 4)
        expectUsage(m.usage(of: p), rss: 64, pss: frac(38), shDi: 52, prDi: 12, anon: 64)
        expectUsage(m.usage(of: c), rss: 64, pss: frac(38), shDi: 52, prDi: 12, anon: 64)
        #expect(distinctFrames(m, [p, c]) == 76)
        expectConsistent(m)

        // Values read back: each process sees its own writes and the pre-fork values elsewhere.
        step = try measured(&m, c) {
            try expectValues(&$0, c, 0x100..<0x108, ramp(2000, 8))
            try expectValues(&$0, c, 0x108..<0x140, ramp(1008, 56))
        }
        #expect(step.faults == 0)
        step = try measured(&m, p) {
            try expectValues(&$0, p, 0x100..<0x108, ramp(1000, 8))
            try expectValues(&$0, p, 0x108..<0x10c, ramp(3000, 4))
            try expectValues(&$0, p, 0x10c..<0x140, ramp(1012, 52))
        }
        #expect(step.faults == 0)

        try m.exit(c)
        expectUsage(m.usage(of: p), rss: 64, pss: frac(64), shDi: 0, prDi: 64, anon: 64)
        #expect(distinctFrames(m, [p]) == 64)
        #expect(m.stats.used == 64)
        expectConsistent(m)
    }

    @Test("L2: reads after fork share forever")
    func l2() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x140, base: 1)
        let c = try m.fork(p, childName: "C")
        func both() {
            expectUsage(m.usage(of: p), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 64)
            expectUsage(m.usage(of: c), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 64)
            #expect(distinctFrames(m, [p, c]) == 64)
        }
        both()
        var step = try measured(&m, c) { try expectValues(&$0, c, 0x100..<0x140, ramp(1, 64)) }
        #expect(step.faults == 0)
        both()
        step = try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x140, ramp(1, 64)) }
        #expect(step.faults == 0)
        both()
        expectConsistent(m)
    }

    @Test("L3: untouched memory and the zero page")
    func l3() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: false, name: "first")
        try m.mapAnonymous(p, at: 0x200, pages: 32, permissions: rw, shared: false, name: "second")
        var step = try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x140, Array(repeating: 0, count: 64)) }
        #expect(step.faults == 64)
        expectUsage(m.usage(of: p, region: "first"), rss: 0, pss: frac(0), shDi: 0, prDi: 0, anon: 0)
        #expect(m.pageTable(of: p).count == 64)
        #expect(m.pageTable(of: p).allSatisfy { $0.entry.frame == m.zeroPageFrame })
        #expect(m.stats.used == 0)
        #expect(m.stats.zeroPageMappings == 64)

        step = try measured(&m, p) { try writeEach(&$0, p, 0x100..<0x120, base: 500) }
        #expect(step.faults == 32)
        expectUsage(m.usage(of: p, region: "first"), rss: 32, pss: frac(32), shDi: 0, prDi: 32, anon: 32)

        step = try measured(&m, p) { try writeEach(&$0, p, 0x200..<0x220, base: 900) }
        #expect(step.faults == 32)

        step = try measured(&m, p) {
            try expectValues(&$0, p, 0x100..<0x140, ramp(500, 32) + Array(repeating: 0, count: 32))
        }
        #expect(step.faults == 0)
        expectConsistent(m)
    }

    @Test("L4: a library-like file: shared text, private data")
    func l4() throws {
        var m = machine(.linux)
        // 40 pages, cached and written back: pages 0-31 text, 32-39 data.
        let lib = try m.addLibrary(name: "lib", textPages: 32, dataPages: 8, cached: true)
        let p = try m.spawn(name: "P")
        try m.mapLibrary(p, library: lib, at: 0x400)
        let text = 0x400..<0x420, data = 0x420
        var step = try measured(&m, p) { try expectValues(&$0, p, text, Array(repeating: 0, count: 32)) }
        #expect(step.faults == 2)   // two 16-page windows
        step = try measured(&m, p) {
            try expectWrite(&$0, p, data + 0, 70)
            try expectWrite(&$0, p, data + 1, 71)
        }
        #expect(step.faults == 2)
        #expect(step.copies == 2)   // private copies of file pages
        // before fork
        expectUsage(m.usage(of: p, region: "lib.text"), rss: 32, pss: frac(32), shDi: 0, prCl: 32, prDi: 0, anon: 0)
        expectUsage(m.usage(of: p, region: "lib.data"), rss: 2, pss: frac(2), shDi: 0, prDi: 2, anon: 2)

        let c1 = try m.fork(p, childName: "C1")
        let c2 = try m.fork(p, childName: "C2")
        let c3 = try m.fork(p, childName: "C3")
        let all = [p, c1, c2, c3]
        // after the forks
        expectUsage(m.usage(of: p, region: "lib.text"), rss: 32, pss: frac(32), shDi: 0, prCl: 32, prDi: 0, anon: 0)
        for child in [c1, c2, c3] {
            expectUsage(m.usage(of: child, region: "lib.text"), rss: 0, pss: frac(0), shDi: 0, prDi: 0, anon: 0)
        }
        for pid in all {
            expectUsage(m.usage(of: pid, region: "lib.data"), rss: 2, pss: frac(1, 2), shDi: 2, prDi: 0, anon: 2)
        }
        expectConsistent(m)

        for (child, page) in [(c1, 0), (c2, 1), (c3, 2)] {
            step = try measured(&m, child) { try expectValues(&$0, child, text, Array(repeating: 0, count: 32)) }
            #expect(step.faults == 2)
            step = try measured(&m, child) {
                try expectWrite(&$0, child, data + page, Int64(100 + child))
            }
            #expect(step.faults == 1)
            #expect(step.copies == 1)
            expectConsistent(m)
        }
        for pid in all {
            expectUsage(m.usage(of: pid, region: "lib.text"), rss: 32, pss: frac(8), shCl: 32, shDi: 0, prDi: 0, anon: 0)
        }
        #expect(distinctFrames(m, all, region: "lib.text") == 32)
        #expect(distinctFrames(m, all, region: "lib.data") == 5)
        // Values: each child sees its own write, P's copies elsewhere, the file's 0 on untouched pages.
        #expect(try values(&m, c1, data..<data + 3) == [Int64(100 + c1), 71, 0])
        #expect(try values(&m, c2, data..<data + 3) == [70, Int64(100 + c2), 0])
        #expect(try values(&m, c3, data..<data + 3) == [70, 71, Int64(100 + c3)])
        #expect(try values(&m, p, data..<data + 3) == [70, 71, 0])
        expectConsistent(m)
    }

    @Test("L5: shared anonymous memory")
    func l5() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: true, name: "shm")
        var step = try measured(&m, p) { try writeEach(&$0, p, 0x100..<0x140, base: 1000) }
        #expect(step.faults == 64)
        let c = try m.fork(p, childName: "C")
        // after fork
        expectUsage(m.usage(of: p), rss: 64, pss: frac(64), shDi: 0, prDi: 64, anon: 0)
        expectUsage(m.usage(of: c), rss: 0, pss: frac(0), shDi: 0, prDi: 0, anon: 0)
        #expect(distinctFrames(m, [p, c]) == 64)

        step = try measured(&m, c) { try writeEach(&$0, c, 0x100..<0x108, base: 2000) }
        #expect(step.faults == 8)
        #expect(step.copies == 0)
        expectUsage(m.usage(of: p), rss: 64, pss: frac(60), shDi: 8, prDi: 56, anon: 0)
        expectUsage(m.usage(of: c), rss: 8, pss: frac(4), shDi: 8, prDi: 0, anon: 0)
        #expect(distinctFrames(m, [p, c]) == 64)

        step = try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x108, ramp(2000, 8)) }
        #expect(step.faults == 0)   // P reads C's values with no fault

        step = try measured(&m, c) {
            try expectValues(&$0, c, 0x100..<0x140, ramp(2000, 8) + ramp(1008, 56))
        }
        #expect(step.faults == 4)   // one per 16-page window
        expectUsage(m.usage(of: p), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 0)
        expectUsage(m.usage(of: c), rss: 64, pss: frac(32), shDi: 64, prDi: 0, anon: 0)
        #expect(distinctFrames(m, [p, c]) == 64)
        expectConsistent(m)
    }
}
