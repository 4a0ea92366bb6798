import CowEngine

/// Issue 6's engine workloads, defined once so the package-benchmark suite and `cowbench-sim`
/// (which `compare` runs beside the real kernel) measure exactly the same work.
public enum EngineWorkloads {
    /// The fork sizes of workloads 1 and 2: 16 MiB, 256 MiB and 1 GiB of 4 KiB pages.
    public static let forkSizes = [4_096, 65_536, 262_144]

    /// Frames for every engine workload: large enough that nothing runs out of memory
    /// (the biggest, a 262,144-page parent plus its child's copies, needs 524,288).
    public static let frames = 600_000

    /// First vpn of the benchmark heap (0x10000000 in bytes with 4 KiB pages).
    public static let heapStart = 0x10000

    /// A machine with the linux profile and event recording off: benchmarks measure the
    /// engine, not the event log the language renders.
    public static func quietMachine(frames: Int = frames, pageTables: PageTableLayout? = nil,
                                    forkMode: ForkMode = .copyOnWrite) -> Machine {
        var config = MachineConfig(frames: frames, pageSize: 4096, profile: .linux, forkMode: forkMode)
        config.behaviours = .preset(.linux)
        config.pageTables = pageTables
        var machine = Machine(config: config)
        machine.recordsEvents = false
        return machine
    }

    /// A process `parent` with `pages` private anonymous pages, each written once (resident),
    /// as the kernel program's parent is before it forks.
    public static func populated(pages: Int, pageTables: PageTableLayout? = nil,
                                 forkMode: ForkMode = .copyOnWrite) throws -> (machine: Machine, parent: PID) {
        var machine = quietMachine(pageTables: pageTables, forkMode: forkMode)
        let parent = try machine.spawn(name: "parent")
        try machine.mapAnonymous(
            parent, at: heapStart, pages: pages, permissions: [.read, .write], shared: false, name: "heap")
        try writeEach(&machine, parent, pages: pages, value: 1)
        return (machine, parent)
    }

    /// Writes every heap page one call at a time: one simulated fault per page, like the
    /// kernel program's loop (the range call would hide per-call costs).
    public static func writeEach(_ machine: inout Machine, _ pid: PID, pages: Int, value: Int64) throws {
        for vpn in heapStart..<(heapStart + pages) {
            guard case .value = try machine.write(pid, vpn: vpn, value: value) else {
                throw WorkloadError.killed("write of vpn \(vpn) by pid \(pid)")
            }
        }
    }

    /// Writes every heap page with one range call.
    public static func writeRange(_ machine: inout Machine, _ pid: PID, pages: Int, value: Int64) throws {
        guard case .value = try machine.write(pid, vpns: heapStart..<(heapStart + pages), value: value) else {
            throw WorkloadError.killed("range write by pid \(pid)")
        }
    }

    /// Checks the engine's invariants; the benchmarks call it outside the timed part so a fast
    /// but wrong engine cannot pass.
    public static func verify(_ machine: Machine) throws {
        let problems = machine.check()
        if let first = problems.first {
            throw WorkloadError.inconsistent(first)
        }
    }
}

/// Why a workload could not run as designed (a bug in the engine, never expected).
public enum WorkloadError: Error, CustomStringConvertible {
    case killed(String)
    case inconsistent(String)
    case scriptFailed(String)

    public var description: String {
        switch self {
        case .killed(let what): "a process was killed during \(what)"
        case .inconsistent(let problem): "engine invariant violated: \(problem)"
        case .scriptFailed(let what): "script failed: \(what)"
        }
    }
}
