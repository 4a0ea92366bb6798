import Testing
import PropertyBased
@testable import CowEngine

/// The random operation sequences of `PropertyTests` on small machines with swap: reclaim and
/// swap-in must never change a value any process reads (the model knows nothing of swap), and
/// `check()` (swap counts, swap-cache links included) must hold after every step.
@Suite("Property-based: random sequences under memory pressure with swap")
struct SwapPropertyTests {
    /// A run whose machine has `frames` frames and `swap` pages of swap, with the usual files.
    static func swapRun(_ profile: Profile, _ mode: ForkMode, frames: Int, swap: Int) throws -> RandomRun {
        var run = try RandomRun(profile: profile, mode: mode, frames: max(frames, 16), flipsBehaviours: false)
        var config = MachineConfig(frames: frames, pageSize: 4096, profile: profile, forkMode: mode)
        config.swapPages = swap
        run.m = Machine(config: config)
        // Page-cache files as RandomRun makes them; `cached` only if it fits (it is reclaimable).
        _ = try run.m.addFile(name: "cached", pages: 8, cached: frames >= 8)
        _ = try run.m.addFile(name: "disk", pages: 24, cached: false)
        _ = try run.m.addLibrary(name: "lib", textPages: 6, dataPages: 3, cached: false)
        run.m.recordsEvents = false
        return run
    }

    /// The model does not know the out-of-memory killer: processes it chose die in the model too.
    static func syncKills(_ run: inout RandomRun) {
        for pid in run.model.alive {
            if case .killed(.oomVictim) = run.m.process(pid)?.state { run.model.kill(pid) }
        }
    }

    /// `RandomRun.sweep`, except that a read may make the out-of-memory killer take another
    /// process (then the model learns it before that process is read).
    static func sweep(_ run: inout RandomRun) {
        for pid in run.model.running {
            let pages = (run.model.spaces[run.model.space(pid)] ?? [:]).keys.sorted()
            for v in pages {
                syncKills(&run)
                guard run.model.isRunning(pid) else { break }
                guard let engine = try? run.m.read(pid, vpn: v) else {
                    run.fail("sweep read of \(pid):\(v) threw")
                    return
                }
                _ = run.compare("sweep \(pid):\(v)", pid, engine: engine, model: run.model.read(pid, v))
            }
        }
        syncKills(&run)
    }

    static func run(_ profile: Profile, _ mode: ForkMode, frames: Int, swap: Int, ops: [UInt64]) throws -> String? {
        var run = try swapRun(profile, mode, frames: frames, swap: swap)
        for (index, op) in ops.enumerated() {
            run.step(op)
            syncKills(&run)
            let problems = run.m.check()
            if !problems.isEmpty { run.fail("invariants broken after step \(index): \(problems.prefix(3))") }
            if let failure = run.failure { return "step \(index) (op \(op)): \(failure)" }
        }
        sweep(&run)
        if let failure = run.failure { return "sweep: \(failure)" }
        run.exitAll()
        if run.m.swapUsed != 0 { run.fail("\(run.m.swapUsed) swap slots still used after every process ended") }
        return run.failure
    }

    @Test("values survive reclaim and swap; invariants hold", arguments: PropertyTests.configurations)
    func randomSequencesWithSwap(profile: Profile, mode: ForkMode) async throws {
        // Fewer and shorter runs than PropertyTests: the suite must stay quick (each run still
        // reclaims, since 4 to 40 frames fill up fast).
        await propertyCheck(count: 25, input: Gen.int(in: 4...40), Gen.int(in: 1...64),
                            Gen.uint64(in: 0...UInt64.max).array(of: 20...150)) { frames, swap, ops in
            let failure = try SwapPropertyTests.run(profile, mode, frames: frames, swap: swap, ops: ops)
            #expect(failure == nil)
        }
    }

    @Test("random runs with swap reach reclaim of every kind, both swap-ins and the out-of-memory killer")
    func coverage() throws {
        var rng = SplitMix64(seed: 14)
        var seen = Set<String>()
        for (profile, mode) in PropertyTests.configurations {
            for _ in 0..<30 {
                var run = try SwapPropertyTests.swapRun(profile, mode, frames: Int(rng.next() % 24) + 4, swap: Int(rng.next() % 32) + 1)
                run.m.recordsEvents = true
                for _ in 0..<200 {
                    run.step(rng.next())
                    SwapPropertyTests.syncKills(&run)
                }
                #expect(run.failure == nil)
                for event in run.m.takeEvents() {
                    switch event {
                    case .reclaimed(_, .swappedOut(_, true), _, _): seen.insert("swap out")
                    case .reclaimed(_, .swappedOut(_, false), _, _): seen.insert("swap-cache drop")
                    case .reclaimed(_, .dropped(_, _, true), _, _): seen.insert("write back")
                    case .reclaimed(_, .dropped(_, _, false), _, _): seen.insert("drop clean")
                    case .swappedIn(_, _, _, _, true, _): seen.insert("major swap-in")
                    case .swappedIn(_, _, _, _, false, _): seen.insert("minor swap-in")
                    case .oomKilled(let victim, _, let pid, _): seen.insert(victim == pid ? "oom self" : "oom other")
                    default: break
                    }
                }
            }
        }
        #expect(seen == ["swap out", "swap-cache drop", "write back", "drop clean", "major swap-in", "minor swap-in",
                         "oom self", "oom other"], "\(seen.sorted())")
    }
}
