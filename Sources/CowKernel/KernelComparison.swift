import CowEngine
import CowLanguage

/// What `cowsim compare` found: how many figures were compared, and each one the simulator
/// (profile linux) and the kernel disagree on, with the script line after which it was read.
public struct Comparison: Sendable, Equatable {
    public struct Disagreement: Sendable, Equatable {
        public var file: String
        public var line: Int
        public var statement: String
        public var process: String
        /// A region name, `total` (the whole process) or `-` (a figure of the process).
        public var region: String
        public var figure: String
        public var simulator: String
        public var kernel: String
    }

    public internal(set) var compared = 0
    public internal(set) var disagreements: [Disagreement] = []
    public var agreed: Int { compared - disagreements.count }

    mutating func check(_ location: ScriptLocation, _ process: String, _ region: String, _ figure: String, _ sim: String, _ kernel: String) {
        compared += 1
        if sim != kernel {
            disagreements.append(Disagreement(file: location.file, line: location.line, statement: location.text, process: process,
                                              region: region, figure: figure, simulator: sim, kernel: kernel))
        }
    }

    /// The summary line: "412 figures compared, 410 agree".
    public var summary: String { "\(compared) figures compared, \(agreed) agree" }

    /// The text report: the disagreements grouped by script line, then the summary.
    public func lines() -> [String] {
        var out: [String] = []
        var k = 0
        while k < disagreements.count {
            let first = disagreements[k]
            out.append("\(first.file):\(first.line): \(TerminalText.escaped(first.statement, keepingNewlines: false))")
            var table = TextTable([.init("process"), .init("region"), .init("figure"), .init("simulator", .right), .init("kernel", .right)],
                                  indent: "  ")
            while k < disagreements.count, disagreements[k].file == first.file, disagreements[k].line == first.line {
                let d = disagreements[k]
                table.add([d.process, d.region, d.figure, d.simulator, d.kernel].map { TerminalText.escaped($0, keepingNewlines: false) })
                k += 1
            }
            out += table.render()
        }
        out.append(summary)
        return out
    }

    /// The JSON report.
    public func json() -> String {
        let quoted = { (s: String) in JSON.quote(s) }
        let items = disagreements.map { d in
            "{\"file\":\(quoted(d.file)),\"line\":\(d.line),\"statement\":\(quoted(d.statement)),\"process\":\(quoted(d.process)),"
                + "\"region\":\(quoted(d.region)),\"figure\":\(quoted(d.figure)),\"simulator\":\(quoted(d.simulator)),\"kernel\":\(quoted(d.kernel))}"
        }
        return "{\"compared\":\(compared),\"agree\":\(agreed),\"disagreements\":[" + items.joined(separator: ",") + "]}"
    }
}

extension KernelBackend {
    /// After an operation (comparing mode): every figure of every process, simulator against kernel.
    ///
    /// Compared: per live process and region (split parts together) the smaps columns in kB
    /// (Size, Rss, Pss as smaps prints it, Shared_Clean, Shared_Dirty, Private_Clean,
    /// Private_Dirty, Anonymous) and with root the exact Pss in pages; the same for the whole
    /// process (`total`); per process minor and major faults, whether it is alive, and with
    /// root its copy-on-write copies and reuses; after a `read`, the values read.
    func compare(after operation: MemoryOperation, _ machine: Machine, at location: ScriptLocation, values: [Int64]?) {
        for (pid, p) in processes.sorted(by: { $0.key < $1.key }) {
            guard let info = machine.process(pid) else { continue }
            let kernelAlive = host.exitState(p) == .running
            comparison.check(location, info.name, "-", "alive", "\(info.isAlive)", "\(kernelAlive)")
            let c = host.counters(p)
            comparison.check(location, info.name, "-", "minor faults", "\(info.counters.minorFaults)", "\(c.minor)")
            comparison.check(location, info.name, "-", "major faults", "\(info.counters.majorFaults)", "\(c.major)")
            if privileged && kernelAlive {  // (a process killed mid-write cannot be asked what it copied)
                comparison.check(location, info.name, "-", "copies", "\(info.counters.copies)", "\(c.copies)")
                comparison.check(location, info.name, "-", "reuses", "\(info.counters.reuses)", "\(c.reuses)")
            }
            guard info.isAlive && kernelAlive else { continue }
            let byName = machine.usageByRegionName(of: pid) ?? [:]
            var seen: Set<String> = []
            var names: [String] = []
            for r in info.regions where seen.insert(r.name).inserted { names.append(r.name) }
            for region in names + ["total"] {
                let sim = region == "total" ? (machine.usage(of: pid, region: nil) ?? Usage()) : (byName[region] ?? Usage())
                let pages = info.regions.filter { region == "total" || $0.name == region }.reduce(0) { $0 + $1.pages }
                let kernel: Usage
                var kernelSize = 0
                do {
                    let ranges = self.ranges(pid, region: region == "total" ? nil : region, machine)
                    kernel = try usage(pid, ranges: ranges)
                    kernelSize = try blocks(pid).filter { b in ranges.contains { $0.start <= b.start && b.end <= $0.end } }.reduce(0) { $0 + $1.size }
                } catch {
                    comparison.check(location, info.name, region, "figures", "readable", "\(error)")
                    continue
                }
                let pairs: [(String, Int, Int)] = [
                    ("Size kB", pages * 4, kernelSize), ("Rss kB", sim.rss * 4, kernel.rss * 4),
                    ("Pss kB", sim.smapsPssKiB, kernel.smapsPssKiB),
                    ("Shared_Clean kB", sim.sharedClean * 4, kernel.sharedClean * 4),
                    ("Shared_Dirty kB", sim.sharedDirty * 4, kernel.sharedDirty * 4),
                    ("Private_Clean kB", sim.privateClean * 4, kernel.privateClean * 4),
                    ("Private_Dirty kB", sim.privateDirty * 4, kernel.privateDirty * 4),
                    ("Anonymous kB", sim.anonymous * 4, kernel.anonymous * 4),
                ] + (info.regions.contains { $0.locked } ? [("Locked kB", sim.smapsLockedKiB, kernel.smapsLockedKiB)] : [])
                for (figure, s, k) in pairs { comparison.check(location, info.name, region, figure, "\(s)", "\(k)") }
                if privileged { comparison.check(location, info.name, region, "Pss pages", sim.pss.description, kernel.pss.description) }
            }
        }
        if case .read(let pid, let vpns) = operation, let values, let info = machine.process(pid), info.isAlive {
            var sim: [Int64] = []
            for vpn in vpns {
                guard let e = machine.entry(pid, vpn: vpn) else { break }
                sim.append(e.frame == machine.zeroPageFrame ? 0 : machine.frame(e.frame)?.value ?? 0)
            }
            let region = info.regions.index(containing: vpns.lowerBound).map { info.regions[$0].name } ?? "-"
            comparison.check(location, info.name, region, "values read", runs(sim), runs(values))
        }
    }

    /// Values as runs: "1 x64, 0 x3".
    private func runs(_ values: [Int64]) -> String {
        var parts: [String] = []
        var i = 0
        while i < values.count {
            var j = i + 1
            while j < values.count, values[j] == values[i] { j += 1 }
            parts.append(j - i == 1 ? "\(values[i])" : "\(values[i]) x\(j - i)")
            i = j
        }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
