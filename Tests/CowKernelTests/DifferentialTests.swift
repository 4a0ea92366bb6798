import CowEngine
import CowKernel
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Random scripts in the supported subset (a few processes, fork, reads, writes, exits, advise,
/// protect over private/shared anonymous and private/shared file mappings of cached files) run
/// on the simulator (`linux` profile) and on the host kernel; every figure is compared after
/// every step. Seeded, bounded: 100 scripts of 12 steps.
@Suite(.serialized, .enabled(if: onLinuxAsRoot, "needs Linux and root"), .timeLimit(.minutes(5)))
struct DifferentialTests {
    @Test func randomScriptsAgreeWithTheKernel() throws {
        var all: [Disagreement] = []
        let only = getenv("COWK_DIFF_SEED").flatMap { Int(String(cString: $0)) }
        for seed in only.map({ [$0] }) ?? Array(1...100) {
            // COWK_DIFF_KINDS=all explores shared and file mappings too (not yet in CI: see the report of issue 12)
            let kinds: [Differential.Kind] = getenv("COWK_DIFF_KINDS") != nil ? Differential.Kind.allCases : [.anonPrivate]
            var script = Differential(seed: UInt64(seed), kinds: kinds)
            all += try script.run()
        }
        // Rules 8 (Pss fixed point) and 11 (zero-page-only regions not copied at fork), once
        // recorded here as known issues, are modelled now: every disagreement fails.
        #expect(all.isEmpty, "\(all.count) disagreements:\n\(all.prefix(20).map(\.description).joined(separator: "\n"))")
    }
}

struct Disagreement: CustomStringConvertible {
    var seed: UInt64
    var step: String
    var process: String
    var region: String
    var figure: String
    var sim: String
    var kernel: String
    var description: String { "seed \(seed) after `\(step)`: \(process) \(region) \(figure): sim \(sim), kernel \(kernel)" }
}

/// SplitMix64: deterministic scripts from a seed.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

struct Differential {
    enum Kind: CaseIterable { case anonPrivate, anonShared, filePrivate, fileShared }
    struct RegionPlan {
        var name: String
        var vpn: Int
        var pages: Int
        var kind: Kind
        var writable: Bool
        var address: UInt64 { UInt64(vpn) * 4096 }
    }

    let seed: UInt64
    let kinds: [Kind]
    var rng: SplitMix

    init(seed: UInt64, kinds: [Kind]) {
        self.seed = seed
        self.kinds = kinds
        rng = SplitMix(state: seed)
    }

    mutating func run() throws -> [Disagreement] {
        var machine = Machine(config: MachineConfig(frames: 4096, pageSize: 4096, profile: .linux))
        let host = try makeHost()
        defer { host.shutdown() }
        var regions: [RegionPlan] = []
        for k in 0..<rng.int(1...3) {
            let kind = kinds[rng.int(0...(kinds.count - 1))]
            let writable = kind == .filePrivate ? rng.int(0...1) == 1 : true
            regions.append(RegionPlan(name: "r\(k)", vpn: 0x1000 * (k + 1), pages: rng.int(1...40), kind: kind, writable: writable))
        }
        let simP = try machine.spawn(name: "P")
        let p = try host.spawn("P")
        for r in regions {
            let perms: Permissions = r.writable ? [.read, .write] : [.read]
            let kperms: KernelPermissions = r.writable ? .readWrite : .read
            switch r.kind {
            case .anonPrivate, .anonShared:
                let shared = r.kind == .anonShared
                try machine.mapAnonymous(simP, at: r.vpn, pages: r.pages, permissions: perms, shared: shared, name: r.name)
                try host.map(p, at: r.address, pages: r.pages, backing: .anonymous, permissions: kperms, shared: shared)
            case .filePrivate, .fileShared:
                let shared = r.kind == .fileShared
                let fileID = try machine.addFile(name: "f" + r.name, pages: r.pages, cached: true)
                let file = try host.createFile("f" + r.name, pages: r.pages, cached: true)
                try machine.mapFile(simP, file: fileID, offset: 0, at: r.vpn, pages: r.pages, permissions: perms, shared: shared, name: r.name)
                try host.map(p, at: r.address, pages: r.pages, backing: .file(file, offset: 0), permissions: kperms, shared: shared)
            }
        }
        var live: [(sim: PID, kernel: KernelProcess)] = [(simP, p)]
        var found: [Disagreement] = []
        var names = 0
        var steps: [String] = regions.map { "map P \($0.kind) 0x\(String($0.address, radix: 16)) pages \($0.pages) \($0.writable ? "rw" : "r")" }
        defer { if getenv("COWK_DIFF_TRACE") != nil { print("seed \(seed):\n  " + steps.joined(separator: "\n  ")) } }
        for _ in 0..<12 where !live.isEmpty {
            let actor = live[rng.int(0...(live.count - 1))]
            let r = regions[rng.int(0...(regions.count - 1))]
            let first = rng.int(0...(r.pages - 1))
            let count = rng.int(1...(r.pages - first))
            let address = r.address + UInt64(first) * 4096
            let simBefore = machine.process(actor.sim)?.counters ?? ProcessCounters()
            let kernelBefore = host.counters(actor.kernel)
            var step = ""
            var simValues: [Int64]? = nil, kernelValues: [Int64]? = nil
            var simKilled = false, kernelKilled = false
            var roll = rng.int(0...99)
            let mapped = machine.process(actor.sim)?.regions.contains { $0.start <= r.vpn + first && r.vpn + first + count <= $0.end } ?? false
            if roll >= 82 && !mapped { roll = 40 }  // protect and advise need the range mapped (dontfork children)
            if roll < 30 {
                let value = Int64(rng.int(1...1000))
                step = "write \(actor.kernel.name) 0x\(String(address, radix: 16)) pages \(count) \(value)"
                if case .killed = try machine.write(actor.sim, vpns: (r.vpn + first)..<(r.vpn + first + count), value: value) { simKilled = true }
                kernelKilled = try host.write(actor.kernel, at: address, pages: count, value: value).killedBy != nil
            } else if roll < 55 {
                step = "read \(actor.kernel.name) 0x\(String(address, radix: 16)) pages \(count)"
                let sim = try machine.read(actor.sim, vpns: (r.vpn + first)..<(r.vpn + first + count))
                simValues = sim.values
                simKilled = sim.killed != nil
                let k = try host.read(actor.kernel, at: address, pages: count)
                kernelValues = k.values
                kernelKilled = k.killedBy != nil
            } else if roll < 72 && live.count < 4 {
                names += 1
                step = "fork \(actor.kernel.name) as C\(names)"
                let simChild = try machine.fork(actor.sim, childName: "C\(names)")
                let child = try host.fork(actor.kernel, as: "C\(names)")
                live.append((simChild, child))
            } else if roll < 82 && live.count > 1 {
                step = "exit \(actor.kernel.name)"
                try machine.exit(actor.sim)
                try host.exit(actor.kernel)
                live.removeAll { $0.kernel == actor.kernel }
            } else if roll < 91 {
                // advice for the whole region (the simulator keeps advice per region)
                // the simulator's `normal` undoes dontfork and wipeonfork: MADV_DOFORK and
                // MADV_KEEPONFORK do that on Linux (MADV_NORMAL only resets read-ahead hints)
                let choices: [(Advice, [KernelAdvice])] = r.kind == .anonPrivate
                    ? [(.normal, [.normal, .doFork, .keepOnFork]), (.dontFork, [.dontFork]), (.wipeOnFork, [.wipeOnFork])]
                    : [(.normal, [.normal, .doFork]), (.dontFork, [.dontFork])]
                let (advice, kernelAdvices) = choices[rng.int(0...(choices.count - 1))]
                step = "advise \(actor.kernel.name) 0x\(String(r.address, radix: 16)) pages \(r.pages) \(advice.rawValue)"
                try machine.advise(actor.sim, at: r.vpn, pages: r.pages, advice: advice)
                do { for a in kernelAdvices { try host.advise(actor.kernel, at: r.address, pages: r.pages, a) } } catch {
                    found.append(Disagreement(seed: seed, step: step, process: actor.kernel.name, region: r.name, figure: "error", sim: "none", kernel: "\(error)"))
                }
            } else {
                let writable = r.writable && rng.int(0...1) == 1
                step = "protect \(actor.kernel.name) 0x\(String(address, radix: 16)) pages \(count) \(writable ? "rw" : "r")"
                try machine.protect(actor.sim, at: r.vpn + first, pages: count, permissions: writable ? [.read, .write] : [.read])
                do { try host.protect(actor.kernel, at: address, pages: count, writable ? .readWrite : .read) } catch {
                    found.append(Disagreement(seed: seed, step: step, process: actor.kernel.name, region: r.name, figure: "error", sim: "none", kernel: "\(error)"))
                }
            }
            steps.append(step)
            func note(_ process: String, _ region: String, _ figure: String, _ sim: String, _ kernel: String) {
                found.append(Disagreement(seed: seed, step: step, process: process, region: region, figure: figure,
                                          sim: sim, kernel: kernel))
            }
            if simKilled != kernelKilled { note(actor.kernel.name, "-", "killed", "\(simKilled)", "\(kernelKilled)") }
            if simKilled || kernelKilled { live.removeAll { $0.kernel == actor.kernel } }
            if let simValues, let kernelValues, simValues != kernelValues {
                note(actor.kernel.name, r.name, "values", "\(simValues)", "\(kernelValues)")
            }
            let simAfter = machine.process(actor.sim)?.counters ?? simBefore
            let kernelAfter = host.counters(actor.kernel)
            let simFaults = simAfter.faults - simBefore.faults
            let kernelFaults = kernelAfter.minor + kernelAfter.major - kernelBefore.minor - kernelBefore.major
            if simFaults != kernelFaults { note(actor.kernel.name, "-", "faults", "\(simFaults)", "\(kernelFaults)") }
            if !kernelKilled && simAfter.copies - simBefore.copies != kernelAfter.copies - kernelBefore.copies {
                note(actor.kernel.name, "-", "copies", "\(simAfter.copies - simBefore.copies)", "\(kernelAfter.copies - kernelBefore.copies)")
            }
            for process in live {
                let figures = try host.smaps(process.kernel, ranges: regions.map { ($0.address, $0.address + UInt64($0.pages) * 4096) })
                for (r, kernel) in zip(regions, figures) {
                    let sim = machine.usage(of: process.sim, region: r.name) ?? Usage()
                    let pairs: [(String, Int, Int)] = [
                        ("Rss", sim.rss * 4, kernel.rss), ("Pss", sim.smapsPssKiB, kernel.pss),
                        ("Shared_Clean", sim.sharedClean * 4, kernel.sharedClean),
                        ("Shared_Dirty", sim.sharedDirty * 4, kernel.sharedDirty),
                        ("Private_Clean", sim.privateClean * 4, kernel.privateClean),
                        ("Private_Dirty", sim.privateDirty * 4, kernel.privateDirty),
                        ("Anonymous", sim.anonymous * 4, kernel.anonymous),
                    ]
                    for (figure, s, k) in pairs where s != k {
                        note(process.kernel.name, "\(r.name) (\(r.kind))", figure + " kB", "\(s)", "\(k)")
                    }
                }
            }
        }
        return found
    }
}
