import CowEngine
import CowLanguage

#if canImport(Glibc)
import Glibc
#endif

/// The kernel backend of the language (issue 12): every memory operation of a script, once the
/// simulated machine has done it (the machine keeps the script's names, regions and pids and
/// checks every argument), is performed on real participant processes of the host kernel, and
/// the figures (`rss`, `frame`, `faults`, `smaps`, `stats`, `dump P`) are read back from them.
///
/// In `comparing` mode (`cowsim compare`) the figures stay the machine's (so a script runs as it
/// does on the simulator) and after every operation every figure of every live process is
/// compared with the kernel's; `comparison` collects the result.
public final class KernelBackend: MemoryBackend {
    public struct Options: Sendable {
        public var host: KernelHost.Options
        /// Compare every figure after every operation (`cowsim compare`).
        public var comparing: Bool
        public init(host: KernelHost.Options = .init(), comparing: Bool = false) {
            self.host = host
            self.comparing = comparing
        }
    }

    public let name = "kernel"
    public var simulatorProfile: Profile? { .linux }
    public let options: Options
    public private(set) var host: KernelHost
    /// Whether page frames and map counts can be read (root, participants not run as another user).
    public let privileged: Bool
    /// Every figure compared so far (comparing mode).
    public internal(set) var comparison = Comparison()

    var processes: [PID: KernelProcess] = [:]
    var files: [String: KernelFile] = [:]
    /// Libraries: text pages (the data pages follow in the same file).
    var libraries: [String: (file: KernelFile, text: Int, data: Int)] = [:]
    /// vfork children: the kernel runs vfork + exec as one step, so they have a fresh, empty
    /// address space at once, and their `exec` is already done.
    var vforked: Set<PID> = []
    /// Bumped by every operation: the figure caches below hold for one generation only.
    var generation = 0
    var smapsCache: [PID: (generation: Int, blocks: [KernelSmaps])] = [:]
    var exactCache: [PID: (generation: Int, blocks: [UInt64: (pss: Rational, fixedPoint: Int)])] = [:]
    var framesByNumber: [Int: FrameInfo] = [:]
    /// The zero page's frame number, once a page of the script mapped it (root).
    var zeroPage: Int?
    var isShutDown = false

    public init(options: Options = Options()) throws {
        self.options = options
        host = try KernelHost(options: options.host)
        #if os(Linux)
        privileged = geteuid() == 0 && options.host.runAs == nil
        #else
        privileged = false
        #endif
    }

    deinit { shutdown() }

    /// `set backend kernel` in the REPL: participants are this very program.
    public static let factory = BackendFactory(names: ["kernel"]) { (name: String) throws(BackendFailure) -> any MemoryBackend in
        do { return try KernelBackend() } catch { throw BackendFailure("backend \(name): \(error)") }
    }

    public func shutdown() {
        isShutDown = true
        host.shutdown()
    }

    // MARK: - Admission

    public func admit(_ command: Command, named commandName: String, on machine: Machine) -> BackendAdmission {
        switch command {
        case .library, .file, .spawn, .map, .mapLibrary, .unmap, .msync, .mremap, .mremapResize, .mlock, .protect, .fork, .vfork, .exec, .exit,
             .read, .write, .smaps, .dropCaches, .echo, .echoValue, .assign, .expect, .ask, .source, .save, .reset, .help,
             .quit, .setPrompt, .setSteps, .setBackend:
            return .perform
        case .advise(_, _, let advice):
            return kernelAdvice(advice) == nil ? .refused(unsupported(commandName + " " + advice.rawValue)) : .perform
        case .profile(let profile):
            if options.comparing && profile == .linux { return .ignored("profile linux: the simulator beside the kernel runs it already") }
            return .ignored("profile \(profile.rawValue): ignored on the kernel backend (the host kernel has its own rules; the simulator beside it stays under linux)")
        case .setFork(let mode):
            if mode == .copyOnWrite { return .ignored("fork mode: the kernel forks copy-on-write (nothing to set)") }
            return .refused(unsupported(commandName) + " (the kernel always forks copy-on-write)")
        case .setSwitch(let name, _):
            return .ignored("\(name.text): a switch of the simulator's rules, ignored on the kernel backend")
        case .check:
            return .ignored("check: the simulator's invariants; the kernel backend has none to check (ignored)")
        case .configFrames where options.comparing:
            // The simulator beside the kernel needs room for what the host does (512 frames for a
            // transparent huge page); the host's memory is its own either way.
            return .perform
        case .stats:
            if options.comparing { return .perform }
            return answer { try self.statsLines(machine) }
        case .dump(.process(let ref), let everyPage):
            if options.comparing { return .perform }
            guard let pid = resolve(ref, machine) else { return .perform }  // the machine reports the error
            return answer { try self.dumpLines(pid, machine, everyPage: everyPage) }
        default:
            // config frames, config page-size, dump frames, dump frame N, and every command added
            // later: refused until this switch names it.
            return .refused(unsupported(commandName))
        }
    }

    private func answer(_ body: () throws -> [String]) -> BackendAdmission {
        do { return .answered(try body()) } catch { return .refused("kernel: \(error)") }
    }

    private func resolve(_ ref: ProcessReference, _ machine: Machine) -> PID? {
        if case .name(let name) = ref.kind { return machine.pid(named: name) }
        return nil
    }

    /// The Linux advice numbers for the simulator's advice (nil: none). `normal` undoes the
    /// simulator's fork advice too, as MADV_DOFORK and MADV_KEEPONFORK do.
    func kernelAdvice(_ advice: MemoryAdvice) -> [KernelAdvice]? {
        switch advice {
        case .normal: return [.normal, .doFork, .keepOnFork]
        case .dontfork: return [.dontFork]
        case .wipeonfork: return [.wipeOnFork]
        case .dontneed: return [.dontNeed]
        case .free: return [.free]
        case .willneed: return [.willNeed]
        case .random: return [.random]
        case .sequential: return [.sequential]
        case .hugepage: return [.hugePage]
        case .nohugepage: return [.noHugePage]
        }
    }

    // MARK: - Operations

    public func perform(_ operation: MemoryOperation, on machine: Machine, at location: ScriptLocation) throws(BackendFailure) -> BackendOutcome {
        generation += 1
        var outcome = BackendOutcome()
        do {
            outcome = try run(operation, machine)
        } catch let error as BackendFailure {
            throw error
        } catch {
            throw BackendFailure("kernel: \(error)")
        }
        if options.comparing { compare(after: operation, machine, at: location, values: outcome.values) }
        return outcome
    }

    private func run(_ operation: MemoryOperation, _ machine: Machine) throws -> BackendOutcome {
        let page = Int(KernelHost.pageSize)
        func address(_ vpn: Int) -> UInt64 { UInt64(vpn) * KernelHost.pageSize }
        func process(_ pid: PID) throws -> KernelProcess {
            guard let p = processes[pid] else { throw BackendFailure("kernel: pid \(pid) has no participant") }
            return p
        }
        func name(_ pid: PID) -> String { machine.processName(pid) ?? "pid \(pid)" }
        func noEarlyAccess(_ pid: PID) throws {
            if vforked.contains(pid) {
                throw BackendFailure("unsupported on the kernel backend: a vfork child touching memory before `exec` (the kernel backend runs vfork + exec as one step; \(name(pid)) already has a fresh, empty address space)")
            }
        }
        switch operation {
        case .addFile(let fileName, let pages, let cached):
            files[fileName] = try host.createFile(fileName, pages: pages, cached: cached)
        case .addLibrary(let library, let text, let data, let cached):
            let file = try host.createFile(library, pages: text + data, cached: cached)
            files[library] = file
            libraries[library] = (file, text, data)
        case .spawn(let pid):
            processes[pid] = try host.spawn(name(pid))
        case .mapAnonymous(let pid, let vpn, let pages, let permissions, let shared):
            try noEarlyAccess(pid)
            try host.map(try process(pid), at: address(vpn), pages: pages, backing: .anonymous,
                         permissions: kernelPermissions(permissions), shared: shared)
        case .mapFile(let pid, let fileName, let offset, let vpn, let pages, let permissions, let shared):
            try noEarlyAccess(pid)
            guard let file = files[fileName] else { throw BackendFailure("kernel: no file \(fileName)") }
            try host.map(try process(pid), at: address(vpn), pages: pages, backing: .file(file, offset: offset),
                         permissions: kernelPermissions(permissions), shared: shared)
        case .mapLibrary(let pid, let library, let vpn):
            try noEarlyAccess(pid)
            guard let lib = libraries[library] else { throw BackendFailure("kernel: no library \(library)") }
            let p = try process(pid)
            try host.map(p, at: address(vpn), pages: lib.text, backing: .file(lib.file, offset: 0), permissions: .readExecute)
            if lib.data > 0 {
                try host.map(p, at: address(vpn + lib.text), pages: lib.data, backing: .file(lib.file, offset: lib.text),
                             permissions: .readWrite)
            }
        case .unmap(let pid, let vpn, let pages):
            try noEarlyAccess(pid)
            try host.unmap(try process(pid), at: address(vpn), pages: pages)
        case .protect(let pid, let vpn, let pages, let permissions):
            try noEarlyAccess(pid)
            try host.protect(try process(pid), at: address(vpn), pages: pages, kernelPermissions(permissions))
        case .advise(let pid, let vpn, let pages, let advice):
            try noEarlyAccess(pid)
            let p = try process(pid)
            for (k, a) in (kernelAdvice(advice) ?? []).enumerated() {
                do { try host.advise(p, at: address(vpn), pages: pages, a) } catch {
                    if advice == .normal && k > 0 { continue }  // MADV_KEEPONFORK where there was nothing to keep
                    throw error
                }
            }
        case .msync(let pid, let vpn, let pages):
            try noEarlyAccess(pid)
            try host.msync(try process(pid), at: address(vpn), pages: pages)
        case .mremap(let pid, let vpn, let pages, let to):
            try noEarlyAccess(pid)
            try host.mremap(try process(pid), at: address(vpn), pages: pages, to: address(to), newPages: pages)
        case .mremapResize(let pid, let vpn, let pages, let newPages):
            try noEarlyAccess(pid)
            try host.mremap(try process(pid), at: address(vpn), pages: pages, to: nil, newPages: newPages)
        case .populate(let pid, let vpn, let pages, let write):
            try noEarlyAccess(pid)
            try host.populate(try process(pid), at: address(vpn), pages: pages, write: write)
        case .mlock(let pid, let vpn, let pages, let lock):
            try noEarlyAccess(pid)
            try host.mlock(try process(pid), at: address(vpn), pages: pages, lock: lock)
        case .fork(let parent, let child):
            try noEarlyAccess(parent)
            processes[child] = try host.fork(try process(parent), as: name(child))
        case .vfork(let parent, let child):
            processes[child] = try host.vforkExec(try process(parent), as: name(child))
            vforked.insert(child)
            return BackendOutcome(lines: ["kernel: vfork + exec: \(name(child)) runs a fresh program at once (its `exec` is already done)"])
        case .exec(let pid):
            if vforked.remove(pid) != nil { return BackendOutcome() }
            try host.exec(try process(pid))
        case .exit(let pid):
            vforked.remove(pid)
            try host.exit(try process(pid))
        case .read(let pid, let vpns):
            try noEarlyAccess(pid)
            let p = try process(pid)
            let access = try host.read(p, at: address(vpns.lowerBound), pages: vpns.count)
            return BackendOutcome(lines: accessLines(name(pid), vpns, access, page), values: access.values)
        case .write(let pid, let vpns, let value):
            try noEarlyAccess(pid)
            let access = try host.write(try process(pid), at: address(vpns.lowerBound), pages: vpns.count, value: value)
            return BackendOutcome(lines: accessLines(name(pid), vpns, access, page))
        case .dropCaches:
            try host.dropCaches()
            return BackendOutcome(lines: ["kernel: the script's files written back and dropped from the page cache (fsync + POSIX_FADV_DONTNEED)"])
        case .reset:
            host.shutdown()
            host = try KernelHost(options: options.host)
            processes = [:]
            files = [:]
            libraries = [:]
            vforked = []
            zeroPage = nil
        }
        return BackendOutcome()
    }

    private func accessLines(_ name: String, _ vpns: Range<Int>, _ access: KernelAccess, _ page: Int) -> [String] {
        guard let signal = access.killedBy else { return [] }
        let what = signal == SIGSEGV ? "SIGSEGV" : signal == SIGBUS ? "SIGBUS" : "signal \(signal)"
        return ["kernel: \(name) killed by \(what)"]
    }

    func kernelPermissions(_ p: Permissions) -> KernelPermissions {
        var k: KernelPermissions = []
        if p.contains(.read) { k.insert(.read) }
        if p.contains(.write) { k.insert(.write) }
        if p.contains(.execute) { k.insert(.execute) }
        return k
    }

    // MARK: - Figures

    public func figures(of machine: Machine) -> any MemoryFigures {
        if options.comparing { return machine }
        return KernelFigures(backend: self, machine: machine)
    }

    /// The smaps blocks of a process (the script's VMAs only), read once per generation.
    func blocks(_ pid: PID) throws -> [KernelSmaps] {
        if let cached = smapsCache[pid], cached.generation == generation { return cached.blocks }
        guard let p = processes[pid] else { throw KernelError.noProcess("pid \(pid)") }
        let blocks = try host.smaps(p)
        smapsCache[pid] = (generation, blocks)
        return blocks
    }

    /// The figures of the address ranges `ranges` of `pid` (the parts of one script region, or
    /// all of them), as the simulator's `Usage`: sizes from smaps; Pss exact from map counts
    /// with root, otherwise as smaps printed it; one fixed-point part per VMA (rule 8).
    func usage(_ pid: PID, ranges: [(start: UInt64, end: UInt64)]) throws -> Usage {
        guard let p = processes[pid], host.exitState(p) == .running else { return Usage() }
        var result = Usage()
        var exactPss = Rational.zero
        var exactFixed = 0
        for block in try blocks(pid) {
            let inside = ranges.contains { $0.start <= block.start && block.end <= $0.end }
            let overlaps = ranges.contains { $0.start < block.end && block.start < $0.end }
            if overlaps && !inside {
                throw KernelError.refused("the kernel merged 0x\(String(block.start, radix: 16))..0x\(String(block.end, radix: 16)) of \(p.name) into one VMA with a neighbouring mapping; its regions' own figures cannot be told apart")
            }
            guard inside else { continue }
            var part = block.usage()
            part.pssFixedPoint = block.pss << 22
            part.lockedPssFixed = FixedPointSum(block.locked << 22)
            result.add(part)
            if privileged {
                let exact = try exactFigures(pid, p, block)
                exactPss = exactPss.adding(exact.pss) ?? exactPss
                exactFixed += exact.fixedPoint
            }
        }
        if privileged {
            result.pss = exactPss
            result.pssFixedPoint = exactFixed
        }
        return result
    }

    /// A VMA's exact Pss (pages) and its fixed-point sum (rule 8) from its pages' map counts
    /// (root), read once per generation.
    private func exactFigures(_ pid: PID, _ p: KernelProcess, _ block: KernelSmaps) throws -> (pss: Rational, fixedPoint: Int) {
        if let cached = exactCache[pid], cached.generation == generation, let found = cached.blocks[block.start] { return found }
        var pss = Rational.zero, fixed = 0
        for page in try host.pages(p, at: block.start, count: Int((block.end - block.start) / KernelHost.pageSize))
        where page.present && !page.isZeroPage && page.mapcount > 0 {
            pss = pss.adding(Rational(1, page.mapcount) ?? .zero) ?? pss
            fixed += (Int(KernelHost.pageSize) << 12) / page.mapcount
        }
        if exactCache[pid]?.generation != generation { exactCache[pid] = (generation, [:]) }
        exactCache[pid]?.blocks[block.start] = (pss, fixed)
        return (pss, fixed)
    }

    /// The address ranges of a script region (or of every region) of `pid` in the machine.
    func ranges(_ pid: PID, region: String?, _ machine: Machine) -> [(start: UInt64, end: UInt64)] {
        guard let info = machine.process(pid) else { return [] }
        // adjacent parts as one range: the kernel may have merged them into one VMA
        var result: [(start: UInt64, end: UInt64)] = []
        for r in info.regions where region == nil || r.name == region {
            let start = UInt64(r.start) * KernelHost.pageSize, end = UInt64(r.end) * KernelHost.pageSize
            if let last = result.last, last.end == start { result[result.count - 1].end = end } else { result.append((start, end)) }
        }
        return result
    }

    /// Counters of a process from its participant: faults always, copies and reuses with root.
    func counters(_ pid: PID) -> ProcessCounters? {
        guard let p = processes[pid] else { return nil }
        let c = host.counters(p)
        return ProcessCounters(minorFaults: c.minor, majorFaults: c.major, copies: c.copies, reuses: c.reuses)
    }

    /// The process's life as the kernel saw it, in the machine's terms.
    func state(_ pid: PID, _ machine: Machine) -> ProcessState? {
        guard let p = processes[pid] else { return nil }
        switch host.exitState(p) {
        case .running: return machine.process(pid)?.state.isAlive == true ? machine.process(pid)?.state : .running
        case .exited: return .exited
        case .killed(_, let address):
            if case .killed(let kill)? = machine.process(pid)?.state { return .killed(kill) }
            return .killed(.segfault(vpn: Int((address ?? 0) / KernelHost.pageSize), .unmapped))
        }
    }

    /// The kernel's page at `vpn` of `pid` (root): as a page-table entry, its frame remembered
    /// for `frame(_:)`.
    func entry(_ pid: PID, vpn: Int) -> PageTableEntry? {
        guard let p = processes[pid], host.exitState(p) == .running else { return nil }
        guard privileged else {
            // Without root the frame is hidden but the value is not: a stand-in frame number
            // (negative, never shown: frame() and mapcount() need root) carries the value.
            guard let value = (try? host.value(p, at: UInt64(vpn) * KernelHost.pageSize)).flatMap({ $0 }) else { return nil }
            let standIn = -2 - vpn
            framesByNumber[standIn] = FrameInfo(number: standIn, kind: .anonymous, mapcount: 0, dirty: false, value: value)
            return PageTableEntry(frame: standIn, flags: [.present])
        }
        guard let page = try? host.pages(p, at: UInt64(vpn) * KernelHost.pageSize, count: 1).first,
              page.present, let number = page.frame.map({ Int($0) }) else { return nil }
        if page.isZeroPage {
            zeroPage = number
        } else {
            let value = (try? host.value(p, at: UInt64(vpn) * KernelHost.pageSize)).flatMap { $0 } ?? 0
            framesByNumber[number] = FrameInfo(number: number, kind: page.isAnonymous ? .anonymous : .pageCache(file: 0, page: 0),
                                               mapcount: page.mapcount, dirty: false, value: value)
        }
        return PageTableEntry(frame: number, flags: [.present])
    }

    /// Machine-wide figures over the script's live processes (root): distinct frames mapped,
    /// anonymous ones, the rest (page cache and shared memory).
    func stats(_ machine: Machine) throws -> MachineStats {
        var stats = machine.stats
        var all = Set<UInt64>(), anonymous = Set<UInt64>(), shmem = Set<UInt64>()
        var zeroMappings = 0, rssSum = 0
        for (pid, p) in processes where host.exitState(p) == .running {
            guard let info = machine.process(pid) else { continue }
            for r in info.regions {
                let sharedAnonymous = r.isShared && r.backing == .anonymous
                for page in try host.pages(p, at: UInt64(r.start) * KernelHost.pageSize, count: r.pages) where page.present {
                    if page.isZeroPage { zeroMappings += 1; continue }
                    guard let f = page.frame else { continue }
                    all.insert(f)
                    rssSum += 1
                    if page.isAnonymous { anonymous.insert(f) } else if sharedAnonymous { shmem.insert(f) }
                }
            }
        }
        // The page cache: the script's files' cached pages (mapped or not) and shared anonymous memory.
        let pageCache = try host.cachedFilePages() + shmem.count
        let minor = processes.values.reduce(0) { $0 + host.counters($1).minor }
        let major = processes.values.reduce(0) { $0 + host.counters($1).major }
        stats.used = anonymous.count + pageCache
        stats.anonymous = anonymous.count
        stats.pageCache = pageCache
        stats.shmem = shmem.count
        stats.zeroPageMappings = zeroMappings
        stats.minorFaults = minor
        stats.majorFaults = major
        stats.copies = processes.values.reduce(0) { $0 + host.counters($1).copies }
        stats.reuses = processes.values.reduce(0) { $0 + host.counters($1).reuses }
        stats.savedBySharing = rssSum - all.count
        stats.processes = processes.values.filter { host.exitState($0) == .running }.count
        return stats
    }

    /// Why a figure function cannot be answered here (nil: it can).
    func unavailable(_ figure: String, of pid: PID?, _ machine: Machine) -> String? {
        switch figure {
        case "frame", "mapcount", "copies", "reuses", "frames_used", "frames_anonymous", "frames_page_cache", "saved_by_sharing":
            return privileged ? nil : KernelError.needsRoot("\(figure)()").description
        case "zero_page":
            if !privileged { return KernelError.needsRoot("zero_page").description }
            return zeroPage == nil ? "zero_page: not known on the kernel backend until a page of the script maps the zero page" : nil
        case "pss_dirty":
            return "pss_dirty(): smaps_rollup's Pss_Dirty is not read by the kernel backend; unsupported"
        case "exclusive":
            return "exclusive(): the kernel does not show PageAnonExclusive to user space; unsupported on the kernel backend"
        case "cached":
            return "cached(): unsupported on the kernel backend"
        case "tlb_hits", "tlb_misses", "tlb_invalidations":
            return "\(figure)(): the simulated TLB's figure; unsupported on the kernel backend"
        case "frames_total", "frames_free":
            return "\(figure): the host's frames are not the script's; unsupported on the kernel backend"
        default:
            guard let pid, FunctionCatalog.usageNames.contains(figure) else { return nil }
            do {
                _ = try usage(pid, ranges: ranges(pid, region: nil, machine))
                return nil
            } catch {
                return "kernel: \(error)"
            }
        }
    }

    // MARK: - Reports

    func statsLines(_ machine: Machine) throws -> [String] {
        var table = TextTable([.init(""), .init("")], showsHeader: false)
        let alive = processes.values.filter { host.exitState($0) == .running }.count
        let c = processes.values.map { host.counters($0) }
        table.add(["backend", "the host kernel (participants pinned to CPU \(host.cpu)), pages of \(KernelHost.pageSize) bytes"])
        table.add(["processes", "\(alive) alive, \(processes.count) created"])
        table.add(["faults", "\(c.reduce(0) { $0 + $1.minor }) minor, \(c.reduce(0) { $0 + $1.major }) major"])
        if privileged {
            let s = try stats(machine)
            table.add(["frames", "\(s.used) used by the script's processes (anonymous \(s.anonymous), page cache and shared memory \(s.pageCache))"])
            table.add(["zero page", Format.count(s.zeroPageMappings, "mapping")])
            table.add(["copy-on-write", "\(Format.count(s.copies, "copy", "copies")), \(Format.count(s.reuses, "reuse"))"])
            table.add(["sharing", "saves \(Format.frames(s.savedBySharing))"])
        } else {
            table.add(["frames", KernelError.needsRoot("frames").description])
        }
        return table.render()
    }

    func dumpLines(_ pid: PID, _ machine: Machine, everyPage: Bool) throws -> [String] {
        guard let info = machine.process(pid), let p = processes[pid] else { return [] }
        let c = host.counters(p)
        var lines = ["\(info.name) (pid \(pid), on the kernel): \(state(pid, machine)?.description ?? "unknown"), \(c.minor) minor faults, \(c.major) major"]
        guard host.exitState(p) == .running else { return lines }
        var table = TextTable([.init("region"), .init("range"), .init("perms"), .init("pages", .right), .init("present", .right),
                               .init("zero page", .right)], indent: "  ")
        var pageRows: [String] = []
        for r in info.regions {
            let start = UInt64(r.start) * KernelHost.pageSize
            var present = 0, zero = 0
            if privileged {
                let pages = try host.pages(p, at: start, count: r.pages)
                for (k, page) in pages.enumerated() where page.present {
                    if page.isZeroPage { zero += 1 } else { present += 1 }
                    if everyPage {
                        let frame = page.isZeroPage ? "zero page" : "frame \(page.frame.map { String($0) } ?? "?"), mapcount \(page.mapcount)"
                        pageRows.append("    \(Format.hex((r.start + k) * Int(KernelHost.pageSize))): \(frame)")
                    }
                }
            }
            table.add([r.name, "\(Format.hex(r.start * Int(KernelHost.pageSize)))..\(Format.hex(r.end * Int(KernelHost.pageSize)))",
                       "\(r.permissions)", "\(r.pages)", privileged ? "\(present)" : "needs root", privileged ? "\(zero)" : ""])
        }
        lines += table.render()
        lines += pageRows
        return lines
    }
}

/// The figures of a session on the kernel backend (see `KernelBackend.figures(of:)`).
struct KernelFigures: MemoryFigures {
    let backend: KernelBackend
    let machine: Machine

    var pageSize: Int { Int(KernelHost.pageSize) }
    var framesTotal: Int { machine.config.frames }
    var zeroPageFrame: Int { backend.zeroPage ?? -1 }
    var stats: MachineStats { (try? backend.stats(machine)) ?? machine.stats }
    var smapsPssIsFixedPoint: Bool { true }

    func process(named name: String) -> ProcessInfo? {
        machine.process(named: name).flatMap { process($0.pid) }
    }

    func process(_ pid: PID) -> ProcessInfo? {
        guard var info = machine.process(pid) else { return nil }
        if let counters = backend.counters(pid) { info.counters = counters }
        if let state = backend.state(pid, machine) { info.state = state }
        return info
    }

    func usage(of pid: PID, region: String?) -> Usage? {
        try? backend.usage(pid, ranges: backend.ranges(pid, region: region, machine))
    }

    func usageByRegionName(of pid: PID) -> [String: Usage]? {
        guard let info = machine.process(pid) else { return nil }
        var result: [String: Usage] = [:]
        for r in info.regions where result[r.name] == nil { result[r.name] = usage(of: pid, region: r.name) ?? Usage() }
        return result
    }

    func entry(_ pid: PID, vpn: Int) -> PageTableEntry? { backend.entry(pid, vpn: vpn) }

    // Files by name (the script's names; `cached()` itself is refused in `unavailable`).
    func file(named name: String) -> FileInfo? { machine.file(named: name) }
    var files: [FileInfo] { machine.files }

    func frame(_ number: Int) -> FrameInfo? { backend.framesByNumber[number] }

    func unavailable(_ figure: String, of pid: PID?) -> String? { backend.unavailable(figure, of: pid, machine) }
}
