import Testing
@testable import CowEngine

/// Issue 14: with `profile textbook`, C frames, swap large enough, one process with one private
/// anonymous region and a write trace, faults equal the misses of OSTEP's paging-policy.py -C C.
/// Expected figures are worked by hand (see ReplacementPolicyTests for the step-by-step states).
@Suite("OSTEP identity: trace faults equal paging-policy.py misses")
struct OSTEPIdentityTests {
    func faultsOf(_ policy: ReplacementPolicy, frames: Int, _ refs: [Int]) throws -> (faults: Int, summary: TraceSummary, m: Machine) {
        var config = MachineConfig(frames: frames, pageSize: 4096, profile: .textbook, forkMode: .copyOnWrite)
        config.swapPages = 64
        var m = Machine(config: config)
        m.setReplacementPolicy(policy)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x100, pages: 16, permissions: rw, shared: false, name: "heap")
        let s = try m.trace(p, base: 0x100, pages: refs, write: true)
        return (faults(m, p), s, m)
    }

    static let belady = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]
    static let ostep = [0, 1, 2, 0, 1, 3, 0, 3, 1, 2, 1]

    @Test("Belady's anomaly end to end: FIFO 9 faults with 3 frames, 10 with 4")
    func belady() throws {
        #expect(try faultsOf(.fifo, frames: 3, Self.belady).faults == 9)
        #expect(try faultsOf(.fifo, frames: 4, Self.belady).faults == 10)
    }

    @Test("FIFO, LRU, OPT on OSTEP's string and Belady's (hand-worked misses)")
    func identity() throws {
        let cases: [(ReplacementPolicy, Int, [Int], Int)] = [
            (.fifo, 3, Self.ostep, 7), (.lru, 3, Self.ostep, 5), (.opt, 3, Self.ostep, 5),
            (.lru, 3, Self.belady, 10), (.lru, 4, Self.belady, 8), (.opt, 3, Self.belady, 7), (.opt, 4, Self.belady, 6),
        ]
        for (policy, frames, refs, misses) in cases {
            let r = try faultsOf(policy, frames: frames, refs)
            #expect(r.faults == misses, "\(policy) with \(frames) frames")
            #expect(r.summary.misses == misses && r.summary.hits == refs.count - misses, "\(policy) with \(frames) frames")
            expectConsistent(r.m)
        }
    }

    @Test("every miss after the first C is a swap-in (major) or a first touch; values survive swapping")
    func values() throws {
        var (_, s, m) = try faultsOf(.lru, frames: 3, Self.belady)
        // Pages 1-5 first touched once each (5 minor faults); the other 5 misses read back from swap.
        #expect(s.majorFaults == 5)
        for page in 1...5 { #expect(try m.read(1, vpn: 0x100 + page) == .value(Int64(page))) }
    }
}
