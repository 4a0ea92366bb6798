import Testing
@testable import CowEngine

/// The trace's miss path after issue 14's speed work: the shortcuts it takes (the frame a swap-in
/// mapped is told to the policy instead of looked up again, the access's region reused after the
/// fault) must leave the policy's order exactly as before. Orders written [next to go, ..., newest].
@Suite("Miss path shortcuts keep the replacement order")
struct MissPathTests {
    @Test("a minor swap-in (from the swap cache) counts as a reference: LRU moves the frame to the back")
    func minorSwapInIsAReference() throws {
        var (m, p, c) = try SwapTests().sharedHeap()     // LRU [0, 1, 2, 3], memory full
        _ = try m.write(p, vpn: 0x22, value: 22)         // frame 0 (heap 0x10) -> slot 0; frame 0 holds 0x22: [1, 2, 3, 0]
        _ = try m.read(c, vpn: 0x10)                     // frame 1 (heap 0x11) -> slot 1; slot 0 read into frame 1: [2, 3, 0, 1]
        #expect(m.replacement.evictionOrder() == [2, 3, 0, 1])
        _ = try m.read(p, vpn: 0x20)                     // hits: frame 2, then frame 3, to the back
        _ = try m.read(p, vpn: 0x21)
        #expect(m.replacement.evictionOrder() == [0, 1, 2, 3])
        // P reads 0x10: slot 0's page is in the swap cache (frame 1): a minor fault, no frame
        // allocated, so only the reference after the fault moves frame 1 to the back.
        let p0 = m.process(p)!.counters
        #expect(try m.read(p, vpn: 0x10) == .value(10))
        #expect(m.process(p)!.counters.minorFaults == p0.minorFaults + 1)
        #expect(m.replacement.evictionOrder() == [0, 2, 3, 1])
        // C writes its own (empty) 0x20: demand zero needs a frame; reclaim takes frame 0 (P's
        // 0x22) to slot 0, the lowest free, and frame 0 comes back for C: frame 2 is next, not 1.
        _ = try m.write(c, vpn: 0x20, value: 7)
        #expect(m.swapEntries(of: p).map(\.vpn) == [0x11, 0x22])
        #expect(m.replacement.evictionOrder() == [2, 3, 1, 0])
        expectConsistent(m)
    }
}
