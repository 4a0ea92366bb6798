import Testing
@testable import CowEngine

// mremap moves entries with the region (issue 11, conformance rule 16); figures by hand.
@Suite("mremap")
struct MremapTests {
    @Test("moving a range keeps frames and mapcounts; reading the moved pages takes no fault", arguments: Profile.allCases)
    func move(profile: Profile) throws {
        var m = machine(profile)
        let f = try m.addFile(name: "f", pages: 4, cached: true)        // frames 0-3
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: false, name: "buf")
        try m.mapFile(p, file: f, offset: 0, at: 0x200, pages: 4, permissions: [.read], shared: false, name: "f")
        try writeEach(&m, p, 0x100..<0x104, base: 1)                    // frames 4-7
        try expectValues(&m, p, 0x200..<0x204, [0, 0, 0, 0])
        let c = try m.fork(p, childName: "C")
        try expectValues(&m, c, 0x100..<0x104, [1, 2, 3, 4])
        // Frame 0 (file page 0): mapped by P, and by C too unless fork-skip (linux) left C's entries out.
        let fileMapcount = profile == .linux ? 1 : 2
        #expect(m.frame(0)?.mapcount == fileMapcount)
        try m.mremap(p, at: 0x102, pages: 2, to: 0x900)
        try m.mremap(p, at: 0x200, pages: 4, to: 0x400)
        #expect(m.process(p)?.regions.map(\.start) == [0x100, 0x400, 0x900])
        #expect(m.process(p)?.regions.last?.pages == 2)
        #expect(m.entry(p, vpn: 0x900)?.frame == 6 && m.entry(p, vpn: 0x901)?.frame == 7)
        #expect(m.frame(6)?.mapcount == 2 && m.frame(0)?.mapcount == fileMapcount)
        #expect(try measured(&m, p) { try expectValues(&$0, p, 0x900..<0x902, [3, 4]) } == (0, 0))
        #expect(try measured(&m, p) { try expectValues(&$0, p, 0x400..<0x404, [0, 0, 0, 0]) } == (0, 0))
        #expect(m.process(p)?.regions[1].backing == .file(f, offset: 0))
        #expect(try m.read(p, vpn: 0x102) == .killed(.segfault(vpn: 0x102, .unmapped)))
        expectConsistent(m)
    }

    @Test("an occupied target, a range over several regions or a hole is refused, changing nothing")
    func refusals() throws {
        var m = machine(.linux)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 4, permissions: rw, shared: false, name: "a")
        try m.mapAnonymous(p, at: 0x104, pages: 4, permissions: rw, shared: false, name: "b")
        try writeEach(&m, p, 0x100..<0x108, base: 1)
        let before = m.process(p)
        #expect(throws: EngineError.overlaps(pid: p, region: "b")) { try m.mremap(p, at: 0x100, pages: 2, to: 0x107) }
        #expect(throws: EngineError.overlaps(pid: p, region: "a")) { try m.mremap(p, at: 0x100, pages: 2, to: 0x101) }
        #expect(throws: EngineError.self) { try m.mremap(p, at: 0x102, pages: 4, to: 0x900) }
        #expect(throws: EngineError.notMapped(pid: p, vpn: 0x108)) { try m.mremap(p, at: 0x106, pages: 4, to: 0x900) }
        #expect(m.process(p) == before)
        expectConsistent(m)
    }
}
