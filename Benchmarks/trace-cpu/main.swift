// Issue 14's trace figures as CPU time of the trace alone (see `run` and Benchmarks/RESULTS.md).
// The string and the machine are those of Benchmarks/Sources/CowWorkloads/PolicyWorkloads.swift
// (copied: this driver builds against CowEngine alone, without the Benchmarks package).
import CowEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func next(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// OSTEP's 80-20 string: the hot fifth of the pages drawn 80 % of the time.
func string(count: Int, pages: Int = 1000, seed: UInt64 = 14) -> [Int] {
    var state = seed
    let hot = max(1, pages / 5)
    var out: [Int] = []
    out.reserveCapacity(count)
    for _ in 0..<count {
        let r = next(&state)
        let page = r % 10 < 8 ? Int((r >> 8) % UInt64(hot)) : hot + Int((r >> 8) % UInt64(pages - hot))
        out.append(page)
    }
    return out
}

func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let args = CommandLine.arguments
let names = args.count > 1 ? args[1] : "lru,clock,fifo,opt"
let runs = args.count > 2 ? Int(args[2]) ?? 3 : 3
let references = args.count > 3 ? Int(args[3]) ?? 1_000_000 : 1_000_000
for name in names.split(separator: ",").map(String.init) {
    guard let policy = ReplacementPolicy(rawValue: name) else {
        print("unknown policy \(name)")
        exit(2)
    }
    let refs = string(count: policy == .opt ? references / 10 : references)
    for _ in 0..<runs {
        var config = MachineConfig()
        config.frames = 100
        config.swapPages = 1000
        var m = Machine(config: config)
        m.recordsEvents = false
        m.setReplacementPolicy(policy)
        let p = try m.spawn(name: "p")
        try m.mapAnonymous(p, at: 0x100, pages: 1000, permissions: [.read, .write], shared: false, name: "heap")
        let start = cpuSeconds()
        let s = try m.trace(p, base: 0x100, pages: refs, write: true)
        let seconds = cpuSeconds() - start
        print("\(name)\t\(seconds)\thits \(s.hits), misses \(s.misses), major \(s.majorFaults)\(s.killed == nil ? "" : ", killed")")
    }
}
