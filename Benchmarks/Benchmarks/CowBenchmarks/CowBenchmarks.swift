// Issue 6's benchmarks in package-benchmark form (wall clock, CPU, malloc counts, peak memory).
// Run: cd Benchmarks && swift package --scratch-path .build benchmark
// (`Benchmarks/compare` runs the same workloads through cowbench-sim beside the real kernel and
// prints the ratios; start-up of `cowsim -c 'stats'` is measured there as a whole process.)
import Benchmark
import CowEngine
import CowWorkloads

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 10)

    for pages in EngineWorkloads.forkSizes {
        // Workload 1: fork of a process with `pages` resident private pages.
        Benchmark("fork \(pages) resident pages") { benchmark in
            var (machine, parent) = try EngineWorkloads.populated(pages: pages)
            benchmark.startMeasurement()
            let child = try machine.fork(parent, childName: "child")
            benchmark.stopMeasurement()
            blackHole(child)
            try EngineWorkloads.verify(machine)
        }

        // Workload 2a: the child writes every page (one copy-on-write copy each).
        Benchmark("COW write by child, \(pages) pages") { benchmark in
            var (machine, parent) = try EngineWorkloads.populated(pages: pages)
            let child = try machine.fork(parent, childName: "child")
            benchmark.startMeasurement()
            try EngineWorkloads.writeEach(&machine, child, pages: pages, value: 2)
            benchmark.stopMeasurement()
            try EngineWorkloads.verify(machine)
        }

        // Workload 2b: after the child exits the parent rewrites every page (reuse faults).
        Benchmark("reuse write by parent after child exit, \(pages) pages") { benchmark in
            var (machine, parent) = try EngineWorkloads.populated(pages: pages)
            let child = try machine.fork(parent, childName: "child")
            try EngineWorkloads.writeEach(&machine, child, pages: pages, value: 2)
            try machine.exit(child)
            benchmark.startMeasurement()
            try EngineWorkloads.writeEach(&machine, parent, pages: pages, value: 3)
            benchmark.stopMeasurement()
            try EngineWorkloads.verify(machine)
        }
    }

    // Workload 3: the zygote (time and peak memory; the whole workload is measured).
    Benchmark(
        "zygote: 50 libraries, 20,000-page heap, 200 children",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
            timeUnits: .milliseconds, warmupIterations: 0, maxDuration: .seconds(20), maxIterations: 3)
    ) { benchmark in
        blackHole(try Zygote.run(inspect: false))
    }

    // Workload 4: a 1,000,000-line script of single-page writes vs the same work as 4 ranges.
    // The script text is generated in each iteration outside the measurement (generating it
    // once up front would keep 25 MB resident through every other benchmark's memory figures).
    Benchmark(
        "script: 1,000,000 single-page write lines",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
            timeUnits: .milliseconds, warmupIterations: 0, maxDuration: .seconds(20), maxIterations: 5)
    ) { benchmark in
        let lines = ScriptWorkloads.singlePageScript()
        benchmark.startMeasurement()
        try ScriptWorkloads.run(lines, name: "lines.cow")
        benchmark.stopMeasurement()
    }
    Benchmark(
        "script: the same work as 4 range writes",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
            timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 5)
    ) { benchmark in
        let ranges = ScriptWorkloads.rangeScript()
        benchmark.startMeasurement()
        try ScriptWorkloads.run(ranges, name: "ranges.cow")
        benchmark.stopMeasurement()
    }

    // Workload 5: start-up of `cowsim -c 'stats'` as a whole process. Needs the release cowsim
    // that `Benchmarks/compare` builds (or COWSIM_BIN); skipped with a note when it is missing.
    if let cowsim = StartUp.binary() {
        Benchmark(
            "start-up: cowsim -c 'stats'",
            configuration: .init(
                metrics: [.wallClock], timeUnits: .milliseconds, warmupIterations: 2,
                maxDuration: .seconds(10), maxIterations: 50)
        ) { benchmark in
            try StartUp.run(cowsim)
        }
    } else {
        StartUp.note("start-up benchmark skipped: no cowsim at \(StartUp.defaultBinary) (run Benchmarks/compare once, or set COWSIM_BIN)")
    }
}
