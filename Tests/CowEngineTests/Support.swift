import Testing
@testable import CowEngine

/// Shorthands so scenarios read like the conformance tables.
let rw: Permissions = [.read, .write]
let rx: Permissions = [.read, .execute]

func machine(_ profile: Profile, frames: Int = 256, forkMode: ForkMode = .copyOnWrite) -> Machine {
    Machine(config: MachineConfig(frames: frames, pageSize: 4096, profile: profile, forkMode: forkMode))
}

func frac(_ n: Int, _ d: Int = 1) -> Rational {
    Rational(n, d) ?? .zero
}

/// Faults (minor + major) taken so far by `pid`.
func faults(_ m: Machine, _ pid: PID) -> Int {
    m.process(pid)?.counters.faults ?? -1
}

/// Copy-on-write copies made so far by `pid`.
func copies(_ m: Machine, _ pid: PID) -> Int {
    m.process(pid)?.counters.copies ?? -1
}

/// Runs `body` and returns the faults and copies `pid` took meanwhile.
func measured(_ m: inout Machine, _ pid: PID, _ body: (inout Machine) throws -> Void) rethrows -> (faults: Int, copies: Int) {
    let f0 = faults(m, pid), c0 = copies(m, pid)
    try body(&m)
    return (faults(m, pid) - f0, copies(m, pid) - c0)
}

/// Distinct frames (zero page excluded) mapped by the processes, optionally in one region.
func distinctFrames(_ m: Machine, _ pids: [PID], region: String? = nil) -> Int {
    var frames = Set<Int>()
    for pid in pids {
        for page in m.pageTable(of: pid) where region == nil || page.region == region {
            if page.entry.frame != m.zeroPageFrame { frames.insert(page.entry.frame) }
        }
    }
    return frames.count
}

/// Checks one smaps block against the expected figures (clean columns default to 0).
func expectUsage(_ usage: Usage?, rss: Int, pss: Rational, shCl: Int = 0, shDi: Int, prCl: Int = 0, prDi: Int,
                 anon: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let u = usage else {
        Issue.record("no usage", sourceLocation: sourceLocation)
        return
    }
    #expect(u.rss == rss, "Rss", sourceLocation: sourceLocation)
    #expect(u.pss == pss, "Pss", sourceLocation: sourceLocation)
    #expect(u.sharedClean == shCl, "Shared_Clean", sourceLocation: sourceLocation)
    #expect(u.sharedDirty == shDi, "Shared_Dirty", sourceLocation: sourceLocation)
    #expect(u.privateClean == prCl, "Private_Clean", sourceLocation: sourceLocation)
    #expect(u.privateDirty == prDi, "Private_Dirty", sourceLocation: sourceLocation)
    #expect(u.anonymous == anon, "Anonymous", sourceLocation: sourceLocation)
    #expect(u.uss == prCl + prDi, "USS", sourceLocation: sourceLocation)
}

/// The machine's own invariant check finds nothing.
func expectConsistent(_ m: Machine, sourceLocation: SourceLocation = #_sourceLocation) {
    let problems = m.check()
    #expect(problems.isEmpty, "\(problems.prefix(5))", sourceLocation: sourceLocation)
}

/// Reads a range and returns the values, recording an issue on a kill.
func values(_ m: inout Machine, _ pid: PID, _ vpns: Range<Int>, sourceLocation: SourceLocation = #_sourceLocation) throws -> [Int64] {
    let (values, killed) = try m.read(pid, vpns: vpns)
    #expect(killed == nil, sourceLocation: sourceLocation)
    return values
}

/// Writes `base + k` into page k of the range, one page at a time.
func writeEach(_ m: inout Machine, _ pid: PID, _ vpns: Range<Int>, base: Int64,
               sourceLocation: SourceLocation = #_sourceLocation) throws {
    for vpn in vpns {
        let value = base + Int64(vpn - vpns.lowerBound)
        #expect(try m.write(pid, vpn: vpn, value: value) == .value(value), sourceLocation: sourceLocation)
    }
}

/// base, base+1, ... for `count` pages.
func ramp(_ base: Int64, _ count: Int) -> [Int64] {
    (0..<count).map { base + Int64($0) }
}

/// Reads a range and expects exactly `expected` (usable inside closures, unlike `#expect(try ...)`).
func expectValues(_ m: inout Machine, _ pid: PID, _ vpns: Range<Int>, _ expected: [Int64],
                  sourceLocation: SourceLocation = #_sourceLocation) throws {
    let got = try values(&m, pid, vpns, sourceLocation: sourceLocation)
    #expect(got == expected, sourceLocation: sourceLocation)
}

/// Writes one page and expects it to succeed.
func expectWrite(_ m: inout Machine, _ pid: PID, _ vpn: Int, _ value: Int64,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    let outcome = try m.write(pid, vpn: vpn, value: value)
    #expect(outcome == .value(value), sourceLocation: sourceLocation)
}
