import Testing
@testable import CowEngine

@Suite("Reference-string traces (engine)")
struct TraceTests {
    @Test("next uses: each position points at the next access to the same page")
    func nextUses() {
        // 1 2 1 3 2 1 -> 1@0 next 2, 2@1 next 4, 1@2 next 5, 3 never, 2 never, 1 never.
        #expect(Machine.nextUses([1, 2, 1, 3, 2, 1]) == [2, 4, 5, nil, nil, nil])
    }

    @Test("with room for every page: misses are the distinct pages, the rest hits; steps in LRU order")
    func hitsAndMisses() throws {
        var m = machine(.textbook, frames: 8)
        m.trackReplacement(true)
        m.setReplacementPolicy(.lru)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x100, pages: 8, permissions: rw, shared: false, name: "heap")
        _ = m.takeEvents()
        var steps: [TraceStep] = []
        let s = try m.trace(p, base: 0x100, pages: [0, 1, 2, 0, 1, 3], write: true) { steps.append($0) }
        #expect(s.accesses == 6 && s.misses == 4 && s.hits == 2 && s.majorFaults == 0 && s.killed == nil)
        #expect(faults(m, p) == 4)
        #expect(steps.map(\.hit) == [false, false, false, true, true, false])
        #expect(steps[3].resident == [1, 2, 0])
        #expect(steps[5].resident == [2, 0, 1, 3])
        #expect(steps.allSatisfy { $0.replaced.isEmpty })
        // The faults' events are not kept; each page holds its page number.
        #expect(m.takeEvents().isEmpty)
        #expect(try m.read(p, vpn: 0x103) == .value(3))
        expectConsistent(m)
    }

    @Test("a trace stops at a kill and reports it; the kill's event stays")
    func stopsAtKill() throws {
        var m = machine(.textbook, frames: 8)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x100, pages: 2, permissions: rw, shared: false, name: "heap")
        _ = m.takeEvents()
        let s = try m.trace(p, base: 0x100, pages: [0, 1, 5, 0], write: false)
        // Pages 0 and 1 are misses; the access to page 5 faults and is killed: a miss, not a hit.
        #expect(s.accesses == 3 && s.misses == 3 && s.hits == 0)
        #expect(s.killed == .segfault(vpn: 0x105, .unmapped))
        let events = m.takeEvents()
        #expect(events.first == .segfault(pid: p, vpn: 0x105, reason: .unmapped))
        #expect(!events.contains { Machine.isAccessEvent($0) })
    }

    @Test("bad traces are refused before any access")
    func refused() throws {
        var m = machine(.textbook, frames: 8)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x100, pages: 2, permissions: rw, shared: false, name: "heap")
        #expect(throws: EngineError.self) { try m.trace(p, base: 0x100, pages: [0, -1], write: true) }
        #expect(throws: EngineError.self) { try m.trace(p, base: 0x100, pages: [Int.max], write: true) }
        #expect(throws: EngineError.self) {
            try m.trace(p, base: 0x100, pages: [Int](repeating: 0, count: Machine.maxTraceLength + 1), write: true)
        }
        #expect(faults(m, p) == 0)
    }
}
