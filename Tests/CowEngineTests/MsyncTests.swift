import Testing
@testable import CowEngine

// Write notification and msync on shared file mappings (issue 11, conformance rule 13). Figures
// worked out by hand in the comments.
@Suite("msync and write notification")
struct MsyncTests {
    @Test("linux: reads map shared file pages read-only, the first write faults once without a copy, msync write-protects again")
    func linuxWriteNotify() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 4, cached: true)   // frames 0-3
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 4, permissions: rw, shared: true, name: "f")
        // One read fault maps all 4 (fault-around), every entry read-only and clean.
        #expect(try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x101, [0]) } == (1, 0))
        #expect(m.pageTable(of: p).allSatisfy { !$0.entry.flags.contains(.writable) && !$0.entry.flags.contains(.dirty) })
        // First write: 1 minor fault, no copy, same frame; a second write to it: no fault.
        #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x100, 5) } == (1, 0))
        #expect(m.entry(p, vpn: 0x100) == PageTableEntry(frame: 0, flags: [.present, .writable, .user, .dirty, .accessed]))
        #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x100, 6) } == (0, 0))
        #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x101, 7) } == (1, 0))
        #expect(m.process(p)?.counters.majorFaults == 0)
        expectUsage(m.usage(of: p, region: "f"), rss: 4, pss: frac(4), shDi: 0, prCl: 2, prDi: 2, anon: 0)
        // A child (fork-skip: no entries) writes page 2: a write fault on a missing page maps it writable, 1 fault.
        let c = try m.fork(p, childName: "C")
        #expect(try measured(&m, c) { try expectWrite(&$0, c, 0x102, 8) } == (1, 0))
        // msync by P writes back frames 0, 1, 2 (page 2 dirtied through C's mapping of the same file pages).
        #expect(try m.msync(p, at: 0x100, pages: 4) == 3)
        #expect((0..<4).allSatisfy { m.frame($0)?.dirty == false })
        #expect(m.entry(p, vpn: 0x100) == PageTableEntry(frame: 0, flags: [.present, .user, .accessed]))
        #expect(m.entry(c, vpn: 0x102) == PageTableEntry(frame: 2, flags: [.present, .user, .accessed]))
        // P: frames 0, 1, 3 alone, frame 2 with C: Pss 3 + 1/2, all clean.
        expectUsage(m.usage(of: p, region: "f"), rss: 4, pss: frac(7, 2), shCl: 1, shDi: 0, prCl: 3, prDi: 0, anon: 0)
        // The next write by either faults again (1 each), still no copy.
        #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x100, 9) } == (1, 0))
        #expect(try measured(&m, c) { try expectWrite(&$0, c, 0x102, 10) } == (1, 0))
        // Written back: a second msync writes only the two pages dirtied since.
        #expect(try m.msync(c, at: 0x100, pages: 4) == 2)
        expectConsistent(m)
    }

    @Test("linux: mprotect back to rw keeps clean shared file pages read-only")
    func protectKeepsCleanPagesReadOnly() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 2, cached: true)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 2, permissions: rw, shared: true, name: "f")
        try expectWrite(&m, p, 0x100, 1)                 // dirty, writable
        _ = try m.read(p, vpn: 0x101)                     // clean, read-only
        try m.protect(p, at: 0x100, pages: 2, permissions: [.read])
        try m.protect(p, at: 0x100, pages: 2, permissions: rw)
        #expect(m.entry(p, vpn: 0x100)?.flags.contains(.writable) == true)
        #expect(m.entry(p, vpn: 0x101)?.flags.contains(.writable) == false)
        #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x101, 2) } == (1, 0))
        expectConsistent(m)
    }

    @Test("textbook: no write notification; msync cleans the page and the entry but leaves it writable")
    func textbook() throws {
        var m = machine(.textbook)
        let f = try m.addFile(name: "f", pages: 2, cached: true)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 2, permissions: rw, shared: true, name: "f")
        #expect(try measured(&m, p) { try expectValues(&$0, p, 0x100..<0x101, [0]) } == (1, 0))
        #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x100, 5) } == (0, 0))   // already writable
        #expect(try m.msync(p, at: 0x100, pages: 2) == 1)
        #expect(m.frame(0)?.dirty == false)
        #expect(m.entry(p, vpn: 0x100) == PageTableEntry(frame: 0, flags: [.present, .writable, .user, .accessed]))
        #expect(try measured(&m, p) { try expectWrite(&$0, p, 0x100, 6) } == (0, 0))
        #expect(m.frame(0)?.dirty == true)
        expectConsistent(m)
    }

    @Test("msync leaves private and anonymous mappings alone and refuses a hole, changing nothing")
    func privateAndHoles() throws {
        var m = machine(.linux)
        let f = try m.addFile(name: "f", pages: 2, cached: true)
        let p = try m.spawn(name: "P")
        try m.mapFile(p, file: f, offset: 0, at: 0x100, pages: 2, permissions: rw, shared: false, name: "f")
        try m.mapAnonymous(p, at: 0x102, pages: 2, permissions: rw, shared: true, name: "shm")
        try m.mapFile(p, file: f, offset: 0, at: 0x200, pages: 2, permissions: rw, shared: true, name: "fs")
        try writeEach(&m, p, 0x100..<0x104, base: 1)
        try expectWrite(&m, p, 0x200, 9)
        let before = m.process(p)
        #expect(throws: EngineError.notMapped(pid: p, vpn: 0x104)) { try m.msync(p, at: 0x100, pages: 5) }
        #expect(m.process(p) == before)
        #expect(try m.msync(p, at: 0x100, pages: 4) == 0)
        #expect(m.usage(of: p, region: "f")?.privateDirty == 2)
        #expect(m.usage(of: p, region: "shm")?.privateDirty == 2)
        #expect(try m.msync(p, at: 0x200, pages: 2) == 1)
        expectConsistent(m)
    }
}
