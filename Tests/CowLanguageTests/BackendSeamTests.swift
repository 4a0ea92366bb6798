import CowEngine
@testable import CowLanguage
import Testing

/// A backend that names no command: every command must be refused, naming it.
final class SilentBackend: MemoryBackend {
    let name = "test"
    func perform(_ operation: MemoryOperation, on machine: Machine, at location: ScriptLocation) throws(BackendFailure) -> BackendOutcome {
        BackendOutcome()
    }
    func figures(of machine: Machine) -> any MemoryFigures { machine }
    func shutdown() {}
}

/// A backend that admits everything, records every operation, reads 42 everywhere and says every
/// process has 99 resident pages.
final class RecordingBackend: MemoryBackend {
    let name = "recording"
    var operations: [MemoryOperation] = []
    var locations: [Int] = []
    var shutDown = 0
    func admit(_ command: Command, named commandName: String, on machine: Machine) -> BackendAdmission {
        if case .stats = command { return .answered(["stats from the backend"]) }
        if case .check = command { return .ignored("check: ignored here") }
        return .perform
    }
    func perform(_ operation: MemoryOperation, on machine: Machine, at location: ScriptLocation) throws(BackendFailure) -> BackendOutcome {
        operations.append(operation)
        locations.append(location.line)
        if case .read(_, let vpns) = operation { return BackendOutcome(lines: ["backend read"], values: Array(repeating: 42, count: vpns.count)) }
        if case .exec = operation { throw BackendFailure("exec failed on the backend") }
        return BackendOutcome()
    }
    func figures(of machine: Machine) -> any MemoryFigures { NinetyNine(machine: machine) }
    func shutdown() { shutDown += 1 }

    struct NinetyNine: MemoryFigures {
        let machine: Machine
        var pageSize: Int { machine.pageSize }
        var framesTotal: Int { machine.framesTotal }
        var zeroPageFrame: Int { machine.zeroPageFrame }
        var stats: MachineStats { machine.stats }
        var smapsPssIsFixedPoint: Bool { true }
        func process(named name: String) -> ProcessInfo? { machine.process(named: name) }
        func process(_ pid: PID) -> ProcessInfo? {
            guard var info = machine.process(pid) else { return nil }
            info.counters.minorFaults = 1234
            return info
        }
        func usage(of pid: PID, region: String?) -> Usage? { Usage(rss: 99) }
        func usageByRegionName(of pid: PID) -> [String: Usage]? { nil }
        func entry(_ pid: PID, vpn: Int) -> PageTableEntry? { nil }
        func frame(_ number: Int) -> FrameInfo? { nil }
        func file(named name: String) -> FileInfo? { machine.file(named: name) }
        var files: [FileInfo] { machine.files }
        func unavailable(_ figure: String, of pid: PID?) -> String? { figure == "frame" ? "frame() is not here" : nil }
    }
}

@Suite struct BackendSeamTests {
    @Test func aBackendThatNamesNothingRefusesEveryCommandByName() {
        let sink = BufferSink()
        let s = Session(output: sink)
        s.attach(backend: SilentBackend())
        for (line, name) in [("spawn p", "spawn"), ("config frames 64", "config frames"), ("set fork eager", "set fork"),
                             ("dump frames", "dump frames"), ("echo \"x\"", "echo"), ("stats", "stats")] {
            #expect(!s.runLine(line))
            #expect(sink.text.hasSuffix("<repl>:1:1: error: unsupported on the test backend: `\(name)`\n    \(line)\n    " + String(repeating: "^", count: 1) + String(repeating: "~", count: line.split(separator: " ")[0].count - 1) + "\n"), "\(sink.text)")
        }
        #expect(s.machine.processCount == 0)
    }

    @Test func everyMemoryOperationReachesTheBackendAndItsAnswersAreShown() {
        let sink = BufferSink()
        let s = Session(output: sink)
        let backend = RecordingBackend()
        s.attach(backend: backend)
        #expect(s.machine.config.profile == .textbook)  // no simulator profile asked for
        let script = """
            spawn p
            map p anon 0x10000 pages 4 rw as heap
            write p 0x10000 3
            write p 0x10000 pages 4 5
            fork p as c
            read c 0x10000
            read c 0x11000 pages 2
            protect c 0x10000 pages 1 r
            advise c 0x10000 pages 4 dontfork
            unmap c 0x13000 pages 1
            file f pages 2 cached
            map p file f 0x40000 pages 2 r
            exit c
            echo rss(p)
            echo minor_faults(p)
            stats
            check
            """
        #expect(s.run(source: script, fileName: "t.cow"), "\(sink.text)")
        #expect(backend.operations == [
            .spawn(1), .mapAnonymous(1, vpn: 16, pages: 4, permissions: [.read, .write], shared: false),
            .write(1, vpns: 16..<17, value: 3), .write(1, vpns: 16..<20, value: 5), .fork(1, child: 2),
            .read(2, vpns: 16..<17), .read(2, vpns: 17..<19), .protect(2, vpn: 16, pages: 1, permissions: [.read]),
            .advise(2, vpn: 16, pages: 4, advice: .dontfork), .unmap(2, vpn: 19, pages: 1),
            .addFile(name: "f", pages: 2, cached: true),
            .mapFile(1, file: "f", offset: 0, vpn: 64, pages: 2, permissions: [.read], shared: false), .exit(2),
        ])
        #expect(backend.locations == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
        // the backend's values, lines, figures and answers; none of the simulator's events
        #expect(sink.text.contains("backend read\nc 0x10000 = 42\nbackend read\nc 0x11000..0x13000 (2 pages) = 42\n"), "\(sink.text)")
        #expect(sink.text.contains("\n99\n1234\nstats from the backend\ncheck: ignored here\n"), "\(sink.text)")
        #expect(!sink.text.contains("fault ") && !sink.text.contains("demand-zero"), "\(sink.text)")
        #expect(!s.runLine("echo frame(p, 0x10000)"))
        #expect(sink.text.hasSuffix("<repl>:1:6: error: frame() is not here\n    echo frame(p, 0x10000)\n         ^~~~~~~~~~~~~~~~~\n"), "\(sink.text)")
        #expect(!s.runLine("exec p"))
        #expect(sink.text.contains("<repl>:1:1: error: exec failed on the backend\n"), "\(sink.text)")
        s.attach(backend: nil)
        #expect(backend.shutDown == 1)
        #expect(s.runLine("write p 0x10000 9"))
        #expect(backend.operations.count == 14)
    }

    /// `set backend NAME` (the REPL's switch): only `sim` without a factory; with one, the machine
    /// is reset, the backend attached and its answers shown; `set backend sim` detaches it again.
    @Test func setBackendSwitchesThroughTheFactory() {
        let sink = BufferSink()
        let s = Session(output: sink)
        #expect(!s.runLine("set backend kernel"))
        #expect(sink.text.hasSuffix("<repl>:1:13: error: unknown backend `kernel`; backends: sim\n    set backend kernel\n                ^~~~~~\n"), "\(sink.text)")
        nonisolated(unsafe) let backend = RecordingBackend()
        s.backendFactory = BackendFactory(names: ["kernel"]) { _ throws(BackendFailure) in backend }
        #expect(s.runLine("spawn p"))
        #expect(s.runLine("set backend kernel"))
        #expect(sink.text.hasSuffix("backend kernel: every memory operation also runs on the kernel backend, figures come from it (the machine was reset)\n"), "\(sink.text)")
        #expect(s.backend != nil)
        #expect(s.machine.processCount == 0)
        #expect(s.runLine("spawn q; map q anon 0x10000 pages 1; read q 0x10000"))
        #expect(sink.text.hasSuffix("backend read\nq 0x10000 = 42\n"), "\(sink.text)")
        #expect(s.runLine("set backend sim"))
        #expect(s.backend == nil)
        #expect(backend.shutDown == 1)
        #expect(sink.text.hasSuffix("backend sim: the simulator (the machine was reset)\n"), "\(sink.text)")
        #expect(!s.runLine("set backend nope"))
        #expect(sink.text.contains("error: expected a backend after `backend`, found `nope`"), "\(sink.text)")
    }
}
