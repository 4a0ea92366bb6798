import Testing
@testable import CowEngine

/// `config page-tables LAYOUT frames` (issue 13): table pages take frames from the pool. Every
/// figure worked by hand with x86_64: a process has a PGD from its creation; a page at a fresh
/// place needs a PUD (per 512 GiB), a PMD (per 1 GiB) and a PTE page (per 2 MiB); frames are
/// handed out lowest first.
@Suite struct TableFrameTests {
    static func machine(frames: Int, swap: Int = 0, tableFrames: Bool = true) -> Machine {
        var c = MachineConfig(frames: frames, pageSize: 4096)
        c.pageTables = .x86_64
        c.tableFrames = tableFrames
        c.swapPages = swap
        return Machine(config: c)
    }

    /// Spawns a process with one written page (value 7) at page 16, a region "r" of 1 page.
    static func spawnWithOnePage(_ m: inout Machine, name: String = "p") throws -> PID {
        let p = try m.spawn(name: name)
        try m.mapAnonymous(p, at: 16, pages: 1, permissions: rw, shared: false, name: "r")
        _ = try m.write(p, vpn: 16, value: 7)
        return p
    }

    static let gib = 1 << 18    // pages per GiB: one PMD entry's reach x 512

    static func kinds(_ m: Machine) -> [Int: FrameKind] {
        Dictionary(uniqueKeysWithValues: m.usedFrames.map { ($0.number, $0.kind) })
    }

    /// PGD at spawn (frame 0); the write takes PUD 1, PMD 2, PTE 3, then the page 4.
    @Test func onePageTakesFourTableFramesAndOneDataFrame() throws {
        var m = Self.machine(frames: 8)
        let p = try m.spawn(name: "p")
        #expect(m.stats.used == 1 && m.stats.pageTableFrames == 1)
        try m.mapAnonymous(p, at: 16, pages: 1, permissions: rw, shared: false, name: "r")
        #expect(m.stats.used == 1, "mapping takes no frame")
        #expect(try m.write(p, vpn: 16, value: 7) == .value(7))
        #expect(m.stats.used == 5 && m.stats.pageTableFrames == 4 && m.stats.anonymous == 1 && m.stats.free == 3)
        #expect(Self.kinds(m) == [0: .pageTable, 1: .pageTable, 2: .pageTable, 3: .pageTable, 4: .anonymous])
        #expect(m.pageTablePagesList(of: p).map(\.id) == [0, 1, 2, 3], "a table's id is its frame")
        #expect(m.check() == [])
    }

    /// Off (the default), the same script takes one frame: frame numbers of existing scripts stay.
    @Test func offByDefault() throws {
        var m = Self.machine(frames: 8, tableFrames: false)
        let p = try Self.spawnWithOnePage(&m)
        #expect(m.stats.used == 1 && m.stats.pageTableFrames == 0)
        #expect(Self.kinds(m) == [0: .anonymous])
        #expect(m.check() == [])
    }

    /// 8 frames, pages 1 GiB apart: the first costs 4 tables + 1 page (5 used), the second a PMD
    /// and a PTE page + 1 page (8 used: 6 tables, 2 data), the third finds no frame for its PMD.
    @Test func pagesFarApartRunOutOfFramesThroughTables() throws {
        var m = Self.machine(frames: 8)
        let p = try m.spawn(name: "p")
        for k in 0..<3 { try m.mapAnonymous(p, at: k * Self.gib, pages: 1, permissions: rw, shared: false, name: "r\(k)") }
        #expect(try m.write(p, vpn: 0, value: 1) == .value(1))
        #expect(try m.write(p, vpn: Self.gib, value: 2) == .value(2))
        #expect(m.stats.used == 8 && m.stats.pageTableFrames == 6 && m.stats.anonymous == 2)
        #expect(try m.write(p, vpn: 2 * Self.gib, value: 3) == .killed(.outOfMemory(vpn: 2 * Self.gib)))
        #expect(m.stats.used == 0, "the dead process's tables and pages are all freed")
        #expect(m.check() == [])
    }

    /// munmap frees the tables no region overlaps (PUD, PMD, PTE: 3 frames), exit the PGD too.
    @Test func unmapAndExitFreeTheTableFrames() throws {
        var m = Self.machine(frames: 8)
        let p = try Self.spawnWithOnePage(&m)
        try m.unmap(p, at: 16, pages: 1)
        #expect(m.stats.used == 1 && m.stats.pageTableFrames == 1)
        #expect(m.check() == [])
        try m.exit(p)
        #expect(m.stats.used == 0)
        #expect(m.check() == [])
    }

    /// p holds 5 frames; the child needs PGD + PUD + PMD + PTE = 4: with 3 free fork fails and
    /// changes nothing; with 9 frames it takes frames 5-8.
    @Test func forkNeedsFramesForTheChildsTables() throws {
        var m = Self.machine(frames: 8)
        let p = try Self.spawnWithOnePage(&m)
        #expect(throws: EngineError.outOfMemory(needed: 4, free: 3)) { try m.fork(p, childName: "c") }
        #expect(m.stats.processes == 1 && m.stats.used == 5)
        #expect(m.check() == [])

        var n = Self.machine(frames: 9)
        let q = try Self.spawnWithOnePage(&n, name: "q")
        let c = try n.fork(q, childName: "c")
        #expect(n.stats.used == 9 && n.stats.pageTableFrames == 8 && n.stats.free == 0)
        #expect(n.pageTablePagesList(of: c).map(\.id) == [5, 6, 7, 8])
        #expect(n.check() == [])
        try n.exit(c)
        #expect(n.stats.used == 5)
        #expect(n.check() == [])
    }

    /// spawn needs a frame for the PGD.
    @Test func spawnNeedsAFrameForTheTopTable() throws {
        var m = Self.machine(frames: 1)
        _ = try m.spawn(name: "a")
        #expect(throws: EngineError.outOfMemory(needed: 1, free: 0)) { try m.spawn(name: "b") }
        #expect(m.stats.processes == 1)
        #expect(m.check() == [])
    }

    /// With swap, a fault's table takes a reclaimed data frame; tables are never reclaimed.
    /// 7 frames: page 0 takes tables 0-3 and frame 4; the page at 1 GiB takes PMD 5, PTE 6, and
    /// its page needs reclaim: the only reclaimable frame is 4 (page 0 goes to swap slot 0).
    @Test func reclaimPassesOverTableFrames() throws {
        var m = Self.machine(frames: 7, swap: 8)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0, pages: 1, permissions: rw, shared: false, name: "a")
        try m.mapAnonymous(p, at: Self.gib, pages: 1, permissions: rw, shared: false, name: "b")
        _ = try m.write(p, vpn: 0, value: 1)
        #expect(try m.write(p, vpn: Self.gib, value: 2) == .value(2))
        #expect(Self.kinds(m) == [0: .pageTable, 1: .pageTable, 2: .pageTable, 3: .pageTable, 4: .anonymous,
                                  5: .pageTable, 6: .pageTable])
        #expect(m.stats.swapUsed == 1)
        #expect(try m.read(p, vpn: 0) == .value(1), "page 0 comes back from swap, into frame 4 (page b goes out)")
        #expect(Self.kinds(m)[4] == .anonymous && m.stats.pageTableFrames == 6)
        #expect(m.check() == [])
    }
}
