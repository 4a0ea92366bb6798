import CowEngine
import CowKernel
import CowLanguage
import CowTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Random scripts in the supported subset (a few processes; fork, reads, writes, exits, advise,
/// protect; private and shared anonymous and file mappings of cached files), written as script
/// text and run through the language with the kernel backend comparing: the simulator (profile
/// linux) and the kernel must agree on every figure after every statement. Seeded and bounded:
/// 100 scripts of 12 steps. (Rule 18 cannot show: every participant is pinned to one CPU.)
@Suite(.serialized, .enabled(if: onLinuxAsRoot, "needs Linux and root"), .timeLimit(.minutes(5)))
struct ComparePropertyTests {
    @Test func randomScriptsAgreeFigureByFigure() throws {
        let participant = try CowsimBinary.require()
        let only = getenv("COWK_COMPARE_SEED").flatMap { Int(String(cString: $0)) }
        var report: [String] = []
        var compared = 0
        for seed in only.map({ [$0] }) ?? Array(1...100) {
            // A disagreement must repeat to count: a loaded host can make one fault major (a
            // page cache folio briefly locked), a timing effect the simulator does not model.
            var outcome = try run(seed: seed, participant: participant)
            if !outcome.comparison.disagreements.isEmpty { outcome = try run(seed: seed, participant: participant) }
            compared += outcome.comparison.compared
            if !outcome.comparison.disagreements.isEmpty {
                report.append("seed \(seed):\n\(outcome.script)\n" + outcome.comparison.lines().joined(separator: "\n"))
            }
        }
        #expect(compared > 10_000, "only \(compared) figures compared")
        #expect(report.isEmpty, "\(report.count) scripts disagree:\n\(report.prefix(3).joined(separator: "\n\n"))")
    }
}

extension ComparePropertyTests {
    /// Runs the script of `seed`, step by step, with the kernel backend comparing.
    func run(seed: Int, participant: String) throws -> (comparison: Comparison, script: String) {
        let backend = try KernelBackend(options: .init(host: .init(participant: participant, stepTimeoutSeconds: 30), comparing: true))
        let sink = BufferSink()
        let session = Session(options: SessionOptions(showEvents: false), output: sink)
        session.attach(backend: backend)
        // Shared anonymous and file mappings: COWK_COMPARE_KINDS=all (not in CI: the
        // simulator's dirty accounting of shared pages disagrees, see the report of issue 12).
        var script = RandomScript(seed: UInt64(seed), kinds: getenv("COWK_COMPARE_KINDS") != nil ? [0, 1, 2, 3] : [0, 2])
        // Each step is chosen from the state the steps before left (who is alive, what is mapped).
        while let line = script.next(session.machine) {
            #expect(session.run(source: line, fileName: "seed\(seed).cow"), "seed \(seed): `\(line)` failed:\n\(sink.text)")
        }
        session.shutdownBackend()
        return (backend.comparison, script.lines.joined(separator: "\n"))
    }
}

/// A random script of the subset, from a seed (SplitMix64), one line at a time.
struct RandomScript {
    struct Plan { var name: String; var vpn: Int; var pages: Int; var kind: Int; var writable: Bool }
    var rng: SplitMix64
    var regions: [Plan] = []
    var setup: [String] = []
    var lines: [String] = []
    var steps = 0
    var names = 0

    init(seed: UInt64, kinds: [Int]) {
        rng = SplitMix64(seed: seed)
        setup = ["profile linux", "spawn P"]
        for k in 0..<rng.int(1...3) {
            let kind = kinds[rng.int(0...(kinds.count - 1))]  // 0 private anonymous, 1 shared anonymous, 2 private file, 3 shared file
            let r = Plan(name: "r\(k)", vpn: 0x1000 * (k + 1), pages: rng.int(1...40), kind: kind,
                         writable: kind == 2 ? rng.int(0...1) == 1 : true)
            regions.append(r)
            let at = "0x" + String(r.vpn * 4096, radix: 16)
            let perms = r.writable ? "rw" : "r"
            switch r.kind {
            case 0, 1: setup.append("map P anon \(at) pages \(r.pages) \(perms)\(r.kind == 1 ? " shared" : "") as \(r.name)")
            default:
                setup.append("file f\(r.name) pages \(r.pages) cached")
                setup.append("map P file f\(r.name) \(at) pages \(r.pages) \(perms)\(r.kind == 3 ? " shared" : "") as \(r.name)")
            }
        }
        setup.reverse()
    }

    /// The next line, given the machine the lines so far left; nil at the end.
    mutating func next(_ machine: Machine) -> String? {
        if let line = setup.popLast() {
            lines.append(line)
            return line
        }
        let live = machine.processes.filter(\.isAlive)
        guard steps < 12, !live.isEmpty else { return nil }
        steps += 1
        let actor = live[rng.int(0...(live.count - 1))]
        let r = regions[rng.int(0...(regions.count - 1))]
        let first = rng.int(0...(r.pages - 1))
        let count = rng.int(1...(r.pages - first))
        let at = "0x" + String((r.vpn + first) * 4096, radix: 16)
        var roll = rng.int(0...99)
        let mapped = actor.regions.contains { $0.start <= r.vpn && r.vpn + r.pages <= $0.end }
            || actor.regions.filter { $0.start >= r.vpn && $0.end <= r.vpn + r.pages }.reduce(0) { $0 + $1.pages } == r.pages
        if roll >= 82 && !mapped { roll = 40 }
        let line: String
        if roll < 30 {
            line = "write \(actor.name) \(at) pages \(count) \(rng.int(1...1000))"
        } else if roll < 55 {
            line = "read \(actor.name) \(at) pages \(count)"
        } else if roll < 72 && live.count < 4 {
            names += 1
            line = "fork \(actor.name) as C\(names)"
        } else if roll < 82 && live.count > 1 {
            line = "exit \(actor.name)"
        } else if roll < 91 {
            // The simulator keeps one advice per region where Linux keeps VM_DONTCOPY and
            // VM_WIPEONFORK apart: fork advice is changed only from `normal` (see the report).
            let current = actor.regions.first { $0.start <= r.vpn && r.vpn < $0.end }?.advice ?? .normal
            let choices = current != .normal ? ["normal"] : r.kind == 0 ? ["normal", "dontfork", "wipeonfork"] : ["normal", "dontfork"]
            line = "advise \(actor.name) 0x\(String(r.vpn * 4096, radix: 16)) pages \(r.pages) \(choices[rng.int(0...(choices.count - 1))])"
        } else {
            let writable = r.writable && rng.int(0...1) == 1
            line = "protect \(actor.name) \(at) pages \(count) \(writable ? "rw" : "r")"
        }
        lines.append(line)
        return line
    }
}

/// Deterministic scripts from a seed (the engine's SplitMix64; modulo draws, as the scripts were made).
extension SplitMix64 {
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}
