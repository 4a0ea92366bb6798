import Testing
@testable import CowEngine

@Suite("Address-space edge cases")
struct AddressSpaceTests {
    @Test("an overlapping mapping is rejected, naming the region in the way")
    func overlapRejected() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "shell")
        try m.mapAnonymous(p, at: 0x10, pages: 16, permissions: rw, shared: false, name: "heap")
        #expect(throws: EngineError.overlaps(pid: p, region: "heap")) {
            try m.mapAnonymous(p, at: 0x18, pages: 16, permissions: rw, shared: false, name: "other")
        }
        #expect(EngineError.overlaps(pid: p, region: "heap").description.contains("heap"))
        // Touching ends do not overlap.
        try m.mapAnonymous(p, at: 0x20, pages: 1, permissions: rw, shared: false, name: "next")
        try m.mapAnonymous(p, at: 0x0f, pages: 1, permissions: rw, shared: false, name: "before")
        #expect(m.process(p)?.regions.map(\.name) == ["before", "heap", "next"])
    }

    @Test("unmap in the middle splits the region and frees its frames")
    func unmapSplits() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 16, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x110, base: 0)
        try m.unmap(p, at: 0x104, pages: 4)
        let regions = m.process(p)?.regions ?? []
        #expect(regions.map(\.start) == [0x100, 0x108])
        #expect(regions.map(\.pages) == [4, 8])
        #expect(regions.map(\.name) == ["heap", "heap"])
        #expect(m.stats.used == 12)
        expectUsage(m.usage(of: p, region: "heap"), rss: 12, pss: frac(12), shDi: 0, prDi: 12, anon: 12)
        expectConsistent(m)
        // Unmapping a range that is partly or wholly unmapped is fine, like munmap.
        try m.unmap(p, at: 0x106, pages: 4)
        try m.unmap(p, at: 0x5000, pages: 4)
        #expect(m.process(p)?.regions.map(\.start) == [0x100, 0x10a])
        #expect(try m.read(p, vpn: 0x105) == .killed(.segfault(vpn: 0x105, .unmapped)))
        expectConsistent(m)
    }

    @Test("splitting a file mapping moves the offset of the right part")
    func splitFileOffset() throws {
        var m = machine(.linux)
        let file = try m.addFile(name: "f", pages: 20, cached: true)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: file, offset: 2, at: 0x200, pages: 16, permissions: [.read], shared: false, name: "f")
        try m.unmap(p, at: 0x200, pages: 3)
        #expect(m.process(p)?.regions.first?.backing == .file(file, offset: 5))
        _ = try m.read(p, vpn: 0x203)
        #expect(m.frame(m.entry(p, vpn: 0x203)?.frame ?? -1)?.kind == .pageCache(file: file, page: 5))
        expectConsistent(m)
    }

    @Test("protect splits regions, write-protects and is enforced")
    func protectSplits() throws {
        var m = machine(.textbook)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 8, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x108, base: 0)
        try m.protect(p, at: 0x102, pages: 2, permissions: [.read])
        #expect(m.process(p)?.regions.map(\.permissions.description) == ["rw-", "r--", "rw-"])
        #expect(m.entry(p, vpn: 0x102)?.flags.contains(.writable) == false)
        expectConsistent(m)
        try m.protect(p, at: 0x102, pages: 1, permissions: rw)
        // The page is anonymous and mapped once: writable again at once, no fault needed.
        let step = try measured(&m, p) { try expectWrite(&$0, p, 0x102, 9) }
        #expect(step.faults == 0)
        #expect(try m.write(p, vpn: 0x103, value: 1) == .killed(.segfault(vpn: 0x103, .writeToReadOnly)))
        expectConsistent(m)
    }

    @Test("protect of a range with a hole fails and changes nothing")
    func protectNeedsMapping() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: false, name: "a")
        try m.mapAnonymous(p, at: 0x106, pages: 4, permissions: rw, shared: false, name: "b")
        #expect(throws: EngineError.notMapped(pid: p, vpn: 0x104)) {
            try m.protect(p, at: 0x102, pages: 6, permissions: [.read])
        }
        #expect(m.process(p)?.regions.count == 2)
        #expect(m.process(p)?.regions.allSatisfy { $0.permissions == rw } == true)
    }

    @Test("no-access memory segfaults on read")
    func noAccess() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 1, permissions: [], shared: false, name: "guard")
        #expect(try m.read(p, vpn: 0x100) == .killed(.segfault(vpn: 0x100, .readOfNoAccess)))
    }

    @Test("dontfork: the child does not inherit the region")
    func dontFork() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: false, name: "secret")
        try m.mapAnonymous(p, at: 0x200, pages: 4, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x104, base: 1)
        try m.advise(p, at: 0x100, pages: 4, advice: .dontFork)
        let c = try m.fork(p, childName: "C")
        #expect(m.process(c)?.regions.map(\.name) == ["heap"])
        #expect(try m.read(c, vpn: 0x100) == .killed(.segfault(vpn: 0x100, .unmapped)))
        expectUsage(m.usage(of: p, region: "secret"), rss: 4, pss: frac(4), shDi: 0, prDi: 4, anon: 4)
        expectConsistent(m)
    }

    @Test("wipeonfork: the child gets the region empty", arguments: Profile.allCases)
    func wipeOnFork(profile: Profile) throws {
        var m = machine(profile)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: false, name: "seed")
        try writeEach(&m, p, 0x100..<0x104, base: 1)
        try m.advise(p, at: 0x100, pages: 2, advice: .wipeOnFork)
        let c = try m.fork(p, childName: "C")
        #expect(m.process(c)?.regions.map(\.advice) == [.wipeOnFork, .normal])
        #expect(m.usage(of: c, region: "seed")?.rss == 2)   // only the two normal pages
        try expectValues(&m, c, 0x100..<0x104, [0, 0, 3, 4])
        try expectValues(&m, p, 0x100..<0x104, [1, 2, 3, 4])
        expectConsistent(m)
    }

    @Test("wipeonfork is refused outside private anonymous memory")
    func wipeOnForkRefused() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: true, name: "shm")
        #expect(throws: EngineError.adviceNotApplicable(region: "shm", advice: .wipeOnFork)) {
            try m.advise(p, at: 0x100, pages: 4, advice: .wipeOnFork)
        }
    }

    @Test("fault-around stays inside the region and the aligned window")
    func faultAroundWindow() throws {
        var m = machine(.linux)
        let file = try m.addFile(name: "f", pages: 64, cached: true)
        let p = try m.spawn(name: "P")
        // Region 0x105..<0x125 (not aligned): a fault at 0x107 maps the window 0x100..<0x110
        // moved up to the region's start and keeping its 16 pages (conformance rule 9):
        // 0x105..<0x115.
        try m.mapFile(p, file: file, offset: 0, at: 0x105, pages: 32, permissions: [.read], shared: false, name: "f")
        _ = m.takeEvents()
        _ = try m.read(p, vpn: 0x107)
        #expect(m.takeEvents().first == .fileRead(pid: p, vpn: 0x107, frame: 2, major: false, mappedPages: 16))
        #expect(m.pageTable(of: p).map(\.vpn) == Array(0x105..<0x115))
        expectConsistent(m)
    }

    @Test("fault-around maps only cached pages; a major fault reads one page")
    func faultAroundCachedOnly() throws {
        var m = machine(.linux)
        try m.setReadahead(pages: 0)    // fault-around alone (readahead, rule 14, would read the file whole)
        let file = try m.addFile(name: "f", pages: 16, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: file, offset: 0, at: 0x100, pages: 16, permissions: [.read], shared: false, name: "f")
        _ = try m.read(p, vpn: 0x103)   // major: reads page 3 into frame 0
        _ = try m.read(p, vpn: 0x105)   // major: page 5 -> frame 1; page 3 already mapped
        #expect(m.process(p)?.counters.majorFaults == 2)
        try m.exit(p)
        let q = try m.spawn(name: "Q")
        try m.mapFile(q, file: file, offset: 0, at: 0x100, pages: 16, permissions: [.read], shared: false, name: "f")
        _ = m.takeEvents()
        _ = try m.read(q, vpn: 0x10f)   // minor? no: page 15 is not cached -> major, maps 3 and 5 around
        #expect(m.takeEvents() == [.fileRead(pid: q, vpn: 0x10f, frame: 2, major: true, mappedPages: 3)])
        _ = try m.read(q, vpn: 0x103)
        #expect(m.process(q)?.counters.faults == 1)   // page 3 came with the window
        expectConsistent(m)
    }
}

@Suite("Lifecycle: vfork, exec, exit")
struct LifecycleTests {
    @Test("vfork suspends the parent until the child execs; the child's usage is the parent's")
    func vforkExec() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x104, base: 1)
        _ = m.takeEvents()
        let c = try m.vfork(p, childName: "C")
        #expect(m.process(p)?.state == .suspended(child: c))
        #expect(m.process(c)?.borrowsFrom == p)
        #expect(m.usage(of: p)?.rss == 4)   // not vacuous: both sides are the parent's 4 pages
        #expect(m.usage(of: c) == m.usage(of: p))
        #expect(m.stats.used == 4)
        #expect(throws: EngineError.processNotRunning(p, .suspended(child: c))) { try m.write(p, vpn: 0x100, value: 0) }
        #expect(throws: EngineError.processNotRunning(p, .suspended(child: c))) { try m.fork(p, childName: "X") }
        #expect(throws: EngineError.processNotRunning(p, .suspended(child: c))) { try m.exit(p) }
        try expectWrite(&m, c, 0x101, 20)
        #expect(m.process(c)?.counters.faults == 0)   // the parent's entry was writable
        try m.exec(c)
        #expect(m.process(p)?.state == .running)
        #expect(m.process(c)?.borrowsFrom == nil)
        #expect(m.process(c)?.regions.isEmpty == true)
        #expect(m.takeEvents() == [.forked(parent: p, child: c, entriesCopied: 0, framesCopied: 0, vfork: true),
                                   .execed(pid: c, framesFreed: 0), .resumed(pid: p)])
        try expectValues(&m, p, 0x100..<0x104, [1, 20, 3, 4])
        expectConsistent(m)
    }

    @Test("a vfork child killed by SIGSEGV lets the parent resume")
    func vforkChildKilled() throws {
        var m = machine(.textbook)
        let p = try m.spawn(name: "P")
        let c = try m.vfork(p, childName: "C")
        #expect(try m.read(c, vpn: 0x10) == .killed(.segfault(vpn: 0x10, .unmapped)))
        #expect(m.process(p)?.state == .running)
        #expect(m.process(c)?.state == .killed(.segfault(vpn: 0x10, .unmapped)))
        expectConsistent(m)
    }

    @Test("exec frees the old address space; page-cache frames stay until dropCaches")
    func execAndExit() throws {
        var m = machine(.linux)
        let lib = try m.addLibrary(name: "libc", textPages: 4, dataPages: 2, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapLibrary(p, library: lib, at: 0x400)
        try m.mapAnonymous(p, at: 0x100, pages: 3, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x103, base: 1)
        // One major fault reads the whole 6-page file (readahead, rule 14) and maps the 4 text pages.
        _ = try m.read(p, vpns: 0x400..<0x404)
        try expectWrite(&m, p, 0x404, 5)        // data page 0 is cached: a minor fault and a private copy
        #expect(m.process(p)?.counters.majorFaults == 1)
        #expect(m.stats.anonymous == 4)
        #expect(m.stats.pageCache == 6)
        _ = m.takeEvents()
        try m.exec(p)
        #expect(m.takeEvents() == [.execed(pid: p, framesFreed: 4)])
        #expect(m.process(p)?.regions.isEmpty == true)
        #expect(m.stats.used == 6)
        #expect(m.file(named: "libc")?.cachedPages == 6)
        try m.exit(p)
        expectConsistent(m)
        m.dropCaches()
        #expect(m.stats.used == 0)
        #expect(m.file(named: "libc")?.cachedPages == 0)
        expectConsistent(m)
    }

    @Test("dropCaches writes dirty shared pages back: the value survives")
    func writeBack() throws {
        var m = machine(.linux)
        let file = try m.addFile(name: "data", pages: 1, cached: true)
        let a = try m.spawn(name: "A")
        try m.mapFile(a, file: file, offset: 0, at: 0x10, pages: 1, permissions: rw, shared: true, name: "d")
        try expectWrite(&m, a, 0x10, 42)
        #expect(m.frame(0)?.dirty == true)
        try m.exit(a)
        m.dropCaches()
        #expect(m.stats.used == 0)
        let b = try m.spawn(name: "B")
        try m.mapFile(b, file: file, offset: 0, at: 0x10, pages: 1, permissions: [.read], shared: false, name: "d")
        try expectValues(&m, b, 0x10..<0x11, [42])
        #expect(m.process(b)?.counters.majorFaults == 1)
        #expect(m.frame(0)?.dirty == false)   // read back from disk: clean
    }

    @Test("names: unique among live processes, reusable after exit; pids never reused")
    func names() throws {
        var m = machine(.linux)
        let a = try m.spawn(name: "sh")
        #expect(throws: EngineError.duplicateProcessName("sh")) { try m.spawn(name: "sh") }
        #expect(throws: EngineError.duplicateProcessName("sh")) { try m.fork(a, childName: "sh") }
        try m.exit(a)
        let b = try m.spawn(name: "sh")
        #expect(b == 2)
        #expect(m.process(named: "sh")?.pid == 2)
        #expect(m.processes.map(\.pid) == [1, 2])
        #expect(throws: EngineError.noSuchProcess(7)) { try m.exit(7) }
        #expect(throws: EngineError.processNotRunning(1, .exited)) { try m.exit(1) }
        #expect(m.usage(of: 1) == Usage())
        #expect(m.usage(of: 9) == nil)
        #expect(m.usage(of: 2, region: "nope") == nil)
    }
}

@Suite("Frames, accounting and events")
struct AccountingTests {
    @Test("free frames are reused lowest number first")
    func lowestFirst() throws {
        var m = machine(.textbook, frames: 200)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0, pages: 130, permissions: rw, shared: false, name: "heap")
        #expect(try m.write(p, vpns: 0..<130, value: 1) == .value(1))
        #expect(m.entry(p, vpn: 129)?.frame == 129)
        try m.unmap(p, at: 100, pages: 1)    // frame 100
        try m.unmap(p, at: 3, pages: 1)      // frame 3
        try m.unmap(p, at: 70, pages: 1)     // frame 70 (second bitmap word)
        try m.mapAnonymous(p, at: 1000, pages: 4, permissions: rw, shared: false, name: "more")
        #expect(try m.write(p, vpns: 1000..<1004, value: 2) == .value(2))
        #expect((1000..<1004).map { m.entry(p, vpn: $0)?.frame } == [3, 70, 100, 130])
        expectConsistent(m)
    }

    @Test("Pss is truncated to whole KiB per region, as smaps prints it")
    func pssKiB() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: false, name: "big")
        try m.mapAnonymous(p, at: 0x200, pages: 2, permissions: rw, shared: false, name: "a")
        try m.mapAnonymous(p, at: 0x300, pages: 2, permissions: rw, shared: false, name: "b")
        #expect(try m.write(p, vpns: 0x100..<0x140, value: 1) == .value(1))
        #expect(try m.write(p, vpns: 0x200..<0x202, value: 1) == .value(1))
        #expect(try m.write(p, vpns: 0x300..<0x302, value: 1) == .value(1))
        _ = try m.fork(p, childName: "C1")
        _ = try m.fork(p, childName: "C2")
        // 64 pages shared 3 ways: Pss 64/3 pages = 85.33 KiB, shown as 85.
        let big = m.usage(of: p, region: "big")
        #expect(big?.pss == frac(64, 3))
        #expect(big?.pss.description == "64/3")
        #expect(big?.pssKiB(pageSize: 4096) == 85)
        // Regions a and b: 2/3 page = 2.67 KiB each, truncated each: 2 + 2 = 4 (not 5.33 -> 5).
        let a = m.usage(of: p, region: "a"), b = m.usage(of: p, region: "b")
        #expect(a?.pssKiB(pageSize: 4096) == 2)
        #expect(b?.pssKiB(pageSize: 4096) == 2)
        let all = m.usage(of: p)
        #expect(all?.pss == frac(68, 3))
        #expect(all?.pssKiB(pageSize: 4096) == 85 + 2 + 2)
        #expect(Usage(pss: frac(4, 3)).pssKiB(pageSize: 4096) == 5)
        // Equality is about the figures, not how Pss splits over regions.
        #expect(all == Usage(rss: 68, uss: 0, sharedDirty: 68, anonymous: 68, pss: frac(68, 3)))
    }

    @Test("Rational: normalised, exact, nil on overflow")
    func rational() {
        #expect(Rational(6, -4)?.description == "-3/2")
        #expect(Rational(64, 3)?.description == "64/3")
        #expect(Rational(32, 1)?.description == "32")
        #expect(Rational(1, 0) == nil)
        #expect(Rational(1, Int.min) == nil)
        #expect(frac(1, 3).adding(frac(1, 6)) == frac(1, 2))
        #expect(frac(1, 2).subtracting(frac(3, 4)) == frac(-1, 4))
        #expect(frac(2, 3).multiplied(by: frac(9, 4)) == frac(3, 2))
        #expect(frac(2, 3).divided(by: frac(4, 3)) == frac(1, 2))
        #expect(frac(1).divided(by: frac(0)) == nil)
        #expect(Rational(Int.max).adding(Rational(1)) == nil)
        #expect(Rational(Int.max).multiplied(by: Rational(2)) == nil)
        #expect(Rational(1, Int.max)?.adding(Rational(1, Int.max - 1) ?? .zero) == nil)
        #expect(Rational(Int.min).subtracting(Rational(1)) == nil)
        #expect(frac(-7, 2).truncated() == -3)
        #expect(frac(64, 3).truncated() == 21)
        #expect(frac(1, 3) < frac(1, 2))
        #expect(frac(-1, 2) < frac(1, 3))
        #expect(frac(Int.max - 1, Int.max) < Rational(1))
        #expect(frac(Int.max - 1, Int.max) != .zero)
    }

    @Test("stats count kinds, the zero page and what sharing saves")
    func stats() throws {
        var m = machine(.linux)
        let lib = try m.addLibrary(name: "libc", textPages: 4, dataPages: 1, cached: true)
        let p = try m.spawn(name: "P")
        try m.mapLibrary(p, library: lib, at: 0x400)
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: false, name: "heap")
        _ = try m.read(p, vpns: 0x100..<0x104)   // zero page
        _ = try m.read(p, vpns: 0x400..<0x404)
        try expectWrite(&m, p, 0x101, 1)
        _ = try m.fork(p, childName: "C")        // copies the heap entries only
        let s = m.stats
        #expect(s.frames == 256)
        #expect(s.used == 6)                     // 5 cached file pages + 1 anonymous
        #expect(s.anonymous == 1)
        #expect(s.pageCache == 5)
        #expect(s.zeroPageMappings == 6)         // 3 zero entries in P and 3 in C
        #expect(s.processes == 2)
        #expect(s.minorFaults == 4 + 1 + 1)      // 4 zero-page reads, 1 text window, 1 write
        #expect(s.savedBySharing == 1)           // P: 4 text + 1 heap; C: 1 heap; 5 distinct
        let zero = m.frame(m.zeroPageFrame)
        #expect(zero?.kind == .zero)
        #expect(zero?.mappers.count == 6)
        #expect(m.usedFrames.map(\.number) == Array(0..<6))
    }

    @Test("the reverse map lists (pid, vpn) pairs sorted")
    func reverseMap() throws {
        var m = machine(.textbook)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x20, pages: 1, permissions: rw, shared: false, name: "heap")
        try expectWrite(&m, p, 0x20, 3)
        let c = try m.fork(p, childName: "C")
        let g = try m.fork(c, childName: "G")
        let info = m.frame(0)
        #expect(info?.mapcount == 3)
        #expect(info?.mappers == [Mapper(pid: p, vpn: 0x20), Mapper(pid: c, vpn: 0x20), Mapper(pid: g, vpn: 0x20)])
        #expect(info?.value == 3)
        #expect(info?.kind == .anonymous)
        #expect(m.frame(1) == nil)
        #expect(m.frame(-1) == nil)
    }

    @Test("events tell the copy-on-write story, and can be switched off")
    func events() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x10, pages: 1, permissions: rw, shared: false, name: "heap")
        _ = try m.read(p, vpn: 0x10)
        try expectWrite(&m, p, 0x10, 1)
        let c = try m.fork(p, childName: "C")
        try expectWrite(&m, c, 0x10, 2)
        try expectWrite(&m, p, 0x10, 3)
        try m.exit(c)
        #expect(m.takeEvents() == [
            .spawned(pid: p),
            .zeroPageMapped(pid: p, vpn: 0x10),
            .demandZero(pid: p, vpn: 0x10, frame: 0),
            .forked(parent: p, child: c, entriesCopied: 1, framesCopied: 0, vfork: false),
            .copyOnWrite(pid: c, vpn: 0x10, from: 0, to: 1),
            .copyOnWriteReuse(pid: p, vpn: 0x10, frame: 0),
            .exited(pid: c, framesFreed: 1),
        ])
        #expect(m.takeEvents().isEmpty)
        m.recordsEvents = false
        let d = try m.fork(p, childName: "D")
        try expectWrite(&m, d, 0x10, 4)
        #expect(m.takeEvents().isEmpty)
    }

    @Test("cow-reuse off: even the sole mapper copies")
    func reuseOff() throws {
        var m = machine(.textbook)
        let known = m.setBehaviour("cow-reuse", false)
        #expect(known)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x10, pages: 1, permissions: rw, shared: false, name: "heap")
        try expectWrite(&m, p, 0x10, 1)
        let c = try m.fork(p, childName: "C")
        try m.exit(c)
        let step = try measured(&m, p) { try expectWrite(&$0, p, 0x10, 2) }
        #expect(step.copies == 1)
        #expect(m.stats.used == 1)   // the old frame was freed after the copy
        expectConsistent(m)
    }

    @Test("check() notices a corrupted mapcount")
    func checkIsNotVacuous() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x10, pages: 1, permissions: rw, shared: false, name: "heap")
        try expectWrite(&m, p, 0x10, 1)
        expectConsistent(m)
        m.frames.mapcount[0] = 2
        #expect(m.check().contains { $0.contains("mapcount 2 but 1 entries") })
    }
}

@Suite("Validation and configuration")
struct ValidationTests {
    @Test("bad requests throw clear errors instead of trapping")
    func badRequests() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        let f = try m.addFile(name: "f", pages: 4, cached: false)
        #expect(throws: EngineError.emptyRange) { try m.mapAnonymous(p, at: 0, pages: 0, permissions: rw, shared: false, name: "x") }
        #expect(throws: EngineError.addressOverflow) {
            try m.mapAnonymous(p, at: Int.max - 1, pages: 4, permissions: rw, shared: false, name: "x")
        }
        #expect(throws: EngineError.addressOverflow) { try m.read(p, vpn: -1) }
        #expect(throws: EngineError.addressOverflow) { try m.write(p, vpn: Int.max, value: 0) }
        #expect(throws: EngineError.addressOverflow) { try m.write(p, vpns: m.vpnLimit - 1..<m.vpnLimit + 1, value: 0) }
        // A range too wide to count (it used to trap in Range.count) is refused for its negative start.
        #expect(throws: EngineError.invalidArgument("page number must not be negative, got \(Int.min)")) {
            try m.read(p, vpns: Int.min..<Int.max)
        }
        #expect(throws: EngineError.self) { try m.mapAnonymous(p, at: 0, pages: -3, permissions: rw, shared: false, name: "x") }
        #expect(throws: EngineError.self) {
            try m.mapAnonymous(p, at: 0, pages: Machine.maxPages + 1, permissions: rw, shared: false, name: "x")
        }
        // Past the end of the file is allowed (rule 15), but not past the largest file size.
        #expect(throws: EngineError.limitExceeded("a file mapping must end within \(Machine.maxPages) pages of the file's start")) {
            try m.mapFile(p, file: f, offset: Machine.maxPages - 2, at: 0, pages: 3, permissions: rw, shared: false, name: "x")
        }
        #expect(throws: EngineError.notALibrary("f")) { try m.mapLibrary(p, library: f, at: 0) }
        #expect(throws: EngineError.noSuchFile("with id 9")) {
            try m.mapFile(p, file: 9, offset: 0, at: 0, pages: 1, permissions: rw, shared: false, name: "x")
        }
        #expect(throws: EngineError.duplicateFileName("f")) { try m.addFile(name: "f", pages: 1, cached: false) }
        #expect(throws: EngineError.self) { try m.addFile(name: "huge", pages: Machine.maxPages + 1, cached: false) }
        #expect(throws: EngineError.self) { try m.addLibrary(name: "l", textPages: 0, dataPages: 1, cached: false) }
        #expect(throws: EngineError.self) { try m.addLibrary(name: "l", textPages: Int.max, dataPages: 1, cached: false) }
        #expect(m.process(p)?.regions.isEmpty == true)
        expectConsistent(m)
    }

    @Test("configuration is validated, and clamped when not")
    func configuration() throws {
        #expect(throws: EngineError.self) { try MachineConfig(frames: 0).validate() }
        #expect(throws: EngineError.self) { try MachineConfig(pageSize: 3000).validate() }
        #expect(throws: EngineError.self) { try MachineConfig(frames: MachineConfig.maxFrames + 1).validate() }
        try MachineConfig(frames: 16, pageSize: 16).validate()
        let m = Machine(config: MachineConfig(frames: -5, pageSize: 3000))
        #expect(m.config.frames == 1)
        #expect(m.config.pageSize == 2048)
        #expect(m.zeroPageFrame == 1)
    }

    @Test("behaviour switches by name; profiles preset them")
    func behaviours() {
        #expect(Behaviours.switchNames == ["cow-reuse", "fault-around", "fork-skip", "zero-page"])
        var b = Behaviours.preset(.textbook)
        #expect(b == Behaviours(zeroPage: false, faultAround: false, forkSkipsUnfaulted: false, reuseSoleSharer: true))
        #expect(Behaviours.preset(.linux) == Behaviours(zeroPage: true, faultAround: true, forkSkipsUnfaulted: true, reuseSoleSharer: true))
        let set = b.set("zero-page", true)
        #expect(set)
        #expect(b.value(of: "zero-page") == true)
        let bogus = b.set("bogus", true)
        #expect(!bogus)
        #expect(b.value(of: "bogus") == nil)
        var m = Machine()
        m.setProfile(.linux)
        #expect(m.config.behaviours == .preset(.linux))
        m.setForkMode(.eager)
        #expect(m.config.forkMode == .eager)
    }

    @Test("permissions print and parse like /proc/PID/maps")
    func permissions() {
        #expect(Permissions([.read, .write]).description == "rw-")
        #expect(Permissions([.read, .execute]).description == "r-x")
        #expect(Permissions([]).description == "---")
        #expect(Permissions("r-x") == [.read, .execute])
        #expect(Permissions("rw") == [.read, .write])
        #expect(Permissions("---") == [])
        #expect(Permissions("wr") == nil)
        #expect(Permissions("rwz") == nil)
        #expect(PTEFlags([.present, .user, .copyOnWrite]).description == "P-UC--")
    }
}
