import Testing
@testable import CowEngine

// Files with contents and state (issue 11, file half): pwrite, fsync / sync, truncate, tmpfs
// files, mappings past the end of the file (rule 15, SIGBUS), readahead (rule 14) and the signal
// that killed a process. Every figure is worked out by hand in the comments.
@Suite("files: pwrite, fsync, truncate, tmpfs, SIGBUS, readahead")
struct FileStateTests {
    // MARK: pwrite, fsync, sync

    @Test("pwrite puts dirty pages in the page cache; a mapping reads them; fsync cleans them")
    func pwriteThenMapThenFsync() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 8, cached: false)
        // Pages 2 and 3 are not cached: two new frames (0, 1), dirty, no disk read.
        #expect(try m.pwrite(file: f, pages: 2..<4, value: 7) == 2)
        #expect(m.file(id: f)?.cachedPages == 2)
        #expect(m.frame(0)?.dirty == true && m.frame(0)?.value == 7 && m.frame(1)?.dirty == true)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 8, permissions: [.read], shared: true, name: "f")
        // Reading page 2: a page-cache hit (1 minor fault) and fault-around maps page 3 too.
        _ = m.takeEvents()
        try expectValues(&m, p, 0x102..<0x104, [7, 7])
        #expect(m.process(p)?.counters == ProcessCounters(minorFaults: 1))
        #expect(m.takeEvents() == [.fileRead(pid: p, vpn: 0x102, frame: 0, major: false, mappedPages: 2)])
        // Two resident pages, mapcount 1, dirty page: Private_Dirty 2.
        expectUsage(m.usage(of: p, region: "f"), rss: 2, pss: frac(2), shDi: 0, prDi: 2, anon: 0)
        // fsync writes both back: clean.
        #expect(try m.fsync(file: f) == 2)
        #expect(try m.fsync(file: f) == 0)
        expectUsage(m.usage(of: p, region: "f"), rss: 2, pss: frac(2), shDi: 0, prCl: 2, prDi: 0, anon: 0)
        // The written values survive dropping the unmapped cache: page 2 is mapped (kept), and
        // after unmapping, drop-caches frees both and a new read gets 7 back from disk.
        try m.unmap(p, at: 0x100, pages: 8)
        m.dropCaches()
        #expect(m.file(id: f)?.cachedPages == 0)
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 8, permissions: [.read], shared: true, name: "f")
        try expectValues(&m, p, 0x100..<0x108, [0, 0, 7, 7, 0, 0, 0, 0])
        expectConsistent(m)
    }

    @Test("pwrite through the page cache is seen by private mappings that have not copied the page, not by a copy")
    func pwriteAndPrivateMappings() throws {
        var m = machine(.textbook)
        let f = try m.addFile(name: "f", pages: 2, cached: true)   // frames 0, 1
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 2, permissions: rw, shared: false, name: "f")
        try expectValues(&m, p, 0x100..<0x102, [0, 0])
        try expectWrite(&m, p, 0x101, 3)            // private copy of page 1 (frame 2)
        #expect(try m.pwrite(file: f, pages: 0..<2, value: 9) == 0)   // both cached already
        // Page 0 still maps the page-cache frame: 9. Page 1 is P's own copy: 3.
        #expect(try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x102, [9, 3]) } == (0, 0))
        expectConsistent(m)
    }

    @Test("linux: pwrite leaves a clean read-only shared entry read-only: the next write through it still faults")
    func pwriteAndWriteNotification() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 1, cached: true)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 1, permissions: rw, shared: true, name: "f")
        try expectValues(&m, p, 0x100..<0x101, [0])
        try m.pwrite(file: f, pages: 0..<1, value: 5)
        #expect(try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x101, [5]) } == (0, 0))
        #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x100, 6) } == (1, 0))
        // fsync (page_mkclean): clean and read-only again, the next write faults again.
        #expect(m.sync() == 1)
        #expect(m.entry(p, vpn: 0x100) == PageTableEntry(frame: 0, flags: [.present, .user, .accessed]))
        #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x100, 7) } == (1, 0))
        expectConsistent(m)
    }

    @Test("pwrite refuses bad ranges and a full memory, changing nothing")
    func pwriteErrors() throws {
        var m = machine(.linux, frames: 2)
        let f = try m.addFile(name: "f", pages: 4, cached: false)
        #expect(throws: EngineError.fileRangeBeyondEnd(file: "f", pages: 4)) { try m.pwrite(file: f, pages: 3..<5, value: 1) }
        #expect(throws: EngineError.emptyRange) { try m.pwrite(file: f, pages: 2..<2, value: 1) }
        #expect(throws: EngineError.invalidArgument("page number must not be negative, got -1")) {
            try m.pwrite(file: f, pages: -1..<1, value: 1)
        }
        #expect(throws: EngineError.noSuchFile("with id 7")) { try m.pwrite(file: 7, pages: 0..<1, value: 1) }
        // Three pages not cached, two frames free.
        #expect(throws: EngineError.outOfMemory(needed: 3, free: 2)) { try m.pwrite(file: f, pages: 0..<3, value: 1) }
        #expect(m.file(id: f)?.cachedPages == 0 && m.stats.free == 2)
        #expect(throws: EngineError.noSuchFile("with id 7")) { try m.fsync(file: 7) }
        expectConsistent(m)
    }

    // MARK: truncate

    @Test("truncate unmaps the pages past the new end from every process (copies too) and frees them; growing reads zeros")
    func truncateShrinksAndGrows() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 8, cached: true)    // frames 0-7
        try m.pwrite(file: f, pages: 5..<6, value: 9)
        try m.fsync(file: f)                                          // page 5 holds 9 on disk
        let p = try m.spawn(name: "P"), q = try m.spawn(name: "Q")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 8, permissions: rw, shared: false, name: "f")
        try m.mapFile(q, file: f, offset: 0, at: 0x200, pages: 8, permissions: [.read], shared: true, name: "f")
        try expectValues(&m, p, 0x100..<0x108, [0, 0, 0, 0, 0, 9, 0, 0])   // 1 fault (fault-around maps 8)
        try expectWrite(&m, p, 0x106, 4)                                     // copy of page 6: frame 8
        try expectValues(&m, q, 0x200..<0x208, [0, 0, 0, 0, 0, 9, 0, 0])
        #expect(m.stats.used == 9)
        // Shrink to 4 pages: P loses entries 4-7 (three page-cache pages and its copy), Q entries
        // 4-7: 8 entries. Freed: the four cached pages 4-7 and the copy = 5 frames.
        let outcome = try m.truncate(file: f, pages: 4)
        #expect(outcome == TruncateOutcome(oldPages: 8, newPages: 4, pagesDropped: 4, entriesUnmapped: 8, framesFreed: 5))
        #expect(m.file(id: f)?.pages == 4 && m.file(id: f)?.cachedPages == 4 && m.stats.used == 4)
        // Size still counts the whole mapping; Rss only pages 0-3.
        #expect(m.usage(of: p, region: "f")?.rss == 4 && m.process(p)?.regions[0].pages == 8)
        expectConsistent(m)
        // Past the new end: SIGBUS, read or write, shared or private.
        _ = m.takeEvents()
        #expect(try m.read(q, vpn: 0x204) == .killed(.busError(vpn: 0x204)))
        #expect(m.takeEvents().first == .busError(pid: q, vpn: 0x204, file: f))
        #expect(m.process(q)?.state == .killed(.busError(vpn: 0x204)))
        #expect(m.process(q)?.state.killingSignal == "SIGBUS")
        // Growing back to 8: pages 4-7 are zeros on disk (page 5's 9 was cut off).
        #expect(try m.truncate(file: f, pages: 8) == TruncateOutcome(oldPages: 4, newPages: 8))
        try expectValues(&m, p, 0x104..<0x108, [0, 0, 0, 0])
        #expect(m.process(p)?.counters.majorFaults == 1)    // one major fault read pages 4-7 (readahead)
        expectConsistent(m)
    }

    @Test("truncate refuses libraries, negative sizes and unknown files, changing nothing")
    func truncateErrors() throws {
        var m = machine(.textbook)
        let lib = try m.addLibrary(name: "libc", textPages: 2, dataPages: 1, cached: true)
        #expect(throws: EngineError.invalidArgument("libc is a library: only plain files can be truncated")) {
            try m.truncate(file: lib, pages: 1)
        }
        let f = try m.addFile(name: "f", pages: 2, cached: true)
        #expect(throws: EngineError.invalidArgument("a file size must not be negative, got -1")) { try m.truncate(file: f, pages: -1) }
        #expect(throws: EngineError.self) { try m.truncate(file: f, pages: Machine.maxPages + 1) }
        #expect(throws: EngineError.noSuchFile("with id 9")) { try m.truncate(file: 9, pages: 1) }
        #expect(m.file(id: f)?.pages == 2 && m.file(id: f)?.cachedPages == 2)
        // Truncating to 0 is allowed: every page of a mapping is then past the end.
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x10, pages: 2, permissions: [.read], shared: false, name: "f")
        #expect(try m.truncate(file: f, pages: 0).pagesDropped == 2)
        #expect(try m.read(p, vpn: 0x10) == .killed(.busError(vpn: 0x10)))
        expectConsistent(m)
    }

    // MARK: tmpfs

    @Test("tmpfs: holes are allocated zero-filled by a fault (minor, no disk), pages are never written back or dropped")
    func tmpfsFile() throws {
        for profile in Profile.allCases {
            var m = machine(profile)
            let t = try m.addFile(name: "t", pages: 4, cached: false, tmpfs: true)
            #expect(m.file(id: t)?.cachedPages == 0 && m.file(id: t)?.isTmpfs == true)
            let p = try m.spawn(name: "P")
            try m.mapFile(p, file: t, offset: 0, at: 0x100, pages: 4, permissions: rw, shared: true, name: "t")
            _ = m.takeEvents()
            // Read of a hole: 1 minor fault, a new zero frame (0); no other page exists to map around it.
            try expectValues(&m, p, 0x100..<0x101, [0])
            #expect(m.takeEvents() == [.demandZero(pid: p, vpn: 0x100, frame: 0)])
            #expect(m.process(p)?.counters == ProcessCounters(minorFaults: 1))
            // Shared tmpfs mappings are writable at once (no write notification): the first write
            // to page 0 takes no fault; page 1 is a hole: one fault, dirty.
            #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x100, 1) } == (0, 0))
            #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x101, 2) } == (1, 0))
            try m.pwrite(file: t, pages: 3..<4, value: 5)
            // fsync and sync write nothing back; drop-caches keeps every page.
            #expect(try m.fsync(file: t) == 0 && m.sync() == 0)
            m.dropCaches()
            #expect(m.file(id: t)?.cachedPages == 3)
            #expect(try m.msync(p, at: 0x100, pages: 4) == 0)
            // Pages 0 and 1 mapped, both written: Private_Dirty 2, not Anonymous (rule 7).
            expectUsage(m.usage(of: p, region: "t"), rss: 2, pss: frac(2), shDi: 0, prDi: 2, anon: 0)
            try expectValues(&m, p, 0x102..<0x104, [0, 5])
            expectConsistent(m)
        }
    }

    @Test("linux: a tmpfs page allocated by a read is clean (rule 12); textbook: every tmpfs page is dirty")
    func tmpfsReadAllocatedPageDirtiness() throws {
        for (profile, dirty) in [(Profile.linux, false), (.textbook, true)] {
            var m = machine(profile)
            let t = try m.addFile(name: "t", pages: 1, cached: false, tmpfs: true)
            let p = try m.spawn(name: "P")
            try m.mapFile(p, file: t, offset: 0, at: 0x100, pages: 1, permissions: [.read], shared: true, name: "t")
            _ = try m.read(p, vpn: 0x100)
            #expect(m.frame(0)?.dirty == dirty)
        }
        var m = machine(.linux)
        #expect(throws: EngineError.self) { try m.addFile(name: "t", pages: 1, cached: true, tmpfs: true) }
        #expect(m.files.isEmpty)
    }

    // MARK: rule 15

    @Test("rule 15: a mapping may reach past the end of its file; fault-around stops there; an access past it is SIGBUS")
    func mappingPastTheEnd() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 4, cached: true)
        for page in 0..<4 { try m.pwrite(file: f, pages: page..<page + 1, value: Int64(10 + page)) }
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 8, permissions: rw, shared: false, name: "f")
        #expect(m.process(p)?.regions[0].pages == 8)
        _ = m.takeEvents()
        // One fault maps the 4 pages of the file (fault-around stops at the end of the file).
        #expect(try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x104, [10, 11, 12, 13]) } == (1, 0))
        #expect(m.takeEvents() == [.fileRead(pid: p, vpn: 0x100, frame: 0, major: false, mappedPages: 4)])
        // Page 5 is wholly past the end: SIGBUS (no fault counted: the fault failed).
        let before = m.process(p)?.counters
        #expect(try m.write(p, vpn: 0x105, value: 1) == .killed(.busError(vpn: 0x105)))
        #expect(m.process(p)?.counters == before)
        #expect(m.takeEvents().first == .busError(pid: p, vpn: 0x105, file: f))
        #expect(m.process(p)?.state == .killed(.busError(vpn: 0x105)))
        expectConsistent(m)
        // An offset past the end maps too; every access there is SIGBUS.
        let q = try m.spawn(name: "Q")
        try m.mapFile(q, file: f, offset: 6, at: 0x100, pages: 2, permissions: [.read], shared: true, name: "g")
        #expect(try m.read(q, vpn: 0x101) == .killed(.busError(vpn: 0x101)))
    }

    @Test("signal(P): SIGSEGV, SIGBUS, SIGKILL for out of memory, none while alive or after exit")
    func killingSignals() throws {
        var m = machine(.textbook, frames: 1)
        let a = try m.spawn(name: "a"), b = try m.spawn(name: "b"), c = try m.spawn(name: "c")
        #expect(m.process(a)?.state.killingSignal == nil)
        _ = try m.read(a, vpn: 5)
        #expect(m.process(a)?.state.killingSignal == "SIGSEGV")
        try m.mapAnonymous(b, at: 0, pages: 2, permissions: rw, shared: false, name: "h")
        _ = try m.write(b, vpns: 0..<2, value: 1)
        #expect(m.process(b)?.state.killingSignal == "SIGKILL")
        try m.exit(c)
        #expect(m.process(c)?.state.killingSignal == nil)
        #expect(Kill.busError(vpn: 3).signal == "SIGBUS")
    }

    // MARK: rule 14

    @Test("rule 14: a major fault reads the 32-page read-around window in one I/O; fault-around maps 16 of it")
    func readaheadWindow() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 64, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 64, permissions: [.read], shared: false, name: "f")
        _ = m.takeEvents()
        // Page 40: window starts 16 pages before it, 32 pages: 24-55, read into frames 0-31 in
        // file order, so page 40 is frame 16. Fault-around maps the 16-page window 32-47.
        #expect(try m.read(p, vpn: 0x100 + 40) == .value(0))
        #expect(m.takeEvents() == [.readAhead(pid: p, file: f, first: 24, pages: 32, read: 32),
                                   .fileRead(pid: p, vpn: 0x100 + 40, frame: 16, major: true, mappedPages: 16)])
        #expect(m.process(p)?.counters == ProcessCounters(majorFaults: 1))
        #expect(m.file(id: f)?.cachedPages == 32)
        // Page 30 is cached: a minor fault. Page 60: window 44-63 (cut at the end of the file),
        // 8 pages not cached yet (56-63).
        _ = try m.read(p, vpn: 0x100 + 30)
        #expect(m.process(p)?.counters == ProcessCounters(minorFaults: 1, majorFaults: 1))
        _ = m.takeEvents()
        _ = try m.read(p, vpn: 0x100 + 60)
        #expect(m.takeEvents().first == .readAhead(pid: p, file: f, first: 44, pages: 20, read: 8))
        #expect(m.file(id: f)?.cachedPages == 40 && m.process(p)?.counters.majorFaults == 2)
        expectConsistent(m)
    }

    @Test("rule 14: a 32-page file is read whole by its first major fault: 1 major + 1 minor fault to read it all")
    func readaheadSmallFile() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 32, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x10, pages: 32, permissions: [.read], shared: false, name: "f")
        _ = try values(&m, p, 0x10..<0x30)
        #expect(m.process(p)?.counters == ProcessCounters(minorFaults: 1, majorFaults: 1))
        #expect(m.file(id: f)?.cachedPages == 32)
    }

    @Test("rule 14: advise random turns readahead off, advise sequential reads N pages from the faulting one on, config readahead N sets N")
    func readaheadHints() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 64, cached: false)
        let g = try m.addFile(name: "g", pages: 64, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 64, permissions: [.read], shared: false, name: "f")
        try m.mapFile(p, file: g, offset: 0, at: 0x200, pages: 64, permissions: [.read], shared: false, name: "g")
        _ = try m.madvise(p, at: 0x100, pages: 64, advice: .random)
        // Random: one major fault per page, no fault-around neighbours cached: 4 majors for 4 pages.
        _ = try values(&m, p, 0x100..<0x104)
        #expect(m.process(p)?.counters == ProcessCounters(majorFaults: 4))
        #expect(m.file(id: f)?.cachedPages == 4)
        // Sequential on g: page 8 reads 32 pages from the page on, 8..<40 (without the hint: 0..<24).
        _ = try m.madvise(p, at: 0x200, pages: 64, advice: .sequential)
        _ = m.takeEvents()
        _ = try m.read(p, vpn: 0x208)
        #expect(m.takeEvents().first == .readAhead(pid: p, file: g, first: 8, pages: 32, read: 32))
        // Page 60 of g: 60..<64, cut at the end of the file.
        _ = try m.read(p, vpn: 0x200 + 60)
        #expect(m.takeEvents().first == .readAhead(pid: p, file: g, first: 60, pages: 4, read: 4))
        // N = 8: page 20 of a fresh file reads 16..<24.
        try m.setReadahead(pages: 8)
        let h = try m.addFile(name: "h", pages: 64, cached: false)
        try m.mapFile(p, file: h, offset: 0, at: 0x300, pages: 64, permissions: [.read], shared: true, name: "h")
        _ = m.takeEvents()
        _ = try m.read(p, vpn: 0x300 + 20)
        #expect(m.takeEvents().first == .readAhead(pid: p, file: h, first: 16, pages: 8, read: 8))
        // N = 0: no readahead at all.
        try m.setReadahead(pages: 0)
        _ = try m.read(p, vpn: 0x300 + 40)
        #expect(m.file(id: h)?.cachedPages == 9)
        #expect(throws: EngineError.invalidArgument("readahead must be between 0 and 65536 pages, got -1")) { try m.setReadahead(pages: -1) }
        #expect(m.config.readaheadPages == 0)
        expectConsistent(m)
    }

    @Test("readahead: textbook reads one page per major fault; a full memory reads only the faulting page")
    func noReadahead() throws {
        var m = machine(.textbook)
        let f = try m.addFile(name: "f", pages: 64, cached: false)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 64, permissions: [.read], shared: false, name: "f")
        _ = m.takeEvents()
        _ = try m.read(p, vpn: 0x100 + 40)
        #expect(m.takeEvents() == [.fileRead(pid: p, vpn: 0x100 + 40, frame: 0, major: true, mappedPages: 1)])
        #expect(m.file(id: f)?.cachedPages == 1)

        var small = machine(.linux, frames: 4)
        let g = try small.addFile(name: "g", pages: 32, cached: false)
        let q = try small.spawn(name: "Q")
        try small.mapFile(q, file: g, offset: 0, at: 0x100, pages: 32, permissions: [.read], shared: false, name: "g")
        #expect(try small.read(q, vpn: 0x100) == .value(0))
        #expect(small.file(id: g)?.cachedPages == 1 && small.process(q)?.counters.majorFaults == 1)
        expectConsistent(small)
    }
}
