// cowbench-sim: runs one of issue 6's workloads on cowsim and prints tab-separated lines
// `workload<TAB>pages<TAB>seconds<TAB>extra`, the format of kernel/cowbench.c, so
// `Benchmarks/compare` can put both side by side. Each workload runs in its own process so
// peak-memory figures belong to that workload alone.
//
//   cowbench-sim engine [REPS] [PAGES...]   workloads 1-2 (fork, COW writes, exit, reuse writes)
//   cowbench-sim zygote                      workload 3 (extra = peak resident bytes of the process)
//   cowbench-sim script lines|ranges [REPS] [PAGES]  workload 4 (1,000,000 single-page writes vs 4 ranges)
//   cowbench-sim memory                      engine bytes per configured frame / resident page / entry
//   cowbench-sim policy [REPS]               issue 14: traces under LRU, CLOCK, FIFO (1,000,000 refs), OPT (100,000)
import CowEngine
import CowWorkloads

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func emit(_ workload: String, _ pages: Int, _ seconds: Double, _ extra: String = "0") {
    print("\(workload)\t\(pages)\t\(formatSeconds(seconds))\t\(extra)")
}

func formatSeconds(_ seconds: Double) -> String {
    // Nanosecond resolution, fixed 9 decimals, without Foundation's String(format:).
    let nanoseconds = Int((seconds * 1e9).rounded())
    let whole = nanoseconds / 1_000_000_000
    let fraction = String(nanoseconds % 1_000_000_000)
    return "\(whole)." + String(repeating: "0", count: 9 - fraction.count) + fraction
}

/// One repetition of workloads 1 and 2 for `pages`: per-page calls first (one simulated fault
/// per call, like the kernel's loop), then the same with one range call per pass.
func engineOnce(pages: Int) throws {
    var machine = EngineWorkloads.quietMachine()
    var parent = 0
    let populate = try Measure.seconds {
        parent = try machine.spawn(name: "parent")
        try machine.mapAnonymous(
            parent, at: EngineWorkloads.heapStart, pages: pages, permissions: [.read, .write], shared: false,
            name: "heap")
        try EngineWorkloads.writeEach(&machine, parent, pages: pages, value: 1)
    }
    emit("populate", pages, populate)

    var child = 0
    emit("fork", pages, try Measure.seconds { child = try machine.fork(parent, childName: "child") })
    emit("cow-write", pages, try Measure.seconds { try EngineWorkloads.writeEach(&machine, child, pages: pages, value: 2) })
    emit("exit-wait", pages, try Measure.seconds { try machine.exit(child) })
    emit("reuse-write", pages, try Measure.seconds { try EngineWorkloads.writeEach(&machine, parent, pages: pages, value: 3) })
    try EngineWorkloads.verify(machine)

    let second = try machine.fork(parent, childName: "child2")
    emit("cow-write-range", pages, try Measure.seconds { try EngineWorkloads.writeRange(&machine, second, pages: pages, value: 4) })
    try machine.exit(second)
    emit("reuse-write-range", pages, try Measure.seconds { try EngineWorkloads.writeRange(&machine, parent, pages: pages, value: 5) })
    try EngineWorkloads.verify(machine)
    try tablesOnce(pages: pages)
}

/// Issue 13: fork with the x86-64 page-table layout on (the tables are copied: cow), and
/// on-demand fork (the leaf tables are shared); then the child's first write under odf (one
/// leaf table copied, then a copy-on-write copy) and its writes to every page.
func tablesOnce(pages: Int) throws {
    for mode in [ForkMode.copyOnWrite, .onDemand] {
        var (machine, parent) = try EngineWorkloads.populated(pages: pages, pageTables: .x86_64, forkMode: mode)
        var child = 0
        emit("fork-x86-64-\(mode.rawValue)", pages, try Measure.seconds { child = try machine.fork(parent, childName: "child") })
        let first = EngineWorkloads.heapStart
        emit("first-write-x86-64-\(mode.rawValue)", pages, try Measure.seconds { _ = try machine.write(child, vpn: first, value: 2) })
        emit("cow-write-x86-64-\(mode.rawValue)", pages, try Measure.seconds { try EngineWorkloads.writeEach(&machine, child, pages: pages, value: 2) })
        try EngineWorkloads.verify(machine)
    }
}

func positive(_ text: String, _ what: String) throws -> Int {
    guard let value = Int(text), value > 0 else { throw UsageError.message("\(what) must be a positive number, got `\(text)`") }
    return value
}

enum UsageError: Error, CustomStringConvertible {
    case message(String)
    var description: String {
        switch self {
        case .message(let text): text
        }
    }
}

let usage = """
    usage: cowbench-sim engine [REPS] [PAGES...]
           cowbench-sim zygote
           cowbench-sim script lines|ranges [REPS] [PAGES]
           cowbench-sim memory
           cowbench-sim policy [REPS]
    """

func main(_ arguments: [String]) throws {
    guard let command = arguments.first else { throw UsageError.message(usage) }
    let rest = Array(arguments.dropFirst())
    switch command {
    case "engine":
        let reps = try rest.first.map { try positive($0, "repetitions") } ?? 5
        let sizes = rest.count > 1 ? try rest.dropFirst().map { try positive($0, "pages") } : EngineWorkloads.forkSizes
        for _ in 0..<reps {
            for pages in sizes { try engineOnce(pages: pages) }
        }
    case "zygote":
        let summary = try Zygote.run()
        emit("zygote", Zygote.children, summary.seconds, String(Measure.peakResidentBytes()))
        print("# zygote peak: \(summary.framesUsedAtPeak) frames used, \(summary.pageTableEntriesAtPeak) entries, \(summary.copies) copies, \(summary.engineBytesAtPeak) engine bytes")
        emit("zygote-engine-bytes", summary.pageTableEntriesAtPeak, 0, String(summary.engineBytesAtPeak))
    case "script":
        guard let form = rest.first, form == "lines" || form == "ranges" else { throw UsageError.message(usage) }
        let reps = try rest.dropFirst().first.map { try positive($0, "repetitions") } ?? 1
        let pages = try rest.dropFirst(2).first.map { try positive($0, "pages") } ?? ScriptWorkloads.pages
        let source = form == "lines"
            ? ScriptWorkloads.singlePageScript(pages: pages) : ScriptWorkloads.rangeScript(pages: pages)
        for _ in 0..<reps {
            let seconds = try Measure.seconds { try ScriptWorkloads.run(source, name: "bench-\(form).cow") }
            emit("script-\(form)", pages, seconds, String(Measure.peakResidentBytes()))
        }
    case "memory":
        let result = try EngineMemory.measure()
        print("# engine memory, malloc'd bytes: \(result.frames) frames configured, \(result.pages) pages")
        emit("bytes-per-frame", result.frames, 0, String(result.bytesPerConfiguredFrame))
        emit("bytes-per-resident-page", result.pages, 0, String(result.bytesPerResidentPage))
        emit("bytes-per-forked-entry", result.pages, 0, String(result.bytesPerForkedEntry))
        emit("bytes-per-written-child-entry", result.pages, 0, String(result.bytesPerWrittenChildEntry))
        for mode in [ForkMode.copyOnWrite, .onDemand] {
            let tables = try EngineMemory.measure(pageTables: .x86_64, forkMode: mode)
            emit("bytes-per-entry-x86-64-\(mode.rawValue)", tables.pages, 0, String(tables.bytesPerEntryAfterFork))
        }
    case "policy":
        let reps = try rest.first.map { try positive($0, "repetitions") } ?? 3
        let long = PolicyWorkloads.string(count: PolicyWorkloads.references)
        let short = PolicyWorkloads.string(count: PolicyWorkloads.optReferences)
        for _ in 0..<reps {
            for policy in [ReplacementPolicy.lru, .clock, .fifo] {
                let (seconds, summary) = try PolicyWorkloads.run(policy, long)
                emit("trace-\(policy.rawValue)", long.count, seconds, String(summary.misses))
            }
            let (seconds, summary) = try PolicyWorkloads.run(.opt, short)
            emit("trace-opt", short.count, seconds, String(summary.misses))
        }
    default:
        throw UsageError.message(usage)
    }
}

do {
    try main(Array(CommandLine.arguments.dropFirst()))
} catch {
    var message = "cowbench-sim: \(error)\n"
    message.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
    exit(1)
}
