// Issue 14's trace figures as CPU time of the trace alone (see `run` and Benchmarks/RESULTS.md).
// The string and the machine come from Benchmarks/Sources/CowWorkloads/PolicyWorkloads.swift,
// which `run` compiles in with this file (it needs CowEngine alone).
import CowEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    let refs = PolicyWorkloads.string(count: policy == .opt ? references / 10 : references)
    for _ in 0..<runs {
        var (m, p) = try PolicyWorkloads.machine(policy)
        let start = cpuSeconds()
        let s = try m.trace(p, base: 0x100, pages: refs, write: true)
        let seconds = cpuSeconds() - start
        print("\(name)\t\(seconds)\thits \(s.hits), misses \(s.misses), major \(s.majorFaults)\(s.killed == nil ? "" : ", killed")")
    }
}
