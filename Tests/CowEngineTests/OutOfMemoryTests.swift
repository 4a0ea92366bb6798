import Testing
@testable import CowEngine

/// Running out of frames: eager fork fails cleanly, faults kill the faulting process.
@Suite("Out of memory")
struct OutOfMemoryTests {
    /// 96 frames; P holds 64 of them (two thirds).
    func twoThirdsFull(_ profile: Profile, _ mode: ForkMode) throws -> (Machine, PID) {
        var m = machine(profile, frames: 96, forkMode: mode)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x140, base: 1)
        return (m, p)
    }

    @Test("eager fork of two thirds of memory fails and changes nothing", arguments: Profile.allCases)
    func eagerForkFailsCleanly(profile: Profile) throws {
        var (m, p) = try twoThirdsFull(profile, .eager)
        _ = m.takeEvents()
        let stats = m.stats, frames = m.usedFrames, table = m.pageTable(of: p), processes = m.processes
        #expect(throws: EngineError.outOfMemory(needed: 64, free: 32)) { try m.fork(p, childName: "C") }
        #expect(m.stats == stats)
        #expect(m.usedFrames == frames)
        #expect(m.pageTable(of: p) == table)
        #expect(m.processes.count == processes.count)
        #expect(m.takeEvents().isEmpty)
        expectConsistent(m)
        // The pid counter did not move: the next process is pid 2.
        #expect(try m.spawn(name: "next") == 2)
        // The message explains.
        #expect(EngineError.outOfMemory(needed: 64, free: 32).description.contains("64"))
    }

    @Test("copy-on-write fork of the same process succeeds and uses no frame", arguments: Profile.allCases)
    func cowForkSucceeds(profile: Profile) throws {
        var (m, p) = try twoThirdsFull(profile, .copyOnWrite)
        let c = try m.fork(p, childName: "C")
        #expect(m.stats.used == 64)
        #expect(m.stats.savedBySharing == 64)   // 128 resident pages in 64 frames
        try expectValues(&m, c, 0x100..<0x140, ramp(1, 64))
        expectConsistent(m)
    }

    @Test("eager fork with just enough frames copies every private page")
    func eagerForkFits() throws {
        var m = machine(.linux, frames: 128, forkMode: .eager)
        let p = try m.spawn(name: "P")
        try m.mapAnonymous(p, at: 0x100, pages: 64, permissions: rw, shared: false, name: "heap")
        try writeEach(&m, p, 0x100..<0x140, base: 1)
        _ = m.takeEvents()
        let c = try m.fork(p, childName: "C")
        #expect(m.takeEvents() == [.forked(parent: p, child: c, entriesCopied: 64, framesCopied: 64, vfork: false)])
        #expect(m.stats.free == 0)
        // Every page private again: Pss 64 each, no copy-on-write faults later.
        expectUsage(m.usage(of: c), rss: 64, pss: frac(64), shDi: 0, prDi: 64, anon: 64)
        let step = try measured(&m, c) { try writeEach(&$0, c, 0x100..<0x140, base: 500) }
        #expect(step.faults == 0)
        try expectValues(&m, p, 0x100..<0x140, ramp(1, 64))
        expectConsistent(m)
    }

    @Test("a copy-on-write fault with no free frame kills the writer", arguments: Profile.allCases)
    func cowFaultKillsWriter(profile: Profile) throws {
        var (m, p) = try twoThirdsFull(profile, .copyOnWrite)
        let c = try m.fork(p, childName: "C")
        try m.mapAnonymous(c, at: 0x200, pages: 32, permissions: rw, shared: false, name: "more")
        try writeEach(&m, c, 0x200..<0x220, base: 0)
        #expect(m.stats.free == 0)
        _ = m.takeEvents()
        #expect(try m.write(p, vpn: 0x100, value: 5) == .killed(.outOfMemory(vpn: 0x100)))
        #expect(m.takeEvents() == [.outOfMemory(pid: p, vpn: 0x100)])
        #expect(m.process(p)?.state == .killed(.outOfMemory(vpn: 0x100)))
        #expect(throws: EngineError.processNotRunning(p, .killed(.outOfMemory(vpn: 0x100)))) {
            try m.read(p, vpn: 0x100)
        }
        expectConsistent(m)
        // The child is now the only mapper: its write reuses the frame, no frame needed.
        let step = try measured(&m, c) { try expectWrite(&$0, c, 0x100, 6) }
        #expect(step.faults == 1)
        #expect(step.copies == 0)
        #expect(m.process(c)?.counters.reuses == 1)
        expectConsistent(m)
    }

    @Test("a demand-zero fault with no free frame kills; a major fault too")
    func otherFaultsKill() throws {
        var m = machine(.textbook, frames: 4)
        let file = try m.addFile(name: "f", pages: 2, cached: false)
        let a = try m.spawn(name: "A")
        try m.mapAnonymous(a, at: 0, pages: 8, permissions: rw, shared: false, name: "heap")
        _ = try m.read(a, vpns: 0..<4)
        #expect(try m.read(a, vpn: 4) == .killed(.outOfMemory(vpn: 4)))
        #expect(m.stats.used == 0)   // the victim's frames came back
        let b = try m.spawn(name: "B")
        try m.mapAnonymous(b, at: 0, pages: 4, permissions: rw, shared: false, name: "heap")
        try m.mapFile(b, file: file, offset: 0, at: 0x10, pages: 2, permissions: [.read], shared: false, name: "f")
        try writeEach(&m, b, 0..<4, base: 0)
        #expect(try m.read(b, vpn: 0x10) == .killed(.outOfMemory(vpn: 0x10)))
        expectConsistent(m)
    }

    @Test("caching a file that does not fit fails and changes nothing")
    func cachedFileTooBig() throws {
        var m = machine(.linux, frames: 8)
        #expect(throws: EngineError.outOfMemory(needed: 9, free: 8)) { try m.addFile(name: "big", pages: 9, cached: true) }
        #expect(m.files.isEmpty)
        #expect(m.stats.used == 0)
        expectConsistent(m)
    }
}
