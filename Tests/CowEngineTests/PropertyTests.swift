import Testing
import PropertyBased
@testable import CowEngine

/// Runs random operation sequences against the engine and `ModelOracle` side by side: every
/// read must return what the model says, every refusal must be one the model predicts, and
/// `check()` must find nothing after every step.
struct RandomRun {
    var m: Machine
    var model = ModelOracle()
    let flipsBehaviours: Bool
    /// Files: 1 cached (8 pages), 2 on disk (24 pages), 3 a library (6 text + 3 data, on disk).
    static let filePages = [1: 8, 2: 24, 3: 9]
    var failure: String?
    var names = 0
    /// Eager forks refused for lack of frames (so tests can see the path is exercised).
    var eagerForkRefusals = 0

    init(profile: Profile, mode: ForkMode, frames: Int, flipsBehaviours: Bool) throws {
        m = Machine(config: MachineConfig(frames: frames, pageSize: 4096, profile: profile, forkMode: mode))
        self.flipsBehaviours = flipsBehaviours
        _ = try m.addFile(name: "cached", pages: 8, cached: true)
        _ = try m.addFile(name: "disk", pages: 24, cached: false)
        _ = try m.addLibrary(name: "lib", textPages: 6, dataPages: 3, cached: false)
        m.recordsEvents = false
        model.fileSizes = RandomRun.filePages
    }

    mutating func fail(_ message: String) {
        if failure == nil { failure = message }
    }

    /// Expects the engine call to be refused exactly when the model says so.
    mutating func agree(_ what: String, refused: Bool, _ body: (inout Machine) throws -> Void) -> Bool {
        do {
            try body(&m)
            if refused { fail("\(what): engine accepted what the model refuses") }
            return true
        } catch {
            if !refused { fail("\(what): engine refused: \(error)") }
            return false
        }
    }

    /// The engine's access outcome must match the model's, unless the engine ran out of memory.
    mutating func compare(_ what: String, _ pid: PID, engine: AccessOutcome, model expected: AccessOutcome) -> Bool {
        if case .killed(.outOfMemory) = engine {
            if case .killed = expected { fail("\(what): OOM where the model segfaults") }
            model.kill(pid)
            return false
        }
        if engine != expected { fail("\(what): engine \(engine), model \(expected)") }
        if case .killed = expected {
            model.kill(pid)
            return false
        }
        return true
    }

    mutating func name() -> String {
        names += 1
        return "p\(names)"
    }

    static let permissionChoices: [Permissions] = [[.read, .write], [.read, .write], [.read, .write], [.read], [],
                                                   [.read, .execute], [.read, .write], [.read, .write]]

    /// Decodes one random word into an operation and runs it on both sides.
    mutating func step(_ x: UInt64) {
        let running = model.running
        // With nobody running, start someone; otherwise any operation.
        let kind = running.isEmpty ? 0 : Int(x % 24)
        let pid: PID
        if !running.isEmpty && (x >> 11) % 6 != 0 {
            pid = running[Int((x >> 5) % UInt64(running.count))]
        } else {
            pid = Int((x >> 5) % UInt64(model.processCount + 2))   // may be dead, suspended, 0 or unknown
        }
        // Accesses mostly hit mapped pages (else almost everything would segfault).
        let writes = [9, 10, 11, 12, 16].contains(kind)
        let mapped = (model.spaces[model.space(pid)] ?? [:])
            .filter { writes ? $0.value.permissions.contains(.write) : !$0.value.permissions.isEmpty }.keys.sorted()
        let vpn = !mapped.isEmpty && (x >> 53) % 8 != 0 && (9...17).contains(kind)
            ? mapped[Int((x >> 16) % UInt64(mapped.count))] : Int((x >> 16) % 96)
        let pages = Int((x >> 22) % 24) + 1
        let permissions = RandomRun.permissionChoices[Int((x >> 26) % 8)]
        let value = Int64((x >> 30) % 1000) + 1
        let file = Int((x >> 40) % 2) + 1
        let offset = Int((x >> 42) % 24)
        let shared = (x >> 47) % 2 == 0
        let ok = model.isRunning(pid)
        let what = "step \(kind) pid \(pid) vpn \(vpn) pages \(pages)"

        switch kind {
        case 0:
            let n = name()
            if model.alive.count < 6, agree("spawn", refused: false, { _ = try $0.spawn(name: n) }) {
                _ = model.spawn()
            }
        case 1, 2:
            let shmem = kind == 2
            let refused = !ok || model.overlaps(pid, vpn, pages)
            if agree("map anon \(what)", refused: refused, {
                try $0.mapAnonymous(pid, at: vpn, pages: pages, permissions: permissions, shared: shmem, name: "anon")
            }) {
                if shmem {
                    let object = model.newShmem()
                    model.map(pid, vpn, pages, permissions) { .shmem(object: object, page: $0) }
                } else {
                    model.map(pid, vpn, pages, permissions) { _ in .anonymous(0) }
                    for v in vpn..<vpn + pages { model.privateAnonymousPages[model.space(pid), default: []].insert(v) }
                }
            }
        case 3, 4:
            let filePages = RandomRun.filePages[file] ?? 0
            let off = offset % filePages
            // Past the end of the file is allowed (rule 15): accesses there get SIGBUS.
            let refused = !ok || model.overlaps(pid, vpn, pages)
            if agree("map file \(file) \(what)", refused: refused, {
                try $0.mapFile(pid, file: file, offset: off, at: vpn, pages: pages, permissions: permissions,
                               shared: shared, name: "file")
            }) {
                model.map(pid, vpn, pages, permissions) {
                    shared ? .fileShared(file: file, page: off + $0) : .filePrivate(file: file, page: off + $0)
                }
            }
        case 5:
            let refused = !ok || model.overlaps(pid, vpn, 9)
            if agree("map lib \(what)", refused: refused, { try $0.mapLibrary(pid, library: 3, at: vpn) }) {
                model.map(pid, vpn, 6, [.read, .execute]) { .filePrivate(file: 3, page: $0) }
                model.map(pid, vpn + 6, 3, [.read, .write]) { .filePrivate(file: 3, page: 6 + $0) }
            }
        case 6:
            if agree("unmap \(what)", refused: !ok, { try $0.unmap(pid, at: vpn, pages: pages) }) {
                model.unmap(pid, vpn, pages)
                for v in vpn..<vpn + pages { model.privateAnonymousPages[model.space(pid)]?.remove(v) }
            }
        case 7:
            let refused = !ok || !model.fullyMapped(pid, vpn, pages)
            if agree("protect \(what)", refused: refused, { try $0.protect(pid, at: vpn, pages: pages, permissions: permissions) }) {
                model.protect(pid, vpn, pages, permissions)
            }
        case 8:
            let advice: [Advice] = [.normal, .dontFork, .wipeOnFork]
            let a = advice[Int((x >> 48) % 3)]
            let refused = !ok || !model.fullyMapped(pid, vpn, pages) || !model.adviceApplies(pid, vpn, pages, a)
            if agree("advise \(a) \(what)", refused: refused, { try $0.advise(pid, at: vpn, pages: pages, advice: a) }) {
                model.advise(pid, vpn, pages, a)
            }
        case 9, 10, 11, 12:
            guard ok else {
                _ = agree("write \(what)", refused: true) { _ = try $0.write(pid, vpn: vpn, value: value) }
                return
            }
            do {
                let engine = try m.write(pid, vpn: vpn, value: value)
                var copy = model
                let expected = copy.write(pid, vpn, value)
                if case .killed(.outOfMemory) = engine {} else { model = copy }
                _ = compare("write \(what)", pid, engine: engine, model: expected)
            } catch { fail("write \(what) threw \(error)") }
        case 13, 14, 15:
            guard ok else {
                _ = agree("read \(what)", refused: true) { _ = try $0.read(pid, vpn: vpn) }
                return
            }
            do {
                _ = compare("read \(what)", pid, engine: try m.read(pid, vpn: vpn), model: model.read(pid, vpn))
            } catch { fail("read \(what) threw \(error)") }
        case 16:
            guard ok else { return }
            for v in vpn..<vpn + pages {
                guard let engine = try? m.write(pid, vpn: v, value: value + Int64(v)) else {
                    fail("range write threw at \(v)")
                    return
                }
                var copy = model
                let expected = copy.write(pid, v, value + Int64(v))
                if case .killed(.outOfMemory) = engine {} else { model = copy }
                if !compare("range write \(what) at \(v)", pid, engine: engine, model: expected) { return }
            }
        case 17:
            guard ok else { return }
            guard let (values, killed) = try? m.read(pid, vpns: vpn..<vpn + pages) else {
                fail("range read threw")
                return
            }
            for (k, got) in values.enumerated() where model.read(pid, vpn + k) != .value(got) {
                fail("range read \(what) at \(vpn + k): engine \(got), model \(model.read(pid, vpn + k))")
            }
            if let killed {
                let at = vpn + values.count
                _ = compare("range read \(what) at \(at)", pid, engine: .killed(killed), model: model.read(pid, at))
            } else if values.count != pages {
                fail("range read returned \(values.count) values for \(pages) pages")
            }
        case 18:
            guard model.alive.count < 8 else { return }
            do {
                let n = name()
                _ = try m.fork(pid, childName: n)
                if !ok { fail("fork \(what): engine accepted a fork of a process that is not running") }
                _ = model.fork(pid)
            } catch EngineError.outOfMemory {
                eagerForkRefusals += 1
                if !ok || m.config.forkMode != .eager { fail("fork \(what): unexpected outOfMemory") }
            } catch {
                if ok { fail("fork \(what): engine refused: \(error)") }
            }
        case 19:
            guard model.alive.count < 8 else { return }
            let n = name()
            if agree("vfork \(what)", refused: !ok, { _ = try $0.vfork(pid, childName: n) }) {
                _ = model.vfork(pid)
            }
        case 20:
            guard (x >> 55) % 2 == 0 || model.borrows[pid] != nil else { return }
            if agree("exec \(what)", refused: !ok, { try $0.exec(pid) }) { model.exec(pid) }
        case 21:
            guard (x >> 55) % 3 == 0 else { return }   // exit less often than other steps
            if agree("exit \(what)", refused: !ok, { try $0.exit(pid) }) { model.end(pid) }
        case 22:
            switch (x >> 56) % 4 {
            case 0:
                // pwrite of a file range (sometimes past the end: refused), or a memory too full for it.
                let filePages = RandomRun.filePages[file] ?? 0
                let range = offset..<offset + pages % 6 + 1
                do {
                    try m.pwrite(file: file, pages: range, value: value)
                    if range.upperBound > filePages { fail("pwrite \(file) \(range): engine accepted a range past the end") }
                    for page in range { model.fileValues[file, default: [:]][page] = value }
                } catch EngineError.outOfMemory {
                } catch {
                    if range.upperBound <= filePages { fail("pwrite \(file) \(range): engine refused: \(error)") }
                }
            case 1:
                _ = m.sync()
            case 2:
                _ = try? m.fsync(file: file)
            default:
                m.dropCaches()
            }
        default:
            if flipsBehaviours {
                let name = Behaviours.switchNames[Int((x >> 50) % 4)]
                _ = m.setBehaviour(name, !(m.config.behaviours.value(of: name) ?? false))
                if (x >> 52) % 4 == 0 { m.setForkMode(m.config.forkMode == .eager ? .copyOnWrite : .eager) }
            } else {
                m.dropCaches()
            }
        }
    }

    /// Reads every page the model knows in every running process and compares.
    mutating func sweep() {
        for pid in model.running {
            let pages = (model.spaces[model.space(pid)] ?? [:]).keys.sorted()
            for v in pages where model.isRunning(pid) {
                guard let engine = try? m.read(pid, vpn: v) else {
                    fail("sweep read threw")
                    return
                }
                _ = compare("sweep \(pid):\(v)", pid, engine: engine, model: model.read(pid, v))
            }
        }
    }

    /// Ends every process (vfork children first: highest pid first), then checks that only
    /// page-cache frames remain, and that dropping the caches frees everything.
    mutating func exitAll() {
        var rounds = 0
        while !model.alive.isEmpty && rounds < 64 {
            rounds += 1
            for pid in model.running.reversed() {
                do {
                    try m.exit(pid)
                    model.end(pid)
                } catch { fail("final exit of \(pid) threw \(error)") }
            }
        }
        if m.processes.contains(where: { $0.isAlive }) { fail("processes still alive after exiting all") }
        let problems = m.check()
        if !problems.isEmpty { fail("after exiting all: \(problems.prefix(3))") }
        let s = m.stats
        if s.anonymous != 0 || s.shmem != 0 || s.used != s.pageCache { fail("after exiting all: \(s)") }
        for frame in m.usedFrames {
            guard case .pageCache(let file, _) = frame.kind, file > 0, frame.mapcount == 0 else {
                fail("after exiting all, frame \(frame.number) remains: \(frame.kind)")
                return
            }
        }
        m.dropCaches()
        if m.stats.used != 0 { fail("dropCaches left \(m.stats.used) frames") }
    }
}

@Suite("Property-based: random operation sequences")
struct PropertyTests {
    static let configurations: [(Profile, ForkMode)] = Profile.allCases.flatMap { p in ForkMode.allCases.map { (p, $0) } }

    /// Runs one sequence; returns the first problem found, if any.
    static func run(_ profile: Profile, _ mode: ForkMode, frames: Int, ops: [UInt64], flips: Bool) throws -> String? {
        var run = try RandomRun(profile: profile, mode: mode, frames: frames, flipsBehaviours: flips)
        for (index, op) in ops.enumerated() {
            run.step(op)
            let problems = run.m.check()
            if !problems.isEmpty { run.fail("invariants broken after step \(index): \(problems.prefix(3))") }
            if let failure = run.failure { return "step \(index) (op \(op)): \(failure)" }
        }
        run.sweep()
        run.exitAll()
        return run.failure
    }

    @Test("engine agrees with the model and keeps its invariants", arguments: configurations)
    func randomSequences(profile: Profile, mode: ForkMode) async throws {
        await propertyCheck(count: 100, input: Gen.int(in: 16...200), Gen.uint64(in: 0...UInt64.max).array(of: 20...220)) { frames, ops in
            let failure = try PropertyTests.run(profile, mode, frames: frames, ops: ops, flips: false)
            #expect(failure == nil)
        }
    }

    @Test("switching behaviours and fork mode mid-run keeps the machine consistent")
    func randomSequencesWithSwitches() async throws {
        await propertyCheck(count: 100, input: Gen.int(in: 16...200), Gen.uint64(in: 0...UInt64.max).array(of: 20...220)) { frames, ops in
            let failure = try PropertyTests.run(.linux, .copyOnWrite, frames: frames, ops: ops, flips: true)
            #expect(failure == nil)
        }
    }

    @Test("random runs reach every kind of fault, kill and refusal (the properties are not vacuous)")
    func coverage() throws {
        var rng = SplitMix64(seed: 2026)
        var seen = Set<String>()
        var refusals = 0
        for (profile, mode) in PropertyTests.configurations {
            for _ in 0..<40 {
                var run = try RandomRun(profile: profile, mode: mode, frames: Int(rng.next() % 150) + 16, flipsBehaviours: false)
                run.m.recordsEvents = true
                for _ in 0..<200 { run.step(rng.next()) }
                #expect(run.failure == nil)
                for event in run.m.takeEvents() {
                    seen.insert(String("\(event)".prefix { $0 != "(" }))
                }
                refusals += run.eagerForkRefusals
            }
        }
        #expect(seen.isSuperset(of: ["demandZero", "zeroPageMapped", "fileRead", "sharedMapped", "copyOnWrite",
                                     "copyOnWriteReuse", "segfault", "outOfMemory", "forked", "execed", "exited",
                                     "resumed", "busError", "readAhead"]), "\(seen.sorted())")
        #expect(refusals > 0)
    }

    @Test("a machine copy is an independent snapshot")
    func snapshots() async throws {
        await propertyCheck(count: 30, input: Gen.uint64(in: 0...UInt64.max).array(of: 10...80)) { ops in
            var run = try RandomRun(profile: .linux, mode: .copyOnWrite, frames: 200, flipsBehaviours: false)
            for op in ops.prefix(ops.count / 2) { run.step(op) }
            let snapshot = run.m
            let stats = snapshot.stats, frames = snapshot.usedFrames
            for op in ops.dropFirst(ops.count / 2) { run.step(op) }
            #expect(snapshot.stats == stats)
            #expect(snapshot.usedFrames == frames)
            #expect(snapshot.check().isEmpty)
        }
    }
}
