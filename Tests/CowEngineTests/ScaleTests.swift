import Testing
@testable import CowEngine

/// Issue 9, "bounded work and memory": processes, regions and frames at the kernel's scale.
/// These assert behaviour (layout, lookups, reverse maps, lazily materialised memory); the
/// times are measured by Benchmarks/compare and Benchmarks/scripts, never here.
@Suite("Scale: processes, regions, frames")
struct ScaleTests {
    @Test("a machine with the most frames allocates no per-frame state until frames are used")
    func framesAreMaterialisedLazily() throws {
        var m = Machine(config: MachineConfig(frames: MachineConfig.maxFrames))
        // Before: six arrays of 16,777,217 slots (about 370 MB) at creation.
        #expect(m.frames.values.count < 1024)
        #expect(m.frames.kinds.count < 1024)
        #expect(m.frames.freeBits.count < 64)
        #expect(m.stats.free == MachineConfig.maxFrames)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x10, pages: 100, permissions: rw, shared: false, name: "heap")
        #expect(try m.write(p, vpns: 0x10..<0x74, value: 7) == .value(7))
        #expect(m.frames.kinds.count == 128)          // two doublings of 64 frames
        #expect(m.stats.used == 100 && m.stats.free == MachineConfig.maxFrames - 100)
        #expect(try m.read(p, vpn: 0x73) == .value(7))
        expectConsistent(m)
    }

    @Test("frames are handed out lowest first across materialisation, and a full machine still says so")
    func materialisationKeepsFrameOrder() throws {
        var m = Machine(config: MachineConfig(frames: 130))
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0, pages: 131, permissions: rw, shared: false, name: "heap")
        #expect(try m.write(p, vpns: 0..<130, value: 1) == .value(1))
        #expect(m.pageTable(of: p).map(\.entry.frame) == Array(0..<130))
        #expect(m.frames.kinds.count == 130)
        expectConsistent(m)
        #expect(try m.write(p, vpn: 130, value: 1) == .killed(.outOfMemory(vpn: 130)))
        expectConsistent(m)
    }

    @Test("the zero page reads 0 though it has no slot")
    func zeroPageHasNoSlot() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0, pages: 2, permissions: rw, shared: false, name: "heap")
        #expect(try m.read(p, vpn: 0) == .value(0))
        #expect(try m.read(p, vpn: 0) == .value(0))     // the fast path, through the entry
        #expect(m.entry(p, vpn: 0)?.frame == m.zeroPageFrame)
        #expect(m.frames.values.count <= m.zeroPageFrame)
        expectConsistent(m)
    }

    @Test("spawn is an event, like fork")
    func spawnIsAnEvent() throws {
        var m = machine(.textbook)
        let a = try m.spawn(name: "a")
        let b = try m.fork(a, childName: "b")
        #expect(m.takeEvents() == [.spawned(pid: a), .forked(parent: a, child: b, entriesCopied: 0, framesCopied: 0, vfork: false)])
    }

    @Test("names are looked up in O(1): latest pid, live names, counts")
    func nameIndex() throws {
        var m = machine(.textbook)
        let a = try m.spawn(name: "a")
        let b = try m.fork(a, childName: "b")
        #expect(m.pid(named: "b") == b && m.isLiveProcessName("b"))
        try m.exit(b)
        #expect(m.pid(named: "b") == b && !m.isLiveProcessName("b"))
        #expect(m.liveProcessCount == 1 && m.processCount == 2)
        let b2 = try m.spawn(name: "b")
        #expect(m.pid(named: "b") == b2 && m.process(named: "b")?.pid == b2)
        #expect(throws: EngineError.duplicateProcessName("b")) { try m.fork(a, childName: "b") }
        #expect(m.liveProcessNames == ["a", "b"])
        #expect(m.pid(named: "nobody") == nil && !m.isLiveProcessName("nobody"))
        expectConsistent(m)
    }

    @Test("10,000 children of one process, each writing one page: counts, reverse map, stats")
    func tenThousandChildren() throws {
        var m = Machine(config: MachineConfig(frames: 20_000))
        m.recordsEvents = false
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: false, name: "heap")
        _ = try m.write(p, vpns: 0x100..<0x104, value: 1)
        for i in 0..<10_000 {
            let c = try m.fork(p, childName: "c\(i)")
            _ = try m.write(c, vpn: 0x101, value: 2)
        }
        #expect(m.liveProcessCount == 10_001)
        #expect(m.mapcount(ofFrame: 0) == 10_001)       // page 0x100: everyone
        #expect(m.mapcount(ofFrame: 1) == 1)            // page 0x101: only p kept it
        let reverse = m.mappers(of: [0, 1])
        #expect(reverse[0]?.count == 10_001)
        #expect(reverse[0]?.map(\.pid) == Array(1...10_001))
        #expect(reverse[1] == [Mapper(pid: p, vpn: 0x101)])
        let (used, zero) = m.usedFramesAndZeroPage
        #expect(used.count == 10_004 && zero == nil)
        #expect(m.stats.savedBySharing == 3 * 10_000)
        expectConsistent(m)
    }

    @Test("65,530 regions in one process (vm.max_map_count): found, written, forked, accounted")
    func maxMapCountRegions() throws {
        var m = Machine(config: MachineConfig(frames: 200_000))
        m.recordsEvents = false
        let p = try m.spawn(name: "p")
        let n = 65_530
        for i in 0..<n {
            try m.mapAnonymous(p, at: 0x10000 + 2 * i, pages: 1, permissions: rw, shared: false, name: "r\(i % 7)")
        }
        #expect(m.process(p)?.regions.count == n)
        for i in stride(from: 0, to: n, by: 3) { _ = try m.write(p, vpn: 0x10000 + 2 * i, value: Int64(i)) }
        #expect(try m.read(p, vpn: 0x10000 + 2 * 65_529) == .value(65_529))
        #expect(m.entry(p, vpn: 0x10001) == nil && m.process(p)?.regions.index(containing: 0x10001) == nil)
        #expect(m.process(p)?.regions.index(containing: 0x10000 + 2 * 40_000) == 40_000)
        let p2 = try m.spawn(name: "p2")
        try m.mapAnonymous(p2, at: 0x10000, pages: 1, permissions: rw, shared: false, name: "one")
        let c = try m.fork(p, childName: "c")
        #expect(m.process(c)?.regions.count == n)
        let byName = try #require(m.usageByRegionName(of: p))
        #expect(byName.count == 7)
        #expect(byName.values.reduce(0) { $0 + $1.rss } == m.usage(of: p)?.rss)
        #expect(byName["r0"]?.rss == m.usage(of: p, region: "r0")?.rss)
        expectConsistent(m)
    }

    @Test("regions mapped in descending and scattered order stay sorted; unmap and protect across many")
    func unorderedRegions() throws {
        var m = machine(.textbook, frames: 4096)
        let p = try m.spawn(name: "p")
        for i in (0..<500).reversed() {
            try m.mapAnonymous(p, at: 0x1000 + 4 * i, pages: 2, permissions: rw, shared: false, name: "d")
        }
        for i in 0..<500 {   // the holes, scattered
            let k = (i * 7919) % 500
            try m.mapAnonymous(p, at: 0x1000 + 4 * k + 2, pages: 2, permissions: rw, shared: false, name: "h")
        }
        let starts = m.process(p)?.regions.map(\.start) ?? []
        #expect(starts == Array(stride(from: 0x1000, to: 0x1000 + 2000, by: 2)))
        #expect(throws: EngineError.overlaps(pid: p, region: "h")) {
            try m.mapAnonymous(p, at: 0x1000 + 403, pages: 1, permissions: rw, shared: false, name: "x")
        }
        try m.unmap(p, at: 0x1000 + 101, pages: 800)           // splits both ends, drops 400 regions
        #expect(m.process(p)?.regions.count == 1000 - 400 + 1)
        #expect(throws: EngineError.notMapped(pid: p, vpn: 0x1000 + 101)) {
            try m.protect(p, at: 0x1000 + 100, pages: 4, permissions: [.read])
        }
        try m.protect(p, at: 0x1000 + 1001, pages: 500, permissions: [.read])
        #expect(try m.write(p, vpn: 0x1000 + 1200, value: 1) == .killed(.segfault(vpn: 0x1000 + 1200, .writeToReadOnly)))
        expectConsistent(m)
    }

    @Test("region names are counted, not scanned: map, split, unmap, fork, vfork, exec, exit")
    func regionNameIndex() throws {
        var m = machine(.linux, frames: 256)
        let p = try m.spawn(name: "p")
        #expect(!m.hasRegion(p, named: "heap") && !m.hasRegion(99, named: "heap"))
        try m.mapAnonymous(p, at: 0x100, pages: 8, permissions: rw, shared: false, name: "heap")
        try m.mapAnonymous(p, at: 0x200, pages: 2, permissions: rw, shared: false, name: "stack")
        try m.unmap(p, at: 0x102, pages: 2)                   // heap splits in two parts
        #expect(m.hasRegion(p, named: "heap") && m.hasRegion(p, named: "stack"))
        try m.unmap(p, at: 0x100, pages: 2)                   // one part of heap gone, one left
        #expect(m.hasRegion(p, named: "heap"))
        try m.unmap(p, at: 0x104, pages: 4)
        #expect(!m.hasRegion(p, named: "heap") && m.hasRegion(p, named: "stack"))
        try m.advise(p, at: 0x200, pages: 1, advice: .dontFork)
        try m.mapAnonymous(p, at: 0x300, pages: 1, permissions: rw, shared: false, name: "kept")
        let c = try m.fork(p, childName: "c")
        #expect(m.hasRegion(c, named: "stack") && m.hasRegion(c, named: "kept"))   // the stack's other page
        let v = try m.vfork(c, childName: "v")
        #expect(m.hasRegion(v, named: "kept"))                // borrows c's address space
        try m.exec(v)
        #expect(!m.hasRegion(v, named: "kept") && m.hasRegion(c, named: "kept"))
        try m.exit(c)
        #expect(!m.hasRegion(c, named: "kept") && m.hasRegion(p, named: "kept"))
        expectConsistent(m)
    }

    @Test("the prompt's O(1) counters agree with stats, which walks the page tables")
    func promptCountersAgreeWithStats() throws {
        var m = machine(.linux, frames: 64)
        func agree(_ step: String) {
            let s = m.stats
            #expect(m.usedFrameCount == s.used && m.frameCount == s.frames && m.liveProcessCount == s.processes, "\(step)")
        }
        agree("empty")
        let file = try m.addFile(name: "f", pages: 4, cached: true)
        agree("cached file")
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x100, pages: 6, permissions: rw, shared: false, name: "heap")
        try m.mapFile(p, file: file, offset: 0, at: 0x200, pages: 4, permissions: rw, shared: false, name: "f")
        for k in 0..<6 { _ = try m.write(p, vpn: 0x100 + k, value: 1) }
        _ = try m.write(p, vpn: 0x200, value: 2)
        agree("written")
        let c = try m.fork(p, childName: "c")
        _ = try m.write(c, vpn: 0x101, value: 3)
        #expect(m.usedFrameCount == 4 + 6 + 1 + 1)
        agree("forked and copied")
        try m.exit(p)
        agree("parent exited")
        try m.exit(c)
        agree("all exited")
        #expect(m.usedFrameCount == 4 && m.liveProcessCount == 0)
    }
}
